/**
 * churn: random allocation and freeing periods around a target occupancy (the
 * "pseudo-random allocation and freeing periods" the seed promised on 6 Aug 2006).
 */
import { K_ALLOC, K_FREE, type OpBuffer } from '../core/op-buffer';
import { resolveParams, type ParamSpecs, type ParamsInput } from './params';
import { Rng, type RngState } from './rng';
import { LiveSet, SlotPool, opBudget, uniformSize } from './support';
import type { OpStream } from './types';

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

export interface ChurnStream extends OpStream {
  /** Live requested bytes as the generator knows them (every alloc counts as made). */
  readonly liveBytes: number;
  readonly liveCount: number;
  /** The allocation probability of the current period. */
  readonly allocP: number;
}

interface ChurnState {
  rng: RngState;
  live: ReturnType<LiveSet['save']>;
  slots: ReturnType<SlotPool['save']>;
  index: number;
  allocP: number;
}

/**
 * At the start of each period of `period` ops the generator looks at the live
 * requested bytes: below target*capacityBytes the period is filling (alloc
 * probability 0.5 + bias), otherwise draining (0.5 - bias). So after an initial
 * ramp the periods alternate and the occupancy oscillates around the target.
 *
 * A free picks a uniformly random live allocation (swap-remove, O(1)). A stream does
 * not see outcomes, so every allocation counts as live; where one failed in some
 * allocator, that allocator skips its free (the runtime counts it). With nothing live
 * the op is an allocation.
 *
 * Each op draws exactly three values (coin, size, victim) whether it uses them or
 * not. Op i runs on CPU i % cpus.
 */
export function createChurn(params: ParamsInput = {}): ChurnStream {
  const p = resolveParams('churn', CHURN_PARAMS, params);
  const rng = new Rng(p.seed);
  const limit = opBudget(p.ops, CHURN_DEFAULT_OPS);
  const targetBytes = p.target * p.capacityBytes;
  const live = new LiveSet();
  const slots = new SlotPool();
  let index = 0;
  let allocP = 0.5;
  return {
    name: 'churn',
    kind: 'stream',
    get liveBytes() {
      return live.totalBytes;
    },
    get liveCount() {
      return live.size;
    },
    get allocP() {
      return allocP;
    },
    produce(out: OpBuffer, n: number): number {
      let made = 0;
      for (; made < n && index < limit; made++) {
        const coin = rng.nextFloat();
        const uSize = rng.nextFloat();
        const uVictim = rng.nextFloat();
        if (index % p.period === 0) allocP = live.totalBytes < targetBytes ? 0.5 + p.bias : 0.5 - p.bias;
        const cpu = index % p.cpus;
        index++;
        if (live.size > 0 && coin >= allocP) {
          const slot = live.removeAt(Math.floor(uVictim * live.size));
          out.push(K_FREE, cpu, slot);
          slots.release(slot);
        } else {
          const slot = slots.take();
          const bytes = uniformSize(uSize, p.max);
          live.add(slot, bytes);
          out.push(K_ALLOC, cpu, slot, bytes);
        }
      }
      return made;
    },
    save: (): ChurnState => ({ rng: rng.getState(), live: live.save(), slots: slots.save(), index, allocP }),
    restore(state: unknown): void {
      const s = state as ChurnState;
      rng.setState(s.rng);
      live.restore(s.live);
      slots.restore(s.slots);
      index = s.index;
      allocP = s.allocP;
    },
  };
}
