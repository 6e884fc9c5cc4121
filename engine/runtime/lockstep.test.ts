import { describe, expect, it } from 'vitest';
import { Lane } from '../core/runner';
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import type { Allocator } from '../core/types';
import { createWorkload } from '../workloads/generators';
import { runHeadless } from './run-headless';
import { LockstepEngine } from './lockstep';

const SPECS: AllocatorSpec[] = [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }];

function state(a: Allocator): { chunks: Uint8Array; counters: unknown } {
  const chunks = new Uint8Array(a.geometry.pages * (a.geometry.pageBytes / a.geometry.chunkBytes));
  a.snapshot(chunks);
  return { chunks, counters: a.counters() };
}

/** The reference: runner.ts Lanes, op for op, as the CLI's inline path. */
function reference(workload: string, cpus: number, seed: number, ops: number) {
  const lanes = SPECS.map((s) => new Lane(createAllocator(s, cpus), createWorkload(workload, { seed, cpus, ops })));
  for (let live = true; live;) {
    live = false;
    for (const l of lanes) if (l.step()) live = true;
  }
  return lanes;
}

describe('lockstep runtime', () => {
  for (const cpus of [1, 2, 4]) {
    it(`churn on ${cpus} CPU(s): workers == inline engine == runner.ts Lane (full chunk states, counters, failures)`, async () => {
      const base = {
        allocators: SPECS,
        workload: 'churn',
        params: {},
        seed: 7,
        cpus,
        ops: 20000,
        schedule: 'lockstep' as const,
      };
      const ref = reference('churn', cpus, 7, 20000);
      const inline = await runHeadless({ ...base, threads: 'inline' });
      const workers = await runHeadless({ ...base, threads: 'workers' });
      SPECS.forEach((_, k) => {
        const want = state(ref[k].allocator);
        expect(inline.lanes[k].ops).toBe(ref[k].ops);
        expect(workers.lanes[k].ops).toBe(ref[k].ops);
        expect(inline.lanes[k].failures).toEqual(ref[k].failures);
        expect(workers.lanes[k].failures).toEqual(ref[k].failures);
        const a = state(inline.lanes[k].allocator);
        const b = state(workers.lanes[k].allocator);
        expect(a.counters).toEqual(want.counters);
        expect(b.counters).toEqual(want.counters);
        expect(Buffer.compare(a.chunks, want.chunks)).toBe(0);
        expect(Buffer.compare(b.chunks, want.chunks)).toBe(0);
        expect(workers.lanes[k].allocator.checkInvariants()).toEqual([]);
      });
    });
  }

  it('seek back and forth replays from checkpoints to the same state as a straight run', () => {
    const src = { allocators: SPECS, workload: 'churn', params: {}, seed: 3, cpus: 2, ops: 5000 };
    const same = (x: Allocator[], y: Allocator[]) =>
      x.every((a, k) => {
        const p = state(a),
          q = state(y[k]);
        return Buffer.compare(p.chunks, q.chunks) === 0 && JSON.stringify(p.counters) === JSON.stringify(q.counters);
      });
    const e = new LockstepEngine(src, 256, 4);
    e.run(5000);
    expect(e.checkpointCount).toBeLessThanOrEqual(5);
    const end = new LockstepEngine(src);
    end.run(5000);
    const mid = new LockstepEngine(src);
    mid.run(1234);
    e.seek(1234);
    expect(e.cursor).toBe(1234);
    expect(same(e.allocators, mid.allocators)).toBe(true);
    e.seek(5000);
    expect(same(e.allocators, end.allocators)).toBe(true);
    e.seek(0);
    expect(same(e.allocators, new LockstepEngine(src).allocators)).toBe(true);
  });
});
