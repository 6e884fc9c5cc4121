/**
 * Linux's unusable and fragmentation indices for one request size (mm/vmstat.c), from a
 * free-block histogram instead of the block list: the UI receives [bytes, count] pairs,
 * which is all the two indices need. Equal to engine/core/metrics.ts requestIndices() on
 * the expanded blocks (tested).
 */
import type { requestIndices } from '../../engine/core/metrics';

export type RequestIndices = ReturnType<typeof requestIndices>;

/** [bytes, count] pairs, or the same flattened ([bytes, count, bytes, count, ...]). */
export type HistogramLike = readonly (readonly [number, number])[] | Float64Array;

export const REQUEST_INDEX_DEFINITIONS = [
  'Unusable index (mm/vmstat.c): the share of free memory that cannot serve the request, ' +
    '(free - suitable * request) / free, where suitable counts request-sized units in blocks at least as large as the request.',
  'Fragmentation index (mm/vmstat.c): -1 when a suitable block exists; otherwise 1 - (1 + free / request) / blocks. ' +
    'Near 0: the request fails for lack of memory; near 1: it fails due to fragmentation (the free memory is in pieces too small).',
];

export function indicesFromHistogram(hist: HistogramLike, requestBytes: number): RequestIndices {
  const flat = hist instanceof Float64Array;
  const n = flat ? hist.length >> 1 : hist.length;
  let free = 0,
    blocks = 0,
    suitableUnits = 0;
  for (let i = 0; i < n; i++) {
    const bytes = flat ? hist[2 * i] : hist[i][0];
    const count = flat ? hist[2 * i + 1] : hist[i][1];
    free += bytes * count;
    blocks += count;
    if (bytes >= requestBytes) suitableUnits += count * Math.floor(bytes / requestBytes);
  }
  const unusable = free > 0 ? (free - suitableUnits * requestBytes) / free : 1;
  const fragmentation = suitableUnits > 0 ? -1 : blocks > 0 ? 1 - (1 + free / requestBytes) / blocks : 0;
  return { unusable, fragmentation };
}
