/**
 * NTA's state read as a whole, off the hot path: counters summed over CPUs, the free-run
 * summary from the list counts (no walk), each CPU's largest run from its nonEmpty bits, the
 * remote-free totals; and the initial state a fresh instance writes (list counts only: the
 * initial regions stay untouched, see layout.ts "Virtual").
 */
import type { Counters, FreeSummary } from '../../core/types';
import {
  C_ALLOC,
  C_ALLOCS,
  C_DRAINED,
  C_FAILS,
  C_FREES,
  C_POSTPONED,
  C_PUSHED,
  C_REQ,
  C_SLOTS,
  MAGIC,
  META_MAGIC,
  U_STRIDE,
} from './layout';
import type { NtaAllocator } from './nta';
import { initialRegions } from './regions';

export function ntaCounters(a: NtaAllocator): Counters {
  const cnt = a.v.counters;
  const s = new Float64Array(C_SLOTS);
  for (let i = 0; i < cnt.length; i++) s[i % C_SLOTS] += cnt[i];
  return {
    allocs: s[C_ALLOCS],
    frees: s[C_FREES],
    failures: s[C_FAILS],
    requestedBytes: s[C_REQ],
    allocatedBytes: s[C_ALLOC],
    heldBytes: (a.params.maxPages - a.zone.freePages) * a.params.pageBytes,
    pendingBytes: s[C_PUSHED] - s[C_DRAINED],
    postponedBytes: s[C_POSTPONED],
  };
}

/** Runs of each length, summed over CPUs (untouched regions included: they are counted on their list). */
export function ntaFreeSummary(a: NtaAllocator): FreeSummary {
  const bytes: number[] = [],
    counts: number[] = [];
  const cnt = a.v.listCount,
    L = a.lists;
  for (let i = 0; i < L; i++) {
    let n = 0;
    for (let cpu = 0; cpu < a.cpus; cpu++) n += cnt[cpu * L + i];
    if (n > 0) {
      bytes.push((i + 1) * a.params.chunkBytes);
      counts.push(n);
    }
  }
  return { bytes, counts };
}

/** Bytes of the largest run on `cpu`'s lists: its highest non-empty list. */
export function ntaLargestFree(a: NtaAllocator, cpu: number): number {
  const w0 = cpu * a.listStride;
  const ne = a.v.nonEmpty;
  for (let w = a.listWords - 1; w >= 0; w--) {
    if (ne[w0 + w] !== 0) return ((w << 5) + 32 - Math.clz32(ne[w0 + w])) * a.params.chunkBytes;
  }
  return 0;
}

export function ntaRemoteTotals(a: NtaAllocator, cpu: number): { pushed: number; drained: number } {
  const c = a.v.counters;
  return { pushed: c[cpu * C_SLOTS + C_PUSHED], drained: c[cpu * C_SLOTS + C_DRAINED] };
}

/**
 * A fresh instance: the zone's blocks, the initial regions reserved from it at once (pages
 * [0, initial pages): the largest aligned blocks, so a 4,194,304-page pool writes 4096 block heads);
 * each CPU's initial nodes enter its full-region list in address order, all untouched, so only the
 * lists' counts and the CPU's cursor are written.
 */
export function writeInitialState(a: NtaAllocator): void {
  const { v } = a;
  a.zone.init();
  if (!a.zone.reserve(0, a.initialPages))
    throw new Error(`NTA: the zone of ${a.params.maxPages} pages cannot give the ${a.initialPages} initial pages`);
  v.listHead.fill(-1);
  v.listTail.fill(-1);
  v.remoteHead.fill(-1);
  const full = a.lists - 1;
  for (let cpu = 0; cpu < a.cpus; cpu++) {
    const { first, count } = initialRegions(a.params, cpu);
    v.untouched[cpu * U_STRIDE] = first;
    v.listCount[cpu * a.lists + full] = count;
    if (count > 0) v.nonEmpty[cpu * a.listStride + (full >>> 5)] |= 1 << (full & 31);
  }
  Atomics.store(v.meta, META_MAGIC, MAGIC);
}
