/**
 * /proc/slabinfo of the model, as mm/slab.c's s_show of v2.6.18 computes it: active objects are
 * those not free in a slab (objects in arrays count as active), slabs on the full and partial
 * lists are active, the free list's are not, and sharedavail is the shared array's entries.
 * The per-CPU arrays' avail (not a /proc/slabinfo column in 2.6.18) come beside them for the
 * views. Walks the lists: off the hot path.
 */
import type { SlabinfoRow } from '../../core/types';
import { L_FREE, L_FULL, L_PARTIAL, NSTRIDE, N_LEN, PAGE_BLOCK, type SlabState } from './layout';

/** SLAB's rows carry the array caches' tunables and occupancy (core SlabinfoRow's optional fields). */
export type SlabSlabinfoRow = SlabinfoRow &
  Required<Pick<SlabinfoRow, 'limit' | 'batchcount' | 'sharedFactor' | 'sharedAvail' | 'sharedLimit' | 'cpuAvail'>>;

export function slabinfo(s: SlabState): SlabSlabinfoRow[] {
  return s.caches.map((c, k) => {
    const nb = k * NSTRIDE;
    let active = s.node[nb + N_LEN + L_FULL] * c.num;
    for (let q = s.node[nb + 2 * L_PARTIAL]; q; q = s.slNext[q - 1]) active += s.slInuse[q - 1];
    const activeSlabs = s.node[nb + N_LEN + L_FULL] + s.node[nb + N_LEN + L_PARTIAL];
    const numSlabs = activeSlabs + s.node[nb + N_LEN + L_FREE];
    return {
      name: c.name,
      activeObjs: active,
      numObjs: numSlabs * c.num,
      objSize: c.objBytes,
      objPerSlab: c.num,
      pagesPerSlab: 1 << c.gfporder,
      limit: c.limit,
      batchcount: c.batchcount,
      sharedFactor: c.shared,
      activeSlabs,
      numSlabs,
      sharedAvail: s.shAvail[k],
      sharedLimit: c.sharedLimit,
      cpuAvail: Array.from({ length: s.cpus }, (_, cpu) => s.ac[cpu * s.AS + 2 * k]),
    };
  });
}

const pad = (v: number | string, w: number, left = false) => (left ? String(v).padEnd(w) : String(v).padStart(w));

/** One line as s_show prints it: "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu". */
export function slabinfoLine(r: SlabSlabinfoRow): string {
  return (
    `${pad(r.name, 17, true)} ${pad(r.activeObjs, 6)} ${pad(r.numObjs, 6)} ${pad(r.objSize, 6)} ` +
    `${pad(r.objPerSlab, 4)} ${pad(r.pagesPerSlab, 4)} : tunables ${pad(r.limit, 4)} ${pad(r.batchcount, 4)} ` +
    `${pad(r.sharedFactor, 4)} : slabdata ${pad(r.activeSlabs, 6)} ${pad(r.numSlabs, 6)} ${pad(r.sharedAvail, 6)}`
  );
}

/**
 * The cache of each page (Allocator.pageCaches): pgCache holds k + 1 for a page of a slab of
 * cache k (cache_grow's slab_map_pages sets page_set_cache on every page of the slab in mm/slab.c of 2.6.18),
 * 0 for a zone page and PAGE_BLOCK for an allocPages block, which no cache owns.
 */
export function pageCaches(s: SlabState, firstPage: number, count: number, out: Uint16Array): void {
  for (let i = 0; i < count; i++) {
    const v = s.pgCache[firstPage + i];
    out[i] = v === PAGE_BLOCK ? 0 : v;
  }
}
