import { describe, expect, it } from 'vitest';
import { AllocError } from '../core/types';
import { FIXWEST_1996, IMIX_ETH, IMIX_IP } from '../data/packet-sizes';
import { createProducerConsumer } from './producer-consumer';
import { samplePacketSize, skbDataBytes } from './skb';
import { drive } from './test-util';

describe('skbDataBytes(len)', () => {
  it('is SKB_DATA_ALIGN(len + 16) to 64-byte lines + 312 (x86_64)', () => {
    expect(skbDataBytes(1540)).toBe(1912); // docs/models.md section 4: 1600 + 312
    expect(skbDataBytes(40)).toBe(64 + 312);
    expect(skbDataBytes(48)).toBe(64 + 312);
    expect(skbDataBytes(49)).toBe(128 + 312);
    expect(skbDataBytes(576)).toBe(640 + 312);
    expect(skbDataBytes(1500)).toBe(1536 + 312);
    expect(skbDataBytes(1500, 32, 164)).toBe(1536 + 164); // i386
  });
});

describe('samplePacketSize(dist, u)', () => {
  it('splits [0, 1) by share: Simple IMIX 7:4:1', () => {
    expect(samplePacketSize(IMIX_IP, 0)).toBe(40);
    expect(samplePacketSize(IMIX_IP, 6.99 / 12)).toBe(40);
    expect(samplePacketSize(IMIX_IP, 7.01 / 12)).toBe(576);
    expect(samplePacketSize(IMIX_IP, 10.99 / 12)).toBe(576);
    expect(samplePacketSize(IMIX_IP, 11.01 / 12)).toBe(1500);
    expect(samplePacketSize(IMIX_IP, 0.999999)).toBe(1500);
    expect(samplePacketSize(IMIX_ETH, 0.5)).toBe(64);
  });

  it('FIX-West: listed sizes by share, the unlisted ~29% uniform over 40..1500', () => {
    expect(samplePacketSize(FIXWEST_1996, 0)).toBe(40);
    expect(samplePacketSize(FIXWEST_1996, 0.3)).toBe(40);
    expect(samplePacketSize(FIXWEST_1996, 0.5)).toBe(552);
    const listed = FIXWEST_1996.shares.reduce((a, b) => a + b, 0);
    expect(listed).toBeCloseTo(0.7079, 6);
    expect(samplePacketSize(FIXWEST_1996, listed - 1e-9)).toBe(1500);
    expect(samplePacketSize(FIXWEST_1996, listed + 1e-9)).toBe(40);
    expect(samplePacketSize(FIXWEST_1996, 0.999999999)).toBe(1500);
    const mid = samplePacketSize(FIXWEST_1996, (listed + 1) / 2);
    expect(Math.abs(mid - 770)).toBeLessThanOrEqual(1);
  });
});

describe('producer-consumer', () => {
  it('allocs on CPU 0, frees round-robin on CPUs 1..cpus-1, each allocation freed once, oldest first', () => {
    const run = drive(createProducerConsumer({ seed: 2, cpus: 4, ops: 10000 }), 1e6);
    expect(run.ops).toHaveLength(10000);
    const frees = run.ops.filter((op) => op.kind === 'free');
    expect(run.ops.filter((op) => op.kind === 'alloc').every((op) => op.cpu === 0)).toBe(true);
    expect(frees.map((op) => op.cpu)).toEqual(frees.map((_, k) => 1 + (k % 3)));
    // The k-th free frees the k-th allocation (slots are reused, so compare by position).
    const allocSlots = run.ops.filter((op) => op.kind === 'alloc').map((op) => op.id);
    expect(frees.map((op) => op.id)).toEqual(allocSlots.slice(0, frees.length));
    // 64 allocs, then alloc/free alternating: at most 64 live after any op.
    let live = 0;
    for (const op of run.ops) {
      live += op.kind === 'alloc' ? 1 : -1;
      expect(live).toBeLessThanOrEqual(64);
    }
    expect(run.ops.slice(0, 64).every((op) => op.kind === 'alloc')).toBe(true);
    expect(run.ops[64].kind).toBe('free');
  });

  it('with cpus = 1 everything runs on CPU 0', () => {
    const run = drive(createProducerConsumer({ cpus: 1, ops: 1000, inflight: 8 }), 1e6);
    expect(run.ops.every((op) => op.cpu === 0)).toBe(true);
    expect(run.ops.filter((op) => op.kind === 'free').length).toBeGreaterThan(400);
  });

  it('requests skb data sizes of IMIX packets, about 7:4:1', () => {
    const run = drive(createProducerConsumer({ seed: 3, ops: 24000 }), 1e6);
    const counts = new Map<number, number>();
    for (const op of run.ops) if (op.kind === 'alloc') counts.set(op.bytes, (counts.get(op.bytes) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([376, 952, 1848]);
    const n = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(counts.get(376)! / n).toBeCloseTo(7 / 12, 1);
    expect(counts.get(952)! / n).toBeCloseTo(4 / 12, 1);
    expect(counts.get(1848)! / n).toBeCloseTo(1 / 12, 1);
  });

  it("skb=false requests the raw packet sizes; sizes='fixwest' and 'imix-eth' use their tables", () => {
    const raw = drive(createProducerConsumer({ skb: false, sizes: 'imix-eth', ops: 2000 }), 1e6);
    expect(new Set(raw.ops.filter((op) => op.kind === 'alloc').map((op) => op.bytes))).toEqual(
      new Set([64, 594, 1518]),
    );
    const fw = drive(createProducerConsumer({ skb: 'false', sizes: 'fixwest', ops: 20000 }), 1e6);
    const sizes = fw.ops.filter((op) => op.kind === 'alloc').map((op) => op.bytes);
    expect(Math.min(...sizes)).toBe(40);
    expect(Math.max(...sizes)).toBe(1500);
    expect(new Set(sizes).size).toBeGreaterThan(100);
  });

  it('is the same stream whatever the allocator answers: a failed buffer is freed (and skipped) in turn', () => {
    let n = 0;
    const failing = drive(createProducerConsumer({ cpus: 2, ops: 5000 }), 1e6, () =>
      n++ % 4 === 0 ? AllocError.GrowFailed : 0,
    );
    expect(failing.ops).toEqual(drive(createProducerConsumer({ cpus: 2, ops: 5000 }), 1e6).ops);
    expect(failing.outcomes.filter((o) => o === -100).length).toBeGreaterThan(100);
  });

  it('ends at 100000 ops by default', () => {
    expect(drive(createProducerConsumer(), 1e6).ops).toHaveLength(100000);
  });
});
