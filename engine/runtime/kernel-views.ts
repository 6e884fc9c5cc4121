/**
 * What the app's kernel views read of an allocator between two slices of a run (off the hot
 * path): /proc/slabinfo's rows and the address ranges of each cache's slab pages, for the
 * slabinfo table and the map's colour-by-cache. One answer per call, a few times a second.
 */
import type { Allocator, SlabinfoRow } from '../core/types';
import { SEGMENT_PAGES } from '../core/dirty';

/** The slab pages of each cache: ranges [start, bytes, ...] sorted by address, adjacent pages of one cache merged. */
export interface CacheRanges {
  /** Caches by index (Allocator.cacheNames). */
  names: string[];
  /** Per cache (same index): its slab pages as [start, bytes, start, bytes, ...]. */
  ranges: Float64Array[];
}

export interface KernelView {
  /** /proc/slabinfo (null: the allocator has no caches). */
  slabinfo: SlabinfoRow[] | null;
  /** Only when asked for and the allocator can tell each page's cache. */
  caches: CacheRanges | null;
}

/**
 * Each cache's slab pages as address ranges. Segments of pages never written (a virtual pool's
 * untouched part: DirtyPages.segGen 0) hold no slab and are skipped without reading them.
 */
export function cacheRanges(a: Allocator): CacheRanges | null {
  if (!a.pageCaches || !a.cacheNames) return null;
  const names = a.cacheNames();
  const { pages, pageBytes, baseAddress } = a.geometry;
  const out: number[][] = names.map(() => []);
  const buf = new Uint16Array(SEGMENT_PAGES);
  const segGen = a.dirty.segGen;
  // The run being built: cache index + 1 (0 = none), its first page and its end.
  let cur = 0,
    first = 0,
    end = 0;
  const close = () => {
    if (cur > 0 && cur <= names.length) out[cur - 1].push(baseAddress + first * pageBytes, (end - first) * pageBytes);
    cur = 0;
  };
  for (let s = 0; s * SEGMENT_PAGES < pages; s++) {
    if (segGen[s] === 0) continue;
    const p0 = s * SEGMENT_PAGES,
      n = Math.min(SEGMENT_PAGES, pages - p0);
    a.pageCaches(p0, n, buf);
    for (let i = 0; i < n; i++) {
      const k = buf[i],
        p = p0 + i;
      if (k === cur && p === end) {
        end = p + 1;
        continue;
      }
      close();
      if (k > 0) {
        cur = k;
        first = p;
        end = p + 1;
      }
    }
  }
  close();
  return { names, ranges: out.map((r) => Float64Array.from(r)) };
}

export function kernelView(a: Allocator, withCaches: boolean): KernelView {
  return { slabinfo: a.slabinfo?.() ?? null, caches: withCaches ? cacheRanges(a) : null };
}
