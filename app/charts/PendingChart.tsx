/**
 * Remote frees not yet reusable, per allocator: NTA's per-CPU queues (a free on a
 * foreign CPU waits on the owner's list until the owner drains it), plus the frees
 * postponed by a user-space mapping when any lane has some.
 */
import { history } from '../runtime/actions';
import type { SeriesKey } from '../runtime/history';
import { useHistoryTick } from './chart-utils';
import { LineChart } from './LineChart';

export const PENDING_NOTE =
  'NTA queues a free made on a foreign CPU for the owner CPU, which drains its queue only ' +
  'when it frees (drainOnAlloc=1: when it allocates too). In producer-consumer with 2+ CPUs, CPU 0 only ' +
  'allocates, so the queue of its remote frees grows. pow2 frees at once and stays at 0.';

/** True when any lane recorded a non-zero value of `key`. */
export function anyNonZero(key: SeriesKey): boolean {
  return history.lanes.some((l) => l.cols[key].subarray(0, l.length).some((v) => v !== 0));
}

export function PendingChart() {
  useHistoryTick();
  const keys: SeriesKey[] = anyNonZero('postponedBytes') ? ['pendingBytes', 'postponedBytes'] : ['pendingBytes'];
  return <LineChart title="Pending remote frees" keys={keys} kind="bytes" notes={[PENDING_NOTE]} />;
}
