/**
 * The workloads of the seed blog (2006): the worked example (2 Aug), the stress
 * test (4 Aug) and the fragmentation test (6 Aug). See allocators.md section 1.6.
 *
 * Protocol for every generator here: the runner calls next(), applies the op,
 * then result(op, outcome) before the next next(). Generators that adapt learn
 * only from result(); an allocation whose result never came is never freed.
 */
import { resolveParams, type ParamSpecs, type ParamsInput } from './params';
import { Rng } from './rng';
import { IdFifo, opBudget, uniformSize } from './support';
import type { Op, Workload } from './types';

// ---------------------------------------------------------------- seed-example

export const SEED_EXAMPLE_PARAMS = {} as const satisfies ParamSpecs;

/** alloc 120, 200, 70 (ids 0, 1, 2) on CPU 0; free id 0, id 2, id 1: exactly 6 ops. */
export function createSeedExample(params: ParamsInput = {}): Workload {
  const p = resolveParams('seed-example', SEED_EXAMPLE_PARAMS, params);
  const script: readonly Op[] = [
    { kind: 'alloc', cpu: 0, id: 0, bytes: 120 },
    { kind: 'alloc', cpu: 0, id: 1, bytes: 200 },
    { kind: 'alloc', cpu: 0, id: 2, bytes: 70 },
    { kind: 'free', cpu: 0, id: 0, bytes: 0 },
    { kind: 'free', cpu: 0, id: 2, bytes: 0 },
    { kind: 'free', cpu: 0, id: 1, bytes: 0 },
  ];
  const limit = opBudget(p.ops, script.length);
  let i = 0;
  return {
    name: 'seed-example',
    next: () => (i < Math.min(limit, script.length) ? { ...script[i++] } : null),
    result: () => {},
  };
}

// ---------------------------------------------------------- seed-fragmentation

export const SEED_FRAGMENTATION_PARAMS = {
  max: { kind: 'int', default: 4096, min: 1, doc: 'largest request of the first stage, bytes (sizes are 1..MAX)' },
  minMax: {
    kind: 'int',
    default: 512,
    min: 1,
    doc: 'MAX of the last stage: the workload ends after the failure at the first stage whose halved MAX would fall below this',
  },
  dist: {
    kind: 'enum',
    default: 'uniform',
    values: ['uniform', 'small'],
    doc: "size distribution: 'uniform' = 1 + floor(u * MAX); 'small' = 1 + floor(u^2 * MAX) (skewed to small sizes, mean about MAX/3)",
  },
} as const satisfies ParamSpecs;

export interface FragFailure {
  /** Index of the failed op in the stream (0-based; equals its id, as there are no frees). */
  op: number;
  bytes: number;
  /** MAX of the stage the op was drawn in. */
  max: number;
}

export interface SeedFragmentationWorkload extends Workload {
  /** One entry per failed allocation that ended a stage, in order. */
  readonly failures: readonly FragFailure[];
  /** MAX of the current stage. */
  readonly max: number;
}

/**
 * Allocations only, sizes 1..MAX, until one fails; then MAX halves (floor) and it
 * goes on. Each op draws exactly ONE u = nextFloat(), so op i of two instances uses
 * the same u, mapped with each instance's current MAX. Op i runs on CPU i % cpus.
 */
export function createSeedFragmentation(params: ParamsInput = {}): SeedFragmentationWorkload {
  const p = resolveParams('seed-fragmentation', SEED_FRAGMENTATION_PARAMS, params);
  if (p.minMax > p.max) {
    throw new Error(`workload 'seed-fragmentation': minMax (${p.minMax}) must not exceed max (${p.max})`);
  }
  const rng = new Rng(p.seed);
  const small = p.dist === 'small';
  const limit = opBudget(p.ops, 0);
  const failures: FragFailure[] = [];
  let max = p.max;
  let index = 0;
  let stageStart = 0;
  let done = false;
  return {
    name: 'seed-fragmentation',
    failures,
    get max() {
      return max;
    },
    next(): Op | null {
      if (done || (limit > 0 && index >= limit)) return null;
      const u = rng.nextFloat();
      const bytes = uniformSize(small ? u * u : u, max);
      const op: Op = { kind: 'alloc', cpu: index % p.cpus, id: index, bytes };
      index++;
      return op;
    },
    result(op: Op, outcome: number): void {
      // A late result for an op of an earlier stage must not halve MAX twice.
      if (outcome >= 0 || done || op.kind !== 'alloc' || op.id < stageStart) return;
      failures.push({ op: op.id, bytes: op.bytes, max });
      const half = Math.floor(max / 2);
      if (half < p.minMax) {
        done = true;
      } else {
        max = half;
        stageStart = index;
      }
    },
    annotate: () => ({ max, stage: failures.length }),
  };
}

// ----------------------------------------------------------------- seed-stress

export const SEED_STRESS_PARAMS = {
  max: { kind: 'int', default: 4096, min: 1, doc: 'largest request, bytes (sizes uniform in 1..max)' },
  liveLimit: { kind: 'int', default: 100000, min: 1, doc: 'start freeing when this many allocations are live' },
  freeFraction: {
    kind: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    doc: 'fraction of the live allocations freed (oldest first) before allocating again; 1 = free all, as the seed did',
  },
} as const satisfies ParamSpecs;

export const SEED_STRESS_DEFAULT_OPS = 200000;

/**
 * Allocate random sizes until an allocation fails or `liveLimit` are live; then
 * free the oldest, one per op, until ceil(live * freeFraction) are freed; repeat.
 * Each op draws exactly one u (used for the size of an alloc, discarded by a free).
 * Op i runs on CPU i % cpus (so frees are often on a CPU other than the alloc's).
 */
export function createSeedStress(params: ParamsInput = {}): Workload {
  const p = resolveParams('seed-stress', SEED_STRESS_PARAMS, params);
  const rng = new Rng(p.seed);
  const limit = opBudget(p.ops, SEED_STRESS_DEFAULT_OPS);
  const live = new IdFifo();
  let index = 0;
  let nextId = 0;
  let toFree = 0;
  const startFreeing = (): void => {
    toFree = Math.ceil(live.size * p.freeFraction);
  };
  return {
    name: 'seed-stress',
    next(): Op | null {
      if (index >= limit) return null;
      const u = rng.nextFloat();
      const cpu = index % p.cpus;
      index++;
      if (toFree > 0 && live.size > 0) {
        toFree--;
        return { kind: 'free', cpu, id: live.shift(), bytes: 0 };
      }
      toFree = 0;
      return { kind: 'alloc', cpu, id: nextId++, bytes: uniformSize(u, p.max) };
    },
    result(op: Op, outcome: number): void {
      if (op.kind !== 'alloc') return;
      if (outcome < 0) {
        startFreeing();
        return;
      }
      live.push(op.id);
      if (live.size >= p.liveLimit) startFreeing();
    },
    annotate: () => ({ live: live.size, freeing: toFree }),
  };
}
