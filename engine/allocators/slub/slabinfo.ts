/**
 * /proc/slabinfo as SLUB shows it (s_show in mm/slub.c of 3.6; 6.6 the same through
 * get_slabinfo in mm/slub.c): per cache, total objects = the node's total_objects, active objects
 * = total minus the free objects of the node's partial slabs (count_partial(n, count_free)), so
 * free objects of CPU slabs count as active; active slabs = total slabs = nr_slabs; objects per
 * slab and pages per slab of the cache's order (s->oo). 2.6.22 had no /proc/slabinfo for SLUB
 * (its slabinfo tool read /sys/slab); the model shows the 3.6 rows for every version.
 */
import type { SlabinfoRow } from '../../core/types';
import { NSTRIDE, N_HEAD, N_OBJECTS, N_SLABS, ISTRIDE, I_OBJECTS, I_ORDER, KIND_LARGE } from './layout';
import type { SlubAllocator } from './slub';

export function slabinfo(s: SlubAllocator): SlabinfoRow[] {
  const rows: SlabinfoRow[] = [];
  for (let c = 0; c < s.caches; c++) {
    const n = c * NSTRIDE,
      size = s.sizeOf(c);
    let free = 0;
    for (let h = s.nodeInfo[n + N_HEAD] - 1; h >= 0; h = s.sNext[h] - 1) free += s.objectsOf(h) - s.sInuse[h];
    const slabs = s.nodeInfo[n + N_SLABS];
    rows.push({
      name: s.cacheName(c),
      activeObjs: s.nodeInfo[n + N_OBJECTS] - free,
      numObjs: s.nodeInfo[n + N_OBJECTS],
      objSize: size,
      objPerSlab: s.cacheInfo[c * ISTRIDE + I_OBJECTS],
      pagesPerSlab: 2 ** s.cacheInfo[c * ISTRIDE + I_ORDER],
      activeSlabs: slabs,
      numSlabs: slabs,
    });
  }
  return rows;
}

/** The rows as the file prints them ("slabinfo - version: 2.1", tunables 0, sharedavail 0). */
export function slabinfoText(rows: readonly SlabinfoRow[]): string {
  const head =
    'slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n';
  return (
    head +
    rows
      .map(
        (r) =>
          `${r.name.padEnd(17)} ${String(r.activeObjs).padStart(6)} ${String(r.numObjs).padStart(6)} ${String(r.objSize).padStart(6)} ${String(r.objPerSlab).padStart(4)} ${String(r.pagesPerSlab).padStart(4)} : tunables    0    0    0 : slabdata ${String(r.activeSlabs).padStart(6)} ${String(r.numSlabs).padStart(6)}      0\n`,
      )
      .join('')
  );
}

/**
 * The cache of each page (Allocator.pageCaches): pgSlab leads a page to its slab's first page,
 * whose pgKind is the cache + 1 (new_slab sets page->slab_cache in mm/slub.c of 3.6, page->slab in
 * 2.6.22), or KIND_LARGE / KIND_PAGES for blocks no cache owns (kmalloc_large, page-level).
 */
export function pageCaches(s: SlubAllocator, firstPage: number, count: number, out: Uint16Array): void {
  for (let i = 0; i < count; i++) {
    const h = s.pgSlab[firstPage + i] - 1;
    const kind = h >= 0 ? s.pgKind[h] : 0;
    out[i] = kind < KIND_LARGE ? kind : 0;
  }
}
