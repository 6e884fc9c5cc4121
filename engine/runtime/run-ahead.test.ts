import { afterEach, describe, expect, it } from 'vitest';
import { Lane } from '../core/runner';
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import type { Allocator } from '../core/types';
import { createWorkload } from '../workloads/generators';
import { LockstepEngine } from './lockstep';
import { CpuPool } from './pool';
import { nodeSpawn } from './node/spawn';

// A small NTA pool so seed-fragmentation fails (and adapts) early; pow2 beside it.
const SPECS: AllocatorSpec[] = [{ kind: 'nta', preset: 'blog', overrides: { regions: 16 } }, { kind: 'pow2' }];
type Src = ConstructorParameters<typeof LockstepEngine>[0];

const pools: CpuPool[] = [];
afterEach(() => {
  for (const p of pools.splice(0)) p.terminate();
});

/** A LockstepEngine on CPU workers with run-ahead; `cores` decides whether the coordinator follows op by op. */
async function onWorkers(src: Src, cores: number, interval = 1024): Promise<LockstepEngine> {
  const e = new LockstepEngine(src, interval, 8);
  const pool = await CpuPool.start(
    nodeSpawn,
    src.cpus,
    src.allocators,
    e.allocators.map((a) => a.buffers),
    e.lanes.length,
    5000,
  );
  pools.push(pool);
  const ahead = pool.enterLockstep(cores, { src, lanes: e.lanes.length });
  expect(ahead).not.toBeNull();
  e.setExecutor({ mailbox: (cpu) => pool.mailboxes[cpu], run: (cpu, n) => pool.turn(cpu, n), ahead });
  return e;
}

function state(a: Allocator): { chunks: number[]; counters: unknown } {
  const chunks = new Uint8Array(a.geometry.pages * (a.geometry.pageBytes / a.geometry.chunkBytes));
  a.snapshot(chunks);
  return { chunks: Array.from(chunks), counters: a.counters() };
}

/** Everything the engine keeps per lane: allocator state, records, id table, failures, reasons. */
function lanesOf(e: LockstepEngine) {
  return e.lanes.map((L, k) => ({
    ...state(L.allocator),
    ops: e.laneOps(k),
    ended: L.ended,
    failures: L.failures,
    reasons: [...L.reasons],
    rec: ['kind', 'cpu', 'id', 'bytes', 'out'].map((f) =>
      Array.from((L.rec as unknown as Record<string, Int32Array>)[f].subarray(0, L.rec.len)),
    ),
    addr: L.table.addr.slice(0, L.rec.len),
    bytes: L.table.bytes.slice(0, L.rec.len),
  }));
}

function reference(src: Src) {
  const lanes = SPECS.map(
    (s) =>
      new Lane(
        createAllocator(s, src.cpus),
        createWorkload(src.workload, { ...src.params, seed: src.seed, cpus: src.cpus, ops: src.ops }),
      ),
  );
  for (let live = true; live;) {
    live = false;
    for (const l of lanes) if (l.step()) live = true;
  }
  return lanes;
}

const CASES = [
  { workload: 'churn', ops: 12000 },
  { workload: 'seed-fragmentation', ops: 0 },
  { workload: 'producer-consumer', ops: 12000 },
];

describe('ordered run-ahead (lockstep on CPU workers)', () => {
  for (const { workload, ops } of CASES) {
    for (const cpus of [1, 2, 4]) {
      it(`${workload} on ${cpus} CPU(s): run-ahead == inline == runner.ts Lane (states, counters, records, failures, reasons)`, async () => {
        const src: Src = { allocators: SPECS, workload, params: {}, seed: 11, cpus, ops };
        const inline = new LockstepEngine(src, 1000, 8);
        inline.run(Infinity);
        const want = lanesOf(inline);
        const ref = reference(src);
        want.forEach((w, k) => {
          expect(w.ops).toBe(ref[k].ops);
          expect(w.failures).toEqual(ref[k].failures);
          const r = state(ref[k].allocator);
          expect(w.chunks).toEqual(r.chunks);
          expect(w.counters).toEqual(r.counters);
        });
        if (workload === 'seed-fragmentation') expect(want[0].failures.length).toBeGreaterThan(1);
        // Coordinator following op by op (a core each) and sleeping through batches (cores short).
        for (const cores of [cpus + 1, 1]) {
          const e = await onWorkers(src, cores, 1000);
          while (e.run(777) > 0) {
            /* uneven batches: checkpoints at multiples of 1000 cut them */
          }
          expect(e.cursor).toBe(inline.cursor);
          expect(lanesOf(e)).toEqual(want);
          for (const L of e.lanes) expect(L.allocator.checkInvariants()).toEqual([]);
        }
      });
    }
  }

  it('seek back, then forward across the run-ahead boundary, equals a straight run', async () => {
    const src: Src = { allocators: SPECS, workload: 'seed-fragmentation', params: {}, seed: 5, cpus: 2, ops: 0 };
    const straight = new LockstepEngine(src, 256, 4);
    straight.run(5000);
    const e = await onWorkers(src, 3, 256);
    e.run(3000);
    e.seek(1000);
    expect(e.cursor).toBe(1000);
    const mid = new LockstepEngine(src, 256, 4);
    mid.run(1000);
    expect(lanesOf(e).map((l) => [l.chunks, l.counters])).toEqual(lanesOf(mid).map((l) => [l.chunks, l.counters]));
    e.run(4000); // replays 1000..3000 by turns, then runs ahead 3000..5000
    expect(e.cursor).toBe(5000);
    expect(lanesOf(e)).toEqual(lanesOf(straight));
    e.seek(4500);
    e.seek(5000);
    expect(lanesOf(e)).toEqual(lanesOf(straight));
  });

  for (const cpus of [1, 2]) {
    it(`run until a failure stops right after it (${cpus} CPU(s)), as stepping inline does`, async () => {
      const src: Src = { allocators: SPECS, workload: 'seed-fragmentation', params: {}, seed: 9, cpus, ops: 0 };
      const inline = new LockstepEngine(src);
      const e = await onWorkers(src, cpus + 1);
      for (let n = 0; n < 3; n++) {
        const before = inline.lanes.reduce((s, L) => s + L.failures.length, 0);
        while (inline.lanes.reduce((s, L) => s + L.failures.length, 0) === before && inline.step()) {
          /* one index at a time */
        }
        e.run(Infinity, true);
        expect(e.cursor).toBe(inline.cursor);
        const last = e.lanes.flatMap((L) => L.failures).map((f) => f.op);
        expect(Math.max(...last)).toBe(e.cursor - 1);
        expect(lanesOf(e)).toEqual(lanesOf(inline));
      }
    });
  }
});
