/**
 * "Why did this fail" in the app: go to a failed op (the cursor right after it: a failed call
 * changes nothing, so that is the state it failed in), ask the control worker for each lane's
 * explanation (engine/core/explain.ts), and keep it while the cursor stays there. The op list
 * (a click on a failure) and the keys f / Shift+f call these; the explanation panel draws the
 * overlay and the paragraphs, and drops them when the cursor leaves the failure.
 */
import { create } from 'zustand';
import type { FailureExplanation } from '../../engine/core/explain';
import { useStore } from '../store/store';
import { runUntil, seek } from './actions';
import { explainFailures } from './client';

export interface Explained {
  /** The failed op explained; the cursor is op + 1 while it is shown. */
  op: number;
  /** Per lane, null where that allocator did not fail at op. */
  lanes: (FailureExplanation | null)[];
}

export const useExplained = create<{ explained: Explained | null }>(() => ({ explained: null }));

/** Forget the explanation (the cursor left its op, or a new run started). */
export function clearExplained(): void {
  if (useExplained.getState().explained) useExplained.setState({ explained: null });
}

/** Ops of the failures the summary knows of (each lane's first and newest ones), sorted. */
export function knownFailureOps(): number[] {
  const lanes = useStore.getState().summary?.allocators ?? [];
  const ops = new Set<number>();
  for (const a of lanes) for (const f of a.failures) ops.add(f.op);
  return [...ops].sort((x, y) => x - y);
}

/** Go to failed op `op` and explain it (lockstep only: a free run cannot seek, nor say what it was at an op). */
export async function gotoFailure(op: number): Promise<void> {
  const s = useStore.getState();
  if (s.runSetup?.schedule !== 'lockstep') return;
  if (s.summary?.op !== op + 1) await seek(op + 1);
  await explainHere();
}

/** Explain the op right before the cursor, when some lane failed there. */
async function explainHere(): Promise<void> {
  const cursor = useStore.getState().summary?.op ?? 0;
  const op = cursor - 1;
  if (op < 0) return;
  const lanes = await explainFailures(op);
  if (useStore.getState().summary?.op !== cursor) return; // the cursor moved meanwhile
  if (lanes.some((x) => x !== null)) useExplained.setState({ explained: { op, lanes } });
}

/**
 * `f`: the next failure after the cursor. Lockstep runs on to it (as Run to next failure: exact
 * even where the summary's sample of failures has a gap); a free run can only go to failures it
 * knows. `Shift+f`: the previous failure the summary knows of.
 */
export async function nextFailure(): Promise<void> {
  const s = useStore.getState();
  const cursor = s.summary?.op ?? 0;
  if (s.runSetup?.schedule === 'lockstep' && !s.summary?.done) {
    await runUntil({ kind: 'failure' });
    await explainHere();
    return;
  }
  const known = knownFailureOps().find((op) => op >= cursor);
  if (known !== undefined) await gotoFailure(known);
}

export async function previousFailure(): Promise<void> {
  const cursor = useStore.getState().summary?.op ?? 0;
  const before = knownFailureOps().filter((op) => op < cursor - 1);
  if (before.length) await gotoFailure(before[before.length - 1]);
}
