import { describe, expect, it } from 'vitest';
import { bytesNeeded } from '../engine/allocators/registry';
import {
  CONFIRM_BYTES,
  CONFIRM_OPS,
  confirmReasons,
  estimateMemory,
  fmtMemory,
  mapMemory,
  poolShape,
  type RunShape,
} from './run-limits';
import { DEFAULT_SETUP } from './url-state';
import { DEFAULT_BUDGET } from '../engine/runtime/engine';

const run = (p: Partial<RunShape>): RunShape => ({ ...DEFAULT_SETUP, ...p });

describe('estimateMemory(run, traceOps)', () => {
  it('counts allocator state, checkpoints up to the budget, the op buffer and the maps', () => {
    const r = run({ workload: 'churn', ops: 100_000, allocators: [{ kind: 'nta', preset: 'blog' }] });
    const e = estimateMemory(r);
    const state = bytesNeeded({ kind: 'nta', preset: 'blog' }, 1);
    expect(e.ops).toBe(100_000);
    expect(e.allocatorBytes).toBe(state);
    // 100,000 ops: checkpoints at 0, 65536 and the end at most.
    expect(e.checkpointBytes).toBe(3 * state);
    expect(e.opBytes).toBe(12 * 100_000);
    expect(e.viewBytes).toBe(mapMemory({ kind: 'nta', preset: 'blog' }, 1));
    expect(e.total).toBe(e.allocatorBytes + e.checkpointBytes + e.opBytes + e.viewBytes);
  });

  it('checkpoints never take more than the budget, however long the run; an unknown length is taken as long', () => {
    const short = estimateMemory(run({ workload: 'seed-example' }));
    expect(short.ops).toBe(6);
    expect(short.checkpointBytes).toBe(2 * short.allocatorBytes);
    const long = estimateMemory(run({ workload: 'churn', ops: 90_000_000 }));
    expect(long.checkpointBytes).toBe(DEFAULT_BUDGET);
    const frag = estimateMemory(run({ workload: 'seed-fragmentation' })); // ends by itself: unknown
    expect(frag.ops).toBe(0);
    expect(frag.checkpointBytes).toBe(DEFAULT_BUDGET);
  });

  it("a trace's length comes from its parsed op count, cut by ops", () => {
    const t = run({ workload: 'trace', trace: 'wee_alloc/ls.trace' } as Partial<RunShape>);
    expect(estimateMemory(t, 3000).ops).toBe(3000);
    expect(estimateMemory({ ...t, ops: 100 }, 3000).ops).toBe(100);
  });

  it('grows with pool size, lanes and ops', () => {
    const base = estimateMemory(run({ workload: 'churn' })).total;
    expect(estimateMemory(run({ workload: 'churn', ops: 2_000_000 })).total).toBeGreaterThan(base);
    const big = run({
      workload: 'churn',
      allocators: [{ kind: 'nta', preset: 'blog', overrides: { regions: 65536 } }],
    });
    expect(estimateMemory(big).total).toBeGreaterThan(base);
    const four = run({ workload: 'churn', allocators: [...DEFAULT_SETUP.allocators, ...DEFAULT_SETUP.allocators] });
    expect(estimateMemory(four).total).toBeGreaterThan(base);
  });
});

describe('mapMemory(spec, cpus)', () => {
  it('counts per-page summaries and the detail in view, never a byte per chunk of the pool', () => {
    expect(poolShape({ kind: 'pow2', overrides: { pages: 4_194_304 } }, 1)).toEqual({
      pages: 4_194_304,
      chunksPerPage: 128,
    });
    const huge = mapMemory({ kind: 'pow2', overrides: { pages: 4_194_304 } }, 1);
    // 2^29 chunks: a byte each would be 512 MiB; the map takes about 54 MiB of summaries and 32 MiB of detail.
    expect(huge).toBeLessThan(100 * 2 ** 20);
    expect(huge).toBeGreaterThan(64 * 2 ** 20);
    expect(mapMemory({ kind: 'nta', preset: 'blog' }, 1)).toBeLessThan(2 ** 20);
  });
});

describe('confirmReasons(run, op)', () => {
  it('the defaults and the default churn start without a question', () => {
    expect(confirmReasons(run({}), 0)).toEqual([]);
    expect(confirmReasons(run({ workload: 'churn' }), 0)).toEqual([]);
    expect(confirmReasons(run({ workload: 'churn' }), 999_999)).toEqual([]);
  });

  it('asks when the run is long, starts far in, or needs much memory, naming the figure and the threshold', () => {
    const long = confirmReasons(run({ workload: 'churn', ops: 30_000_000 }), 0).join(' ');
    expect(long).toContain('30,000,000 ops');
    expect(long).toContain(CONFIRM_OPS.toLocaleString('en'));
    const far = confirmReasons(run({ workload: 'churn', ops: 90_000_000 }), 25_000_000).join(' ');
    expect(far).toContain('starts at op 25,000,000');
    const big = run({
      workload: 'churn',
      allocators: [{ kind: 'nta', preset: 'blog', overrides: { regions: 262144 } }],
    });
    expect(estimateMemory(big).total).toBeGreaterThan(CONFIRM_BYTES);
    const mem = confirmReasons(big, 0);
    expect(mem).toHaveLength(1);
    expect(mem[0]).toMatch(/estimated to need [\d.]+ (MiB|GiB) of memory \(more than 512 MiB\)/);
  });
});

describe('fmtMemory(bytes)', () => {
  it('prints binary units, the limits as round numbers', () => {
    expect(fmtMemory(2 ** 30)).toBe('1 GiB');
    expect(fmtMemory(512 * 2 ** 20)).toBe('512 MiB');
    expect(fmtMemory(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(fmtMemory(9.5 * 2 ** 20)).toBe('9.5 MiB');
  });
});
