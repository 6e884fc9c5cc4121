import { describe, expect, it } from 'vitest';
import type { Metrics } from '../../engine/core/metrics';
import type { Summary } from '../../engine/runtime/api';
import { MetricHistory } from './history';

const metrics = (x: number): Metrics => ({
  requestedBytes: x,
  allocatedBytes: 2 * x,
  heldBytes: 100,
  freeBytes: 100 - 2 * x,
  largestFreeBytes: 10,
  internalFragmentation: 0.5,
  externalFragmentation: 0.1,
  utilisation: x / 100,
  pendingBytes: 0,
  postponedBytes: 0,
});
const fakeSummary = (op: number, labels = ['NTA (blog)', 'pow2']): Summary => ({
  generation: op,
  op,
  done: false,
  playing: false,
  checkpoints: { used: 0, budget: 0, count: 0, interval: 0 },
  lastOps: [],
  allocators: labels.map((label, i) => ({
    name: label,
    label,
    op,
    metrics: metrics(op + i),
    failureCount: 0,
    failures: [],
    errors: 0,
    errorSample: [],
    skipped: 0,
    histogram: [
      [32, op + i],
      [4096, 1],
    ],
  })),
});

describe('MetricHistory', () => {
  it('records one point per op per allocator and exports CSV and JSON', () => {
    const h = new MetricHistory(16);
    for (let op = 1; op <= 3; op++) h.push(fakeSummary(op));
    expect(h.lanes.map((l) => l.length)).toEqual([3, 3]);
    const csv = h.toCSV().trim().split('\n');
    expect(csv[0]).toBe(
      'allocator,op,utilisation,internalFragmentation,externalFragmentation,largestFreeBytes,requestedBytes,allocatedBytes,heldBytes,freeBytes,pendingBytes,postponedBytes',
    );
    expect(csv).toHaveLength(7);
    expect(csv[1]).toBe('NTA (blog),1,0.01,0.5,0.1,10,1,2,100,98,0,0');
    expect(h.toJSON().allocators[1].points[2].requestedBytes).toBe(4);
  });

  it('decimates when full, keeping the whole op range', () => {
    const h = new MetricHistory(8);
    for (let op = 0; op < 100; op++) h.push(fakeSummary(op));
    const lane = h.lanes[0];
    expect(lane.length).toBeLessThanOrEqual(8);
    expect(lane.op[0]).toBe(0);
    expect(lane.op[lane.length - 1]).toBe(99);
  });

  it('drops points past the cursor after a seek back', () => {
    const h = new MetricHistory(16);
    for (let op = 0; op < 10; op++) h.push(fakeSummary(op));
    h.push(fakeSummary(4));
    expect(h.lanes[0].length).toBe(5);
    expect(h.lanes[0].op[4]).toBe(4);
  });

  it('keeps the free-block histograms per op (flat), bounded, and cut back on a seek', () => {
    const h = new MetricHistory(64, 8);
    for (let op = 0; op < 100; op++) h.push(fakeSummary(op));
    const lane = h.histograms[1];
    expect(lane.length).toBeLessThanOrEqual(8);
    expect(lane.op[0]).toBe(0);
    expect(lane.op[lane.length - 1]).toBe(99);
    expect([...lane.hist[lane.length - 1]]).toEqual([32, 100, 4096, 1]);
    h.push(fakeSummary(50));
    expect(lane.op[lane.length - 1]).toBe(50);
    expect(lane.op.every((op, i) => i === 0 || op > lane.op[i - 1])).toBe(true);
    h.reset(['a', 'b']);
    expect(h.histograms.map((l) => l.length)).toEqual([0, 0]);
  });

  it("keeps each lane's buddyinfo per point through decimation and seeks; lanes without a zone keep none", () => {
    const h = new MetricHistory(8);
    const withBuddy = (op: number): Summary => {
      const s = fakeSummary(op, ['SLAB', 'pow2']);
      // Order o has op + o free blocks: every point's row says which op it belongs to.
      s.allocators[0].buddyinfo = Array.from({ length: 11 }, (_, o) => op + o);
      return s;
    };
    for (let op = 0; op < 100; op++) h.push(withBuddy(op));
    const [slab, pow2] = h.lanes;
    expect(pow2.buddy).toBeNull();
    expect(pow2.buddyRow(0)).toBeNull();
    expect(slab.length).toBeLessThanOrEqual(8);
    for (let i = 0; i < slab.length; i++) {
      expect([...(slab.buddyRow(i) ?? [])]).toEqual(Array.from({ length: 11 }, (_, o) => slab.op[i] + o));
    }
    expect(slab.buddyAt(slab.length - 1, 10)).toBe(109);
    h.push(withBuddy(40));
    expect(slab.buddyAt(slab.length - 1, 0)).toBe(40);
  });
});
