import { describe, expect, it } from 'vitest';
import { OpBuffer } from '../core/op-buffer';
import { NetOps } from './net-sim';
import { RxRing, rxPlan } from './rx-ring';
import { skbEra } from './skb';

/** The ops a NetOps holds, drained, as [kind, cpu, slot, bytes] tuples. */
function drain(ops: NetOps): [string, number, number, number][] {
  const buf = OpBuffer.create({ capacity: 100000, shared: false });
  buf.beginProducing();
  buf.reserve(ops.queued);
  const n = ops.drain(buf, ops.queued);
  return Array.from({ length: n }, (_, i) => [
    buf.kind[i] === 0 ? 'alloc' : 'free',
    buf.cpu[i],
    buf.slot[i],
    buf.size[i],
  ]);
}

describe('RxRing (e1000 refill order)', () => {
  const plan = rxPlan(1500, skbEra('2.6.18-x86_64'));

  it('starts with ring - 1 buffers; the NIC may fill them all; one descriptor always stays empty', () => {
    const ops = new NetOps();
    const ring = new RxRing(256, plan, 3, ops);
    ring.start();
    const first = drain(ops);
    expect(first).toHaveLength(255);
    expect(first.every(([k, cpu, , bytes]) => k === 'alloc' && cpu === 3 && bytes === 1912)).toBe(true);
    expect(ring.free()).toBe(255);
    expect(ring.receive(255)).toBe(true);
    expect(ring.receive(1)).toBe(false);
    expect(ring.unused()).toBe(0);
  });

  it('refills every 16 cleaned descriptors (E1000_RX_BUFFER_WRITE) and at the end of a poll, in ring order', () => {
    const ops = new NetOps();
    const ring = new RxRing(256, plan, 0, ops);
    ring.start();
    drain(ops);
    ring.receive(20);
    const handed: number[] = [];
    for (let k = 0; k < 15; k++) handed.push(...ring.clean(1, false));
    expect(ops.queued).toBe(0);
    handed.push(...ring.clean(1, false));
    expect(drain(ops).map(([k]) => k)).toEqual(new Array(16).fill('alloc'));
    expect(handed).toEqual(Array.from({ length: 16 }, (_, i) => i));
    for (let k = 0; k < 4; k++) ring.clean(1, false);
    ring.endPoll();
    expect(drain(ops)).toHaveLength(4);
    expect(ring.unused()).toBe(0);
  });

  it('a recycled (copybreak) descriptor keeps its buffer: the refill passes it by', () => {
    const ops = new NetOps();
    const ring = new RxRing(256, plan, 0, ops);
    ring.start();
    drain(ops);
    ring.receive(16);
    for (let k = 0; k < 16; k++) expect(ring.clean(1, k % 2 === 0)).toEqual(k % 2 === 0 ? [] : [k]);
    expect(drain(ops)).toHaveLength(8);
  });
});
