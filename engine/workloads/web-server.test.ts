import { describe, expect, it } from 'vitest';
import { skbEra } from './skb';
import { drive, expectResumesAt } from './test-util';
import type { Op } from './types';
import { createWebServer, segmentAllocs, workerCpus } from './web-server';

/** alloc CPU -> free CPU counts, keyed 'a->f:bytes'. */
function flows(ops: readonly Op[]): Map<string, number> {
  const owner = new Map<number, Op>();
  const out = new Map<string, number>();
  for (const op of ops) {
    if (op.kind === 'alloc') owner.set(op.id, op);
    else {
      const a = owner.get(op.id);
      const key = `${a?.cpu}->${op.cpu}:${a?.bytes}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

describe('web-server', () => {
  it('requests come in on the RX CPU and are freed by the worker; responses are allocated by the worker and freed by TX completion on the third CPU', () => {
    const run = drive(createWebServer({ seed: 1, cpus: 3, ops: 40000 }), 1e6);
    const f = flows(run.ops);
    // 2.6.18 x86_64, MTU 1500: a 100-byte request is a 170-byte frame, copied (504 bytes);
    // every segment is a linear skb of mss 1448 + MAX_TCP_HEADER 160: SKB_DATA_ALIGN(1608) + 312.
    expect([...f.keys()].sort()).toEqual(['0->1:504', '1->2:1976']);
    expect(f.get('1->2:1976')).toBeGreaterThan(f.get('0->1:504') ?? 0);
    const allocCpus = new Set(run.ops.filter((op) => op.kind === 'alloc').map((op) => op.cpu));
    expect(allocCpus).toEqual(new Set([0, 1]));
  });

  it('workers: every CPU but the RX and TX CPUs, connections spread over them; txCpu = rxCpu shares the RX CPU', () => {
    expect(workerCpus(4, 0, 2)).toEqual([1, 3]);
    expect(workerCpus(2, 0, 0)).toEqual([1]);
    expect(workerCpus(1, 0, 0)).toEqual([0]);
    const run = drive(createWebServer({ seed: 2, cpus: 6, rxCpu: 5, txCpu: 5, connections: 40, ops: 60000 }), 1e6);
    const responders = new Set(run.ops.filter((op) => op.kind === 'alloc' && op.bytes === 1976).map((op) => op.cpu));
    expect(responders).toEqual(new Set([0, 1, 2, 3, 4]));
    const f = flows(run.ops);
    for (const key of f.keys()) expect(key).toMatch(/^(5->[0-4]:504|[0-4]->5:1976)$/);
  });

  it('a connection never has more than sndbuf bytes of segments queued, and at most `connections` requests are live', () => {
    const run = drive(createWebServer({ seed: 3, cpus: 3, connections: 8, sndbuf: 8000, ops: 50000 }), 1e6);
    let requests = 0;
    let segments = 0;
    let peakReq = 0;
    let peakSeg = 0;
    const bytesOf = new Map<number, number>();
    for (const op of run.ops) {
      if (op.kind === 'alloc') {
        bytesOf.set(op.id, op.bytes);
        if (op.bytes === 504) requests++;
        else if (op.cpu === 1) segments++;
      } else if (bytesOf.get(op.id) === 504) requests--;
      else if (op.cpu === 2) segments--;
      peakReq = Math.max(peakReq, requests);
      peakSeg = Math.max(peakSeg, segments);
    }
    expect(peakReq).toBeLessThanOrEqual(8);
    // 8000 bytes hold four 1976-byte segments per connection.
    expect(peakSeg).toBeLessThanOrEqual(8 * 4);
    expect(peakSeg).toBeGreaterThan(8);
  });

  it('segments per era: one linear skb on 2.6.18; a MAX_TCP_HEADER head plus a payload fragment on 6.6', () => {
    expect(segmentAllocs(1448, 1448, 160, skbEra('2.6.18-x86_64'))).toEqual([1664 + 312]);
    expect(segmentAllocs(1448, 1448, 160, skbEra('2.6.18-i386'))).toEqual([1632 + 164]);
    expect(segmentAllocs(300, 1448, 160, skbEra('6.6-x86_64'))).toEqual([192 + 320, 300]);
    const run = drive(createWebServer({ era: '6.6-x86_64', cpus: 3, response: 3000, request: 300, ops: 20000 }), 1e6);
    const f = flows(run.ops);
    // 3000 bytes: two full segments and one of 104 bytes; a 370-byte request frame takes a ring buffer (1920).
    expect([...f.keys()].sort()).toEqual(['0->1:1920', '1->2:104', '1->2:1448', '1->2:512']);
    // Two full segments per short one (the run may end inside a response).
    expect(Math.abs((f.get('1->2:1448') ?? 0) - 2 * (f.get('1->2:104') ?? 0))).toBeLessThanOrEqual(2);
  });

  it('jumbo MTU: request frames still fit one ring buffer, a 2.6.18 buffer of five pages', () => {
    const run = drive(createWebServer({ mtu: 9000, cpus: 3, request: 400, ops: 20000 }), 1e6);
    const f = flows(run.ops);
    expect(f.get('0->1:16760')).toBeGreaterThan(10);
  });

  it('runs on 1 to 16 CPUs; CPU parameters must name one', () => {
    for (const cpus of [1, 2, 3, 7, 16]) {
      const run = drive(createWebServer({ cpus, ops: 4000 }), 1e6);
      expect(run.ops).toHaveLength(4000);
      expect(run.ops.every((op) => op.cpu < cpus)).toBe(true);
    }
    expect(() => createWebServer({ cpus: 3, txCpu: 3 })).toThrow(
      "workload 'web-server': parameter 'txCpu' must be a CPU below cpus (3) or -1, got 3",
    );
  });

  it('save() and restore() regenerate the same ops from any point', () => {
    expectResumesAt(() => createWebServer({ seed: 4, cpus: 4, ops: 30000 }), 30000, [0, 255, 1000, 17777, 29999]);
    expectResumesAt(
      () => createWebServer({ seed: 5, cpus: 3, era: '6.6-x86_64', requests: 2, connections: 5, ops: 10000 }),
      10000,
      [7, 5000],
    );
  });
});
