/**
 * The /proc/slabinfo table (pure): columns, cells and sorting of SlabinfoRow[] as the
 * SlabinfoTable shows them. SLAB adds its array caches (tunables and occupancy); SLUB has none.
 */
import type { SlabinfoRow } from '../../engine/core/types';

export type SlabColumnKey =
  | 'name'
  | 'objSize'
  | 'activeObjs'
  | 'numObjs'
  | 'objPerSlab'
  | 'pagesPerSlab'
  | 'activeSlabs'
  | 'numSlabs'
  | 'limit'
  | 'batchcount'
  | 'cpuAvail'
  | 'sharedAvail';

export interface SlabColumn {
  key: SlabColumnKey;
  /** The header, as /proc/slabinfo names the field. */
  label: string;
  /** What the column counts (the header's title). */
  doc: string;
  /** Only for allocators with array caches (SLAB). */
  arrays?: boolean;
}

export const SLAB_COLUMNS: readonly SlabColumn[] = [
  { key: 'name', label: 'cache', doc: 'the cache (kmalloc size class or named cache)' },
  { key: 'objSize', label: 'objsize', doc: 'bytes of one object in the slab' },
  {
    key: 'activeObjs',
    label: 'active_objs',
    doc: 'objects not free in their slab (SLAB: objects waiting in arrays count; SLUB: free objects of CPU slabs count)',
  },
  { key: 'numObjs', label: 'num_objs', doc: 'objects of all slabs of the cache' },
  { key: 'objPerSlab', label: 'objperslab', doc: 'objects per slab' },
  { key: 'pagesPerSlab', label: 'pagesperslab', doc: 'pages per slab (2^order)' },
  { key: 'activeSlabs', label: 'active_slabs', doc: 'slabs with an object in use (SLUB prints every slab)' },
  { key: 'numSlabs', label: 'num_slabs', doc: 'slabs of the cache' },
  { key: 'limit', label: 'limit', doc: 'tunables: most objects a per-CPU array holds', arrays: true },
  { key: 'batchcount', label: 'batchcount', doc: 'tunables: objects moved per refill or flush', arrays: true },
  {
    key: 'cpuAvail',
    label: 'cpu avail',
    doc: "objects in each CPU's array (of limit), CPU 0 first; sorted by their sum",
    arrays: true,
  },
  {
    key: 'sharedAvail',
    label: 'sharedavail',
    doc: "objects in the shared array (of sharedfactor x batchcount); any CPU's refill takes them first",
    arrays: true,
  },
];

/** The columns for these rows: the array caches' only when a row has them. */
export function columnsFor(rows: readonly SlabinfoRow[]): readonly SlabColumn[] {
  const arrays = rows.some((r) => r.cpuAvail !== undefined);
  return SLAB_COLUMNS.filter((c) => arrays || !c.arrays);
}

const sum = (xs: readonly number[] | undefined) => (xs ?? []).reduce((a, b) => a + b, 0);

/** The value a column sorts by. */
export function sortValue(r: SlabinfoRow, key: SlabColumnKey): number | string {
  if (key === 'name') return r.name;
  if (key === 'cpuAvail') return sum(r.cpuAvail);
  return r[key] ?? 0;
}

/** The text of a cell. */
export function cellText(r: SlabinfoRow, key: SlabColumnKey): string {
  if (key === 'name') return r.name;
  if (key === 'cpuAvail') return (r.cpuAvail ?? []).map((n) => `${n}/${r.limit ?? 0}`).join(' ');
  if (key === 'sharedAvail') return r.sharedLimit !== undefined ? `${r.sharedAvail ?? 0}/${r.sharedLimit}` : '';
  const v = r[key];
  return v === undefined ? '' : v.toLocaleString('en');
}

const collator = new Intl.Collator('en', { numeric: true });

/**
 * The rows sorted by a column (names in numeric order: size-32 before size-128); ties keep the
 * allocator's order (the kernel's cache order), so a table does not shuffle while it plays.
 */
export function sortRows(rows: readonly SlabinfoRow[], key: SlabColumnKey, descending: boolean): SlabinfoRow[] {
  const sign = descending ? -1 : 1;
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const x = sortValue(a.r, key),
        y = sortValue(b.r, key);
      const c = typeof x === 'string' || typeof y === 'string' ? collator.compare(String(x), String(y)) : x - y;
      return c !== 0 ? sign * c : a.i - b.i;
    })
    .map((e) => e.r);
}

/** Caches with slabs come first in the default view: an empty cache says little. */
export function withSlabs(rows: readonly SlabinfoRow[], all: boolean): SlabinfoRow[] {
  return all ? rows.slice() : rows.filter((r) => r.numSlabs > 0);
}

/**
 * Bytes of the objects SLAB keeps in its array caches, from its slabinfo rows: per CPU (its
 * per-CPU arrays, every cache) and in the shared arrays; null for rows without arrays (SLUB).
 * Together they are SLAB's Counters.pendingBytes (the pending chart's line).
 */
export function arrayBytes(rows: readonly SlabinfoRow[]): { perCpu: number[]; shared: number } | null {
  if (!rows.some((r) => r.cpuAvail !== undefined)) return null;
  const perCpu: number[] = [];
  let shared = 0;
  for (const r of rows) {
    (r.cpuAvail ?? []).forEach((n, cpu) => (perCpu[cpu] = (perCpu[cpu] ?? 0) + n * r.objSize));
    shared += (r.sharedAvail ?? 0) * r.objSize;
  }
  return { perCpu, shared };
}
