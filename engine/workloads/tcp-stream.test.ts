import { describe, expect, it } from 'vitest';
import { OpBuffer } from '../core/op-buffer';
import { rxPlan } from './rx-ring';
import { skbEra } from './skb';
import { chargeOf, createTcpStream, payloadOf } from './tcp-stream';
import { drive, expectResumesAt } from './test-util';

/** Produce op by op; after every op the queue's bytes, and their peak. */
function queueTrace(params: Record<string, number | string | boolean>, ops: number): number[] {
  const w = createTcpStream({ ...params, ops });
  const buf = OpBuffer.create({ capacity: ops, shared: false });
  buf.beginProducing();
  const bytes: number[] = [];
  for (let i = 0; i < ops; i++) {
    buf.reserve(1);
    if (w.produce(buf, 1) === 0) break;
    bytes.push(w.queueBytes);
  }
  return bytes;
}

describe('tcp-stream', () => {
  interface Case {
    rcvbuf: number;
    rate: number;
    sizes?: string;
    era?: string;
    mtu?: number;
    copybreak?: number;
  }
  it.each<[Case]>([
    [{ rcvbuf: 87380, rate: 0.05 }],
    [{ rcvbuf: 8000, rate: 0.05, sizes: 'full' }],
    [{ rcvbuf: 40000, rate: 0.5, era: '6.6-x86_64', mtu: 9000, sizes: 'full' }],
    [{ rcvbuf: 20000, rate: 0.2, era: '2.6.18-i386', copybreak: 0 }],
  ])('keeps the receive queue within rcvbuf at every op, and a slow reader fills it: %j', (params) => {
    const bytes = queueTrace({ seed: 5, cpus: 2, ...params }, 30000);
    expect(bytes).toHaveLength(30000);
    expect(Math.max(...bytes)).toBeLessThanOrEqual(params.rcvbuf);
    const plan = rxPlan(params.mtu ?? 1500, skbEra(params.era ?? '2.6.18-x86_64'));
    expect(Math.max(...bytes)).toBeGreaterThan(params.rcvbuf - 2 * plan.descBytes * 3);
  });

  it('a reader faster than the wire keeps the queue short', () => {
    const slow = queueTrace({ seed: 1, rate: 0.3 }, 20000);
    const fast = queueTrace({ seed: 1, rate: 4 }, 20000);
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean(fast)).toBeLessThan(mean(slow) / 4);
  });

  it('allocates on the RX CPU; data skbs are freed on the reader CPU, pure ACKs at once on the RX CPU', () => {
    const run = drive(createTcpStream({ seed: 2, cpus: 4, rxCpu: 3, appCpu: 1, ops: 30000 }), 1e6);
    const owner = new Map<number, { cpu: number; bytes: number }>();
    const pairs = new Map<string, number>();
    for (const op of run.ops) {
      if (op.kind === 'alloc') {
        expect(op.cpu).toBe(3);
        owner.set(op.id, { cpu: op.cpu, bytes: op.bytes });
      } else {
        expect([1, 3]).toContain(op.cpu);
        const key = `${op.cpu}:${owner.get(op.id)?.bytes}`;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
    // IMIX: 40-byte packets are pure ACKs, copied (copybreak, 440 bytes) and freed on the RX CPU;
    // 576- and 1500-byte segments keep their 1912-byte ring buffer until the reader frees it.
    expect([...pairs.keys()].sort()).toEqual(['1:1912', '3:440']);
    // appCpu -1 is the CPU after rxCpu.
    const auto = drive(createTcpStream({ seed: 2, cpus: 4, rxCpu: 3, ops: 5000 }), 1e6);
    expect(new Set(auto.ops.filter((op) => op.kind === 'free').map((op) => op.cpu))).toEqual(new Set([0, 3]));
  });

  it('copybreak copies short data segments into small skbs (queue charged the copy); 0 turns it off', () => {
    const plan = rxPlan(1500, skbEra('2.6.18-x86_64'));
    expect(payloadOf(64)).toBe(0);
    expect(payloadOf(200)).toBe(130);
    expect(chargeOf(200, 256, plan)).toBe(568); // netdev_alloc_skb(196 + 2): SKB_DATA_ALIGN(214) + 312
    expect(chargeOf(200, 0, plan)).toBe(1912);
    const run = drive(createTcpStream({ seed: 3, sizes: 'fixwest', ops: 20000 }), 1e6);
    const sizes = new Set(run.ops.filter((op) => op.kind === 'alloc').map((op) => op.bytes));
    expect(sizes.has(1912)).toBe(true);
    expect([...sizes].filter((b) => b < 1912).length).toBeGreaterThan(2);
    const off = drive(createTcpStream({ seed: 3, sizes: 'fixwest', copybreak: 0, ops: 20000 }), 1e6);
    expect(new Set(off.ops.filter((op) => op.kind === 'alloc').map((op) => op.bytes))).toEqual(new Set([1912]));
  });

  it('refuses an rcvbuf that cannot hold one full-size skb, and CPUs that are not there', () => {
    expect(() => createTcpStream({ mtu: 9000, rcvbuf: 16000 })).toThrow(
      "workload 'tcp-stream': parameter 'rcvbuf' must hold one full-size skb (16760 bytes with mtu 9000 on 2.6.18-x86_64), got 16000",
    );
    expect(() => createTcpStream({ cpus: 2, appCpu: 5 })).toThrow(
      "parameter 'appCpu' must be a CPU below cpus (2) or -1, got 5",
    );
  });

  it('runs on 1 to 16 CPUs', () => {
    for (const cpus of [1, 2, 5, 16]) {
      const run = drive(createTcpStream({ cpus, rxCpu: cpus - 1, ops: 3000 }), 1e6);
      expect(run.ops).toHaveLength(3000);
      expect(run.ops.every((op) => op.cpu < cpus)).toBe(true);
    }
  });

  it('save() and restore() regenerate the same ops from any point', () => {
    expectResumesAt(() => createTcpStream({ seed: 9, cpus: 2, rate: 0.4, ops: 20000 }), 20000, [0, 255, 256, 9999]);
    expectResumesAt(
      () => createTcpStream({ seed: 9, era: '6.6-x86_64', mtu: 9000, rcvbuf: 30000, read: 3000, ops: 8000 }),
      8000,
      [1, 4000, 7999],
    );
  });
});
