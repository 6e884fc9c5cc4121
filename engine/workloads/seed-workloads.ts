/**
 * The workloads of the seed blog (2006): the worked example (2 Aug), the stress
 * test (4 Aug) and the fragmentation test (6 Aug). See docs/models.md 1.9.
 *
 * Protocol for every generator here: the runner calls next(), applies the op,
 * then result(op, outcome) before the next next(). Generators that adapt learn
 * only from result(); an allocation whose result never came is never freed.
 */
import { resolveParams, type ParamSpecs, type ParamsInput } from './params';
import { K_ALLOC, K_FREE, OpBuffer } from '../core/op-buffer';
import { Rng, type RngState } from './rng';
import { SlotFifo, SlotPool, opBudget, uniformSize } from './support';
import type { AdaptiveWorkload, Op, OpStream } from './types';

// ---------------------------------------------------------------- seed-example

export const SEED_EXAMPLE_PARAMS = {} as const satisfies ParamSpecs;

/** alloc 120, 200, 70 (slots 0, 1, 2) on CPU 0; free slot 0, slot 2, slot 1: exactly 6 ops. A stream. */
export function createSeedExample(params: ParamsInput = {}): OpStream {
  const p = resolveParams('seed-example', SEED_EXAMPLE_PARAMS, params);
  const script: readonly (readonly [number, number, number])[] = [
    [K_ALLOC, 0, 120],
    [K_ALLOC, 1, 200],
    [K_ALLOC, 2, 70],
    [K_FREE, 0, 0],
    [K_FREE, 2, 0],
    [K_FREE, 1, 0],
  ];
  const limit = Math.min(opBudget(p.ops, script.length), script.length);
  let i = 0;
  return {
    name: 'seed-example',
    kind: 'stream',
    produce(out: OpBuffer, n: number): number {
      let made = 0;
      for (; made < n && i < limit; made++, i++) {
        const [kind, slot, bytes] = script[i];
        out.push(kind, 0, slot, bytes);
      }
      return made;
    },
    save: () => i,
    restore: (s: unknown) => {
      i = s as number;
    },
  };
}

/** The seed example's six ops in an op buffer (the NTA debug log replays them: registry seedExampleLog). */
export function seedExampleOps(): OpBuffer {
  const ops = OpBuffer.create({ capacity: 16, shared: false });
  ops.beginProducing();
  ops.reserve(16);
  createSeedExample({ seed: 1 }).produce(ops, 16);
  ops.publish();
  return ops;
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

/** The seed's first failures (6 Aug 2006) at MAX = 4096, 2048, 1024, 512: the one home of these figures. */
export const SEED_2006_FAILURES: readonly { max: number; bytes: number; chunks: number }[] = [
  { max: 4096, bytes: 1912, chunks: 60 },
  { max: 2048, bytes: 968, chunks: 31 },
  { max: 1024, bytes: 504, chunks: 16 },
  { max: 512, bytes: 252, chunks: 8 },
];

export interface FragFailure {
  /** Index of the failed op in the stream (0-based; equals its slot, as there are no frees). */
  op: number;
  bytes: number;
  /** MAX of the stage the op was drawn in. */
  max: number;
}

export interface SeedFragmentationWorkload extends AdaptiveWorkload {
  /** One entry per failed allocation that ended a stage, in order. */
  readonly failures: readonly FragFailure[];
  /** MAX of the current stage. */
  readonly max: number;
}

interface FragState {
  rng: RngState;
  failures: FragFailure[];
  max: number;
  index: number;
  done: boolean;
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
  let failures: FragFailure[] = [];
  let max = p.max;
  let index = 0;
  let done = false;
  const op: Op = { kind: 'alloc', cpu: 0, id: 0, bytes: 0 };
  return {
    name: 'seed-fragmentation',
    kind: 'adaptive',
    get failures() {
      return failures;
    },
    get max() {
      return max;
    },
    next(): Op | null {
      if (done || (limit > 0 && index >= limit)) return null;
      const u = rng.nextFloat();
      op.bytes = uniformSize(small ? u * u : u, max);
      op.cpu = index % p.cpus;
      op.id = index;
      index++;
      return op;
    },
    result(outcome: number): void {
      if (outcome >= 0 || done) return;
      failures.push({ op: op.id, bytes: op.bytes, max });
      const half = Math.floor(max / 2);
      if (half < p.minMax) done = true;
      else max = half;
    },
    annotate: () => ({ max, stage: failures.length }),
    save: (): FragState => ({ rng: rng.getState(), failures: failures.slice(), max, index, done }),
    restore(state: unknown): void {
      const s = state as FragState;
      rng.setState(s.rng);
      failures = s.failures.slice();
      max = s.max;
      index = s.index;
      done = s.done;
    },
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

interface StressState {
  rng: RngState;
  live: Int32Array;
  slots: ReturnType<SlotPool['save']>;
  index: number;
  toFree: number;
}

/**
 * Allocate random sizes until an allocation fails or `liveLimit` are live; then
 * free the oldest, one per op, until ceil(live * freeFraction) are freed; repeat.
 * Each op draws exactly one u (used for the size of an alloc, discarded by a free).
 * Op i runs on CPU i % cpus (so frees are often on a CPU other than the alloc's).
 */
export function createSeedStress(params: ParamsInput = {}): AdaptiveWorkload {
  const p = resolveParams('seed-stress', SEED_STRESS_PARAMS, params);
  const rng = new Rng(p.seed);
  const limit = opBudget(p.ops, SEED_STRESS_DEFAULT_OPS);
  const live = new SlotFifo();
  const slots = new SlotPool();
  let index = 0;
  let toFree = 0;
  const op: Op = { kind: 'alloc', cpu: 0, id: 0, bytes: 0 };
  const startFreeing = (): void => {
    toFree = Math.ceil(live.size * p.freeFraction);
  };
  return {
    name: 'seed-stress',
    kind: 'adaptive',
    next(): Op | null {
      if (index >= limit) return null;
      const u = rng.nextFloat();
      op.cpu = index % p.cpus;
      index++;
      if (toFree > 0 && live.size > 0) {
        toFree--;
        op.kind = 'free';
        op.id = live.shift();
        op.bytes = 0;
        slots.release(op.id);
        return op;
      }
      toFree = 0;
      op.kind = 'alloc';
      op.id = slots.take();
      op.bytes = uniformSize(u, p.max);
      return op;
    },
    result(outcome: number): void {
      if (op.kind !== 'alloc') return;
      if (outcome < 0) {
        // A failed allocation is never freed: its slot is free again at once.
        slots.release(op.id);
        startFreeing();
        return;
      }
      live.push(op.id);
      if (live.size >= p.liveLimit) startFreeing();
    },
    annotate: () => ({ live: live.size, freeing: toFree }),
    save: (): StressState => ({ rng: rng.getState(), live: live.save(), slots: slots.save(), index, toFree }),
    restore(state: unknown): void {
      const s = state as StressState;
      rng.setState(s.rng);
      live.restore(s.live);
      slots.restore(s.slots);
      index = s.index;
      toFree = s.toFree;
    },
  };
}
