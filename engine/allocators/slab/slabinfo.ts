/**
 * /proc/slabinfo of the model, as mm/slab.c's s_show of v2.6.18 computes it: active objects are
 * those not free in a slab (objects in arrays count as active), slabs on the full and partial
 * lists are active, the free list's are not, and sharedavail is the shared array's entries.
 * The per-CPU arrays' avail (not a /proc/slabinfo column in 2.6.18) come beside them for the
 * views. Walks the lists: off the hot path.
 */
import { L_FREE, L_FULL, L_PARTIAL, NSTRIDE, N_LEN, type SlabState } from './layout';

export interface SlabinfoRow {
  name: string;
  activeObjs: number;
  numObjs: number;
  /** objsize: buffer_size. */
  objSize: number;
  objPerSlab: number;
  pagesPerSlab: number;
  /** tunables: the per-CPU arrays' limit, batchcount, and the shared array's factor. */
  limit: number;
  batchcount: number;
  sharedFactor: number;
  activeSlabs: number;
  numSlabs: number;
  sharedAvail: number;
  /** The shared array's limit (sharedFactor * batchcount). */
  sharedLimit: number;
  /** Each CPU's array: objects waiting in it (its limit is `limit`). */
  cpuAvail: number[];
}

export function slabinfo(s: SlabState): SlabinfoRow[] {
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
export function slabinfoLine(r: SlabinfoRow): string {
  return (
    `${pad(r.name, 17, true)} ${pad(r.activeObjs, 6)} ${pad(r.numObjs, 6)} ${pad(r.objSize, 6)} ` +
    `${pad(r.objPerSlab, 4)} ${pad(r.pagesPerSlab, 4)} : tunables ${pad(r.limit, 4)} ${pad(r.batchcount, 4)} ` +
    `${pad(r.sharedFactor, 4)} : slabdata ${pad(r.activeSlabs, 6)} ${pad(r.numSlabs, 6)} ${pad(r.sharedAvail, 6)}`
  );
}
