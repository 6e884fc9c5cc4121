/**
 * churn: random allocation and freeing periods around a target occupancy (the
 * "pseudo-random allocation and freeing periods" the seed promised on 6 Aug 2006).
 */
import { resolveParams, type ParamSpecs, type ParamsInput } from './params';
import { Rng } from './rng';
import { LiveSet, opBudget, uniformSize } from './support';
import type { Op, Workload } from './types';

export const CHURN_PARAMS = {
  target: {
    kind: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    doc: 'target live requested bytes, as a fraction of capacityBytes',
  },
  capacityBytes: {
    kind: 'int',
    default: 4094 * 4096,
    min: 1,
    doc: "the capacity the target refers to (default: the seed's 4094 pages of 4 KiB)",
  },
  max: { kind: 'int', default: 4096, min: 1, doc: 'largest request, bytes (sizes uniform in 1..max)' },
  period: { kind: 'int', default: 1000, min: 1, doc: 'ops per period; each period is either filling or draining' },
  bias: {
    kind: 'number',
    default: 0.25,
    min: 0,
    max: 0.5,
    doc: 'allocation probability is 0.5 + bias in a filling period and 0.5 - bias in a draining one',
  },
} as const satisfies ParamSpecs;

export const CHURN_DEFAULT_OPS = 1000000;

export interface ChurnWorkload extends Workload {
  /** Live requested bytes as the generator knows them (successful allocs minus frees). */
  readonly liveBytes: number;
  readonly liveCount: number;
}

/**
 * At the start of each period of `period` ops the generator looks at the live
 * requested bytes: below target*capacityBytes the period is filling (alloc
 * probability 0.5 + bias), otherwise draining (0.5 - bias). So after an initial
 * ramp the periods alternate and the occupancy oscillates around the target.
 *
 * A free picks a uniformly random live allocation (swap-remove, O(1)). Only
 * allocations that result() reported as successful become live, so an id whose
 * allocation failed is never freed. With nothing live the op is an allocation.
 *
 * Each op draws exactly three values (coin, size, victim) whether it uses them or
 * not, keeping instances "op for op" aligned. Op i runs on CPU i % cpus.
 */
export function createChurn(params: ParamsInput = {}): ChurnWorkload {
  const p = resolveParams('churn', CHURN_PARAMS, params);
  const rng = new Rng(p.seed);
  const limit = opBudget(p.ops, CHURN_DEFAULT_OPS);
  const targetBytes = p.target * p.capacityBytes;
  const live = new LiveSet();
  let index = 0;
  let nextId = 0;
  let allocP = 0.5;
  return {
    name: 'churn',
    get liveBytes() {
      return live.totalBytes;
    },
    get liveCount() {
      return live.size;
    },
    next(): Op | null {
      if (index >= limit) return null;
      const coin = rng.nextFloat();
      const uSize = rng.nextFloat();
      const uVictim = rng.nextFloat();
      if (index % p.period === 0) allocP = live.totalBytes < targetBytes ? 0.5 + p.bias : 0.5 - p.bias;
      const cpu = index % p.cpus;
      index++;
      if (live.size > 0 && coin >= allocP) {
        const id = live.removeAt(Math.floor(uVictim * live.size));
        return { kind: 'free', cpu, id, bytes: 0 };
      }
      return { kind: 'alloc', cpu, id: nextId++, bytes: uniformSize(uSize, p.max) };
    },
    result(op: Op, outcome: number): void {
      if (op.kind === 'alloc' && outcome >= 0) live.add(op.id, op.bytes);
    },
    annotate: () => ({ liveBytes: live.totalBytes, targetBytes, allocP }),
  };
}
