/**
 * Fragmentation metrics, each defined once here (the UI shows these texts beside the numbers).
 * All are computed from an allocator's counters and its free blocks, given as sizes and counts
 * (Allocator.freeSummary(): no allocator lists its blocks one by one).
 */
import type { Allocator, FreeSummary } from './types';

export interface Metrics {
  requestedBytes: number;
  allocatedBytes: number;
  heldBytes: number;
  freeBytes: number;
  largestFreeBytes: number;
  internalFragmentation: number;
  externalFragmentation: number;
  utilisation: number;
  pendingBytes: number;
  postponedBytes: number;
}

export const METRIC_DEFINITIONS: Record<keyof Metrics, string> = {
  requestedBytes: 'Requested: bytes callers asked for, summed over live allocations.',
  allocatedBytes: 'Allocated: bytes handed out for live allocations after rounding (to chunks or size classes).',
  heldBytes:
    'Held: bytes of the pages the allocator has taken from its page source (NTA takes its whole pool at start and never returns pages).',
  freeBytes:
    'Free: bytes the allocator could hand out now, summed over its free blocks (pow2 counts free slots and untaken pool pages).',
  largestFreeBytes:
    'Largest free: the largest block one allocation could get now (a contiguous free run for NTA, on any CPU).',
  internalFragmentation:
    'Internal fragmentation: 1 - requested / allocated, the share of handed-out bytes lost to rounding (perf kmem prints 100x this).',
  externalFragmentation:
    'External fragmentation: 1 - largest free / total free; 0 = all free memory in one block, near 1 = free memory in crumbs.',
  utilisation: 'Utilisation: requested / held, the share of held memory that carries requested bytes.',
  pendingBytes:
    'Pending: bytes freed on a foreign CPU and still queued for their owner CPU (NTA), or waiting in per-CPU and shared array caches (SLAB), not yet free to every CPU.',
  postponedBytes: 'Postponed: bytes freed while mapped to user space, waiting for the unmap (NTA zero-copy).',
};

export function computeMetrics(a: Allocator, summary: FreeSummary = a.freeSummary()): Metrics {
  const k = a.counters();
  let free = 0,
    largest = 0;
  const { bytes, counts } = summary;
  for (let i = 0; i < bytes.length; i++) {
    free += bytes[i] * counts[i];
    if (counts[i] > 0 && bytes[i] > largest) largest = bytes[i];
  }
  return {
    requestedBytes: k.requestedBytes,
    allocatedBytes: k.allocatedBytes,
    heldBytes: k.heldBytes,
    freeBytes: free,
    largestFreeBytes: largest,
    internalFragmentation: k.allocatedBytes > 0 ? 1 - k.requestedBytes / k.allocatedBytes : 0,
    externalFragmentation: free > 0 ? 1 - largest / free : 0,
    utilisation: k.heldBytes > 0 ? k.requestedBytes / k.heldBytes : 0,
    pendingBytes: k.pendingBytes,
    postponedBytes: k.postponedBytes,
  };
}

/**
 * Linux's two indices for one request size (mm/vmstat.c, there for page orders; here for
 * `requestBytes` against the allocator's free blocks):
 * - unusable index: the share of free memory that cannot serve the request,
 *   (free - suitable * request) / free, where suitable counts request-sized units in
 *   blocks at least as large as the request; 1 when nothing is free;
 * - fragmentation index: -1 when a suitable block exists; otherwise
 *   1 - (1 + free / request) / blocks. Near 0: the request fails for lack of memory;
 *   near 1: it fails because the free memory is in pieces too small (fragmentation).
 */
export function requestIndices(
  summary: FreeSummary | Float64Array,
  requestBytes: number,
): { unusable: number; fragmentation: number } {
  let free = 0,
    blocks = 0,
    suitableUnits = 0;
  // A FreeSummary, or the same as flat [bytes, count, bytes, count, ...] pairs (the app's history).
  const flat = summary instanceof Float64Array;
  const len = flat ? summary.length >> 1 : summary.bytes.length;
  for (let i = 0; i < len; i++) {
    const b = flat ? summary[2 * i] : summary.bytes[i],
      n = flat ? summary[2 * i + 1] : summary.counts[i];
    free += b * n;
    blocks += n;
    if (b >= requestBytes) suitableUnits += n * Math.floor(b / requestBytes);
  }
  const unusable = free > 0 ? (free - suitableUnits * requestBytes) / free : 1;
  const fragmentation = suitableUnits > 0 ? -1 : blocks > 0 ? 1 - (1 + free / requestBytes) / blocks : 0;
  return { unusable, fragmentation };
}

/** What the two request indices mean, in words (the UI shows these beside its chart). */
export const REQUEST_INDEX_DEFINITIONS = [
  'Unusable index (mm/vmstat.c): the share of free memory that cannot serve the request, ' +
    '(free - suitable * request) / free, where suitable counts request-sized units in blocks at least as large as the request.',
  'Fragmentation index (mm/vmstat.c): -1 when a suitable block exists; otherwise 1 - (1 + free / request) / blocks. ' +
    'Near 0: the request fails for lack of memory; near 1: it fails due to fragmentation (the free memory is in pieces too small).',
];

/** Histogram of free block sizes: [bytes, count] pairs sorted by size. */
export function freeHistogram(summary: FreeSummary): [number, number][] {
  return summary.bytes.map((b, i): [number, number] => [b, summary.counts[i]]).filter(([, n]) => n > 0);
}

/** The summary of a list of block sizes (for tests and for allocators that do keep a list). */
export function summaryOf(blocks: readonly number[]): FreeSummary {
  const m = new Map<number, number>();
  for (const b of blocks) m.set(b, (m.get(b) ?? 0) + 1);
  const sizes = [...m.keys()].sort((x, y) => x - y);
  return { bytes: sizes, counts: sizes.map((b) => m.get(b) ?? 0) };
}

/** Page index and chunk offset of an address. */
export function locate(a: Allocator, address: number): { page: number; chunk: number } {
  const { baseAddress, pageBytes, chunkBytes } = a.geometry;
  const off = address - baseAddress;
  return { page: Math.floor(off / pageBytes), chunk: (off % pageBytes) / chunkBytes };
}
