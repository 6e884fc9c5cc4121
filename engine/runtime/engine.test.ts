import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AllocatorSpec } from '../allocators/registry';
import { Engine } from './engine';
import { core, referenceRun, sameState } from './test-support';

const SPECS: AllocatorSpec[] = [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }];
const src = (
  workload: string,
  cpus: number,
  seed: number,
  ops: number,
  params: Record<string, number | string> = {},
) => ({
  allocators: SPECS,
  workload,
  params,
  seed,
  cpus,
  ops,
});

describe('Engine (inline)', () => {
  it.each([
    ['churn', 1],
    ['churn', 3],
    ['producer-consumer', 2],
  ])('%s on %i CPU(s) gives what a plain loop over the stream gives, lane by lane', (workload, cpus) => {
    const e = new Engine(src(workload, cpus, 7, 30000), { checkpoints: false });
    e.run(1e9);
    expect(e.done).toBe(true);
    const ref = referenceRun(SPECS, workload, {}, cpus, 7, 30000);
    e.lanes.forEach((L, k) => {
      // Every failure counted; the first and the last 1000 kept (core/records.ts).
      const want = ref[k].failures;
      expect(L.failures.count).toBe(want.length);
      const sample = want.length > 2000 ? [...want.slice(0, 1000), ...want.slice(-1000)] : want;
      expect(L.failures.list().map(core)).toEqual(sample);
      expect(L.errors).toBe(ref[k].errors);
      expect(L.skipped).toBe(ref[k].skipped);
      expect(sameState(L.allocator, ref[k].allocator)).toBe(true);
    });
  });

  it('producer-consumer on small NTA pools fails, and skips the frees of the failed buffers', () => {
    const e = new Engine(
      {
        ...src('producer-consumer', 2, 3, 40000),
        allocators: [{ kind: 'nta', preset: 'blog', overrides: { regions: 64 } }],
      },
      { checkpoints: false },
    );
    e.run(1e9);
    const L = e.lanes[0];
    expect(L.failures.count).toBeGreaterThan(100);
    // Every failed buffer's free is skipped, but for the last `inflight` (64), never freed.
    expect(L.skipped).toBeLessThanOrEqual(L.failures.count);
    expect(L.skipped).toBeGreaterThanOrEqual(L.failures.count - 64);
    expect(L.allocator.checkInvariants()).toEqual([]);
  });

  it('runs to the next failure and stops right after it (seed-fragmentation, adaptive)', () => {
    const e = new Engine(src('seed-fragmentation', 1, 1, 0));
    const ran = e.run(1e9, true);
    const first = Math.min(...e.lanes.map((L) => (L.failures.count ? L.failures.list()[0].op : Infinity)));
    expect(ran).toBe(first + 1);
    expect(e.cursor).toBe(first + 1);
    e.run(1e9);
    expect(e.done).toBe(true);
    // NTA and pow2 end at different ops: each lane stops after its own fourth failure.
    expect(e.lanes.map((L) => L.failures.count)).toEqual([4, 4]);
    expect(e.laneOps(0)).not.toBe(e.laneOps(1));
  });

  it('seeks anywhere, back and forth, to the state a straight run reaches (fast-check)', () => {
    const e = new Engine(src('churn', 2, 5, 200000), { interval: 16384 });
    e.run(200000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200000 }), (target) => {
        e.seek(target);
        const fresh = new Engine(src('churn', 2, 5, 200000), { checkpoints: false });
        fresh.run(target);
        expect(e.cursor).toBe(target);
        e.lanes.forEach((L, k) => {
          expect(sameState(L.allocator, fresh.lanes[k].allocator)).toBe(true);
          expect(L.failures.list()).toEqual(fresh.lanes[k].failures.list());
          expect(L.skipped).toBe(fresh.lanes[k].skipped);
        });
      }),
      { numRuns: 12 },
    );
  });

  it('keeps checkpoints within the memory budget by thinning them out', () => {
    const e = new Engine(src('churn', 1, 2, 400000), { interval: 4096, budgetBytes: 4 * 1024 * 1024 });
    e.run(400000);
    const c = e.checkpointBytes;
    expect(c.interval).toBeGreaterThan(4096);
    expect(c.used).toBeLessThanOrEqual(c.budget);
    expect(c.count).toBeGreaterThan(2);
    // Still exact after thinning.
    e.seek(123457);
    const fresh = new Engine(src('churn', 1, 2, 400000), { checkpoints: false });
    fresh.run(123457);
    e.lanes.forEach((L, k) => expect(sameState(L.allocator, fresh.lanes[k].allocator)).toBe(true));
  });

  it('a virtual pool: untouched segments share one blob, and seeking back to op 0 zeroes what was written since', () => {
    const big: AllocatorSpec[] = [
      { kind: 'nta', preset: 'patch2', overrides: { maxPages: 65536 } },
      { kind: 'pow2', overrides: { pages: 65536 } },
    ];
    const cfg = { ...src('churn', 1, 9, 60000), allocators: big };
    const e = new Engine(cfg, { interval: 16384 });
    const raw = e.allocators.reduce((n, a) => n + a.fields.reduce((m, f) => m + f.view.byteLength, 0), 0);
    // The op-0 checkpoint of 2 x 65,536 pages costs what was written (the buddy zone's heads), not the pool.
    // (a blob per segment made it 1/200 of the pool here; shared, it is under 1/1000)
    expect(e.checkpointBytes.used).toBeLessThan(raw / 1000);
    e.run(60000);
    e.seek(0);
    const fresh = new Engine(cfg, { checkpoints: false });
    e.lanes.forEach((L, k) => expect(sameState(L.allocator, fresh.lanes[k].allocator)).toBe(true));
    e.seek(50000);
    fresh.run(50000);
    e.lanes.forEach((L, k) => expect(sameState(L.allocator, fresh.lanes[k].allocator)).toBe(true));
  });

  it('a checkpoint of churn at the seed size takes far less than a copy of the allocators', () => {
    const e = new Engine(src('churn', 1, 4, 131072), { interval: 65536 });
    e.run(131072);
    const raw = e.allocators.reduce((n, a) => n + a.fields.reduce((m, f) => m + f.view.byteLength, 0), 0);
    expect(e.checkpointBytes.count).toBe(3);
    expect(e.checkpointBytes.used / 3).toBeLessThan(raw / 5);
  });
});
