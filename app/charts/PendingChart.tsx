/**
 * Frees not yet reusable by every CPU, per allocator: NTA's per-CPU queues (a free on a
 * foreign CPU waits on the owner's list until the owner drains it), SLAB's array caches and
 * SLUB's CPU slabs (Counters.pendingBytes of each), plus the frees postponed by a user-space
 * mapping when any lane has some.
 */
import { history } from '../runtime/actions';
import type { SeriesKey } from '../runtime/history';
import { LineChart } from './LineChart';

export const PENDING_NOTE =
  'NTA queues a free made on a foreign CPU for the owner CPU, which drains its queue only ' +
  'when it frees (drainOnAlloc=1: when it allocates too). In producer-consumer with 2+ CPUs, CPU 0 only ' +
  'allocates, so the queue of its remote frees grows. pow2 frees at once and stays at 0.';

/** What the same counter holds for the kernel allocators: the objects each design keeps away from other CPUs. */
export const CACHED_NOTE =
  "SLAB 2.6.18 counts here the objects in the per-CPU arrays (a free goes to the FREEING CPU's array) and in " +
  'the shared array; SLUB the free objects of the CPU slabs (the active slab and the per-CPU partial list), which ' +
  'only their CPU can hand out, while a free from another CPU goes back to the slab itself. Both drawn as cached on the maps.';

/** True when any lane recorded a non-zero value of `key`. */
export function anyNonZero(key: SeriesKey): boolean {
  return history.lanes.some((l) => l.cols[key].subarray(0, l.length).some((v) => v !== 0));
}

/** The series drawn: postponed frees only where a lane has some (asked at each redraw of the chart). */
const pendingKeys = (): SeriesKey[] =>
  anyNonZero('postponedBytes') ? ['pendingBytes', 'postponedBytes'] : ['pendingBytes'];

export function PendingChart() {
  return <LineChart title="Pending remote frees" keys={pendingKeys} kind="bytes" notes={[PENDING_NOTE, CACHED_NOTE]} />;
}
