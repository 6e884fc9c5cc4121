/**
 * What the op list shows in one allocator's column for one op (pure).
 *
 * Lanes run their own workload instances on one shared op cursor, so one lane can
 * end before another (seed-fragmentation: pow2 finishes its four stages near op 6,160
 * while NTA goes on to about 8,060). The controller then sends NaN as that lane's
 * outcome for every later op (engine/runtime/controller.ts lastOps): it is shown as
 * the lane's end, not as an error.
 */
import { SKIPPED } from '../../engine/runtime/lane';
import { errorName } from '../../engine/core/types';
import type { OpRecord } from '../../engine/runtime/api';
import { hex } from '../render/format';

export type OutcomeKind = 'ok' | 'fail' | 'skipped' | 'ended';

export interface OutcomeCell {
  text: string;
  kind: OutcomeKind;
  /** Tooltip: why it failed, was skipped or is empty. */
  why?: string;
}

/**
 * The cell of lane `lane` for op record `r`. `laneOps` is how many ops that lane has
 * executed (Summary.allocators[lane].op): for a lane that has ended, where it ended.
 */
export function outcomeCell(r: OpRecord, lane: number, laneOps?: number): OutcomeCell {
  const o = r.outcomes[lane];
  if (o === undefined || Number.isNaN(o)) {
    const at = laneOps !== undefined && laneOps <= r.index ? ` at op ${laneOps.toLocaleString('en')}` : '';
    return { text: `ended${at}`, kind: 'ended', why: 'this allocator’s workload had no more ops' };
  }
  if (o === SKIPPED) return { text: 'skipped', kind: 'skipped', why: 'its allocation had failed' };
  const why = r.reasons[lane] ?? undefined;
  if (r.kind === 'alloc')
    return o >= 0 ? { text: hex(o), kind: 'ok' } : { text: `FAIL ${errorName(o)}`, kind: 'fail', why };
  // A free, map or unmap names an address: show it with the result.
  const addr = r.addresses?.[lane] ?? -1;
  const at = addr >= 0 ? `${hex(addr)} ` : '';
  return o === 0 ? { text: `${at}ok`, kind: 'ok' } : { text: `${at}error ${errorName(o)}`, kind: 'fail', why };
}
