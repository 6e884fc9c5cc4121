import { describe, expect, it } from 'vitest';
import { OpBuffer } from '../core/op-buffer';
import { flowCpu } from './net-sim';
import { createNicRx } from './nic-rx';
import { rxPlan } from './rx-ring';
import { skbEra } from './skb';
import { drive, expectResumesAt, opsOf } from './test-util';
import type { Op } from './types';

/** The CPU that allocated each freed slot, paired with the freeing CPU. */
function allocFreePairs(ops: readonly Op[]): Map<string, number> {
  const owner = new Map<number, number>();
  const pairs = new Map<string, number>();
  for (const op of ops) {
    if (op.kind === 'alloc') owner.set(op.id, op.cpu);
    else {
      const key = `${owner.get(op.id)}->${op.cpu}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
  }
  return pairs;
}

const count = (ops: readonly Op[], f: (op: Op) => boolean): number => ops.filter(f).length;

describe('nic-rx', () => {
  it('fills the ring with ring - 1 buffers on the RX CPU first (E1000_DESC_UNUSED), each of the era descriptor size', () => {
    const ops = opsOf(createNicRx({ cpus: 4, rxCpu: 2, ring: 512, ops: 511 }));
    expect(ops).toHaveLength(511);
    expect(ops.every((op) => op.kind === 'alloc' && op.cpu === 2 && op.bytes === 1912)).toBe(true);
    expect(ops.map((op) => op.id)).toEqual(ops.map((_, k) => k));
  });

  it('allocates only on the RX CPU; frees land on the CPU of each flow, on the RX CPU only when a backlog is full', () => {
    const run = drive(createNicRx({ seed: 3, cpus: 4, rxCpu: 1, flows: 1000, ops: 60000 }), 1e6);
    expect(run.ops.filter((op) => op.kind === 'alloc').every((op) => op.cpu === 1)).toBe(true);
    const perCpu = [0, 1, 2, 3].map((c) => count(run.ops, (op) => op.kind === 'free' && op.cpu === c));
    for (const n of perCpu) expect(n).toBeGreaterThan(0.15 * run.ops.length * 0.5 * 0.5);
    // One flow and a consumer fast enough never to fill its backlog: every free on the flow's CPU.
    const one = drive(createNicRx({ seed: 3, cpus: 4, rxCpu: 1, flows: 1, rate: 8, ops: 20000 }), 1e6);
    const cpu = flowCpu(0, 4);
    expect(cpu).not.toBe(1);
    expect(one.ops.filter((op) => op.kind === 'free').every((op) => op.cpu === cpu)).toBe(true);
  });

  it('flowCpu: the same flow always on the same CPU, flows spread over all CPUs', () => {
    const seen = new Array<number>(16).fill(0);
    for (let f = 0; f < 16000; f++) seen[flowCpu(f, 16)]++;
    for (const n of seen) expect(n).toBeGreaterThan(800);
    expect(flowCpu(12345, 7)).toBe(flowCpu(12345, 7));
  });

  it('a consumer slower than the wire fills its backlog (netdev_max_backlog) and the RX CPU frees the overflow', () => {
    const w = createNicRx({ seed: 1, cpus: 2, rxCpu: 0, flows: 1, rate: 0.2, burst: 0, backlog: 100, ops: 40000 });
    const run = drive(w, 1e6);
    const cpu = flowCpu(0, 2);
    expect(cpu).toBe(1);
    expect(w.dropped).toBeGreaterThan(1000);
    expect(w.backlogged).toBeGreaterThanOrEqual(99);
    expect(w.backlogged).toBeLessThanOrEqual(100);
    const pairs = allocFreePairs(run.ops);
    expect(pairs.get('0->0')).toBeGreaterThan(1000);
    expect(pairs.get('0->1')).toBeGreaterThan(1000);
  });

  it('bursts: backlogs grow during line-rate bursts and drain to zero in the idle periods', () => {
    const w = createNicRx({ seed: 2, cpus: 4, rate: 0.5, burst: 512, idle: 2048, ops: 1e9 });
    const buf = OpBuffer.create({ capacity: 1 << 22, shared: false });
    buf.beginProducing();
    // produce() runs through ticks that make no op, so look at the backlogs op by op.
    const lowInIdle: number[] = [];
    let peak = 0;
    for (let period = 0; period < 6; period++) {
      let low = Infinity;
      const idleFrom = period * (512 + 2048) + 512;
      while (w.ticks < idleFrom + 2048) {
        buf.reserve(1);
        w.produce(buf, 1);
        peak = Math.max(peak, w.backlogged);
        if (w.ticks > idleFrom && w.ticks < idleFrom + 2048) low = Math.min(low, w.backlogged);
      }
      lowInIdle.push(low);
    }
    expect(peak).toBeGreaterThan(100);
    expect(lowInIdle).toEqual([0, 0, 0, 0, 0, 0]);
    expect(w.dropped).toBe(0);
  });

  it('copybreak: with IMIX on 2.6.18 the 64-byte frames are copied into 440-byte skbs and the big buffers stay in the ring', () => {
    const run = drive(createNicRx({ seed: 4, cpus: 2, ops: 30000 }), 1e6);
    const sizes = new Set(run.ops.filter((op) => op.kind === 'alloc').map((op) => op.bytes));
    expect(sizes).toEqual(new Set([1912, 440]));
    // recycle=false: each copy frees its big buffer at once on the RX CPU, and the ring refills it.
    const kept = drive(createNicRx({ seed: 4, cpus: 2, flows: 1, rate: 8, ops: 30000 }), 1e6);
    const freed = drive(createNicRx({ seed: 4, cpus: 2, flows: 1, rate: 8, recycle: false, ops: 30000 }), 1e6);
    expect(flowCpu(0, 2)).toBe(1);
    expect(count(kept.ops, (op) => op.kind === 'free' && op.cpu === 0)).toBe(0);
    const pairs = allocFreePairs(freed.ops);
    const copies = count(freed.ops, (op) => op.kind === 'alloc' && op.bytes === 440);
    expect(copies).toBeGreaterThan(1000);
    // Every free on the RX CPU is the big buffer of a copy (the last copy's may fall past the end).
    expect(copies - (pairs.get('0->0') ?? 0)).toBeLessThanOrEqual(1);
  });

  it('jumbo frames: 2.6.18 buffers span five pages; 6.6 chains one page per descriptor and frees a frame as one skb', () => {
    const old = drive(createNicRx({ mtu: 9000, sizes: 'full', ops: 5000 }), 1e6);
    const bytes = new Set(old.ops.filter((op) => op.kind === 'alloc').map((op) => op.bytes));
    expect(bytes).toEqual(new Set([rxPlan(9000, skbEra('2.6.18-x86_64')).descBytes]));
    expect([...bytes][0]).toBeGreaterThan(4 * 4096);
    const run = drive(createNicRx({ era: '6.6-x86_64', mtu: 9000, sizes: 'full', flows: 1, cpus: 2, ops: 20000 }), 1e6);
    expect(new Set(run.ops.filter((op) => op.kind === 'alloc').map((op) => op.bytes))).toEqual(new Set([4096]));
    // The frees of one skb come together, three pages for a 9018-byte frame.
    const frees = run.ops.map((op, i) => ({ op, i })).filter(({ op }) => op.kind === 'free');
    let group = 1;
    const groups: number[] = [];
    for (let k = 1; k < frees.length; k++) {
      if (frees[k].i === frees[k - 1].i + 1) group++;
      else {
        groups.push(group);
        group = 1;
      }
    }
    expect(groups.length).toBeGreaterThan(100);
    expect(groups.every((g) => g % 3 === 0)).toBe(true);
  });

  it('runs on 1 to 16 CPUs; rxCpu must be one of them', () => {
    for (const cpus of [1, 2, 3, 8, 16]) {
      const run = drive(createNicRx({ cpus, rxCpu: cpus - 1, ops: 3000 }), 1e6);
      expect(run.ops).toHaveLength(3000);
      expect(run.ops.every((op) => op.cpu < cpus)).toBe(true);
    }
    expect(() => createNicRx({ cpus: 2, rxCpu: 2 })).toThrow(
      "workload 'nic-rx': parameter 'rxCpu' must be a CPU below cpus (2), got 2",
    );
  });

  it('save() and restore() regenerate the same ops from any point', () => {
    expectResumesAt(() => createNicRx({ seed: 7, cpus: 3, ops: 20000 }), 20000, [0, 1, 255, 256, 4321, 19999]);
    expectResumesAt(
      () => createNicRx({ seed: 8, cpus: 2, era: '6.6-x86_64', mtu: 9000, recycle: false, ops: 8000 }),
      8000,
      [3, 777, 5000],
    );
  });
});
