/**
 * Explanations of the failures at one op, read from the allocators as they are now: the app seeks
 * to right after the failed op (a failed call changes nothing, so that is the state it failed
 * in) and asks. Each lane answers for its own newest failure, because lanes of an adaptive
 * workload may run different ops at the same index.
 */
import type { FailureExplanation } from '../core/explain';
import type { Engine } from './engine';

/** Per lane: the explanation of its failure at op `op`, or null (no failure there, or no explainer). [] when the cursor is not right after `op`. */
export function explainAt(e: Engine, op: number): (FailureExplanation | null)[] {
  if (e.cursor !== op + 1) return [];
  return e.lanes.map((L) => {
    const f = L.failures.count > 0 ? L.failures.tail(1)[0] : undefined;
    if (!f || f.op !== op || !L.allocator.explainFailure) return null;
    return L.allocator.explainFailure(f.cpu, f.bytes);
  });
}
