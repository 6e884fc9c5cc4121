/**
 * What SLAB answers off the hot path: its free blocks (freeSummary), the largest object one
 * allocation on a CPU could get (largestFree), and the block under an address (blockAt).
 * See slab.ts for the definitions.
 */
import type { BlockInfo, FreeSummary } from '../../core/types';
import { MAX_ORDER } from '../buddy/zone';
import {
  C,
  CACHED,
  FREE,
  L_FREE,
  L_FULL,
  L_PARTIAL,
  LIVE,
  MGMT,
  NSTRIDE,
  N_FREE_OBJS,
  PAGE_BLOCK,
  SHARED,
  type SlabState,
} from './layout';
import { SLAB_CHUNK_BYTES, SLAB_PAGE_BYTES } from './params';

const hex = (n: number) => `0x${n.toString(16)}`;

/** Free objects in slabs (one block each) and the zone's free blocks, each at most the largest object. */
export function slabFreeSummary(s: SlabState): FreeSummary {
  const m = new Map<number, number>();
  const add = (bytes: number, n: number) => {
    if (n > 0) m.set(bytes, (m.get(bytes) ?? 0) + n);
  };
  s.caches.forEach((c, k) => add(c.objBytes, s.node[k * NSTRIDE + N_FREE_OBJS]));
  const cap = s.caches[s.caches.length - 1].objBytes;
  for (let o = 0; o < MAX_ORDER; o++) {
    const bytes = SLAB_PAGE_BYTES << o;
    if (bytes > cap) add(cap, s.zCount[o] * (bytes / cap));
    else add(bytes, s.zCount[o]);
  }
  const sizes = [...m.keys()].sort((x, y) => x - y);
  return { bytes: sizes, counts: sizes.map((b) => m.get(b) ?? 0) };
}

/** Whether the zone, after giving a block of order `taken` (-1: none), still has a block of order >= `need`. */
function zoneHas(s: SlabState, need: number, taken = -1): boolean {
  const n = Array.from(s.zCount);
  if (taken >= 0) {
    let o = taken;
    while (o < MAX_ORDER && n[o] === 0) o++;
    if (o === MAX_ORDER) return false;
    n[o]--;
    for (let j = taken; j < o; j++) n[j]++; // expand(): one buddy half per order
  }
  for (let o = need; o < MAX_ORDER; o++) if (n[o] > 0) return true;
  return false;
}

/** An object of cache k is at hand for `cpu` without growing: in its array, the shared array or a slab. */
function hasObject(s: SlabState, cpu: number, k: number): boolean {
  return s.ac[cpu * s.AS + 2 * k] > 0 || s.shAvail[k] > 0 || s.node[k * NSTRIDE + N_FREE_OBJS] > 0;
}

/** The largest object size an allocation on `cpu` would get now (growing a slab if it must), 0 if none. */
export function slabLargestFree(s: SlabState, cpu: number): number {
  for (let k = s.caches.length - 1; k >= 0; k--) {
    const c = s.caches[k];
    if (hasObject(s, cpu, k)) return c.objBytes;
    if (!zoneHas(s, c.gfporder)) continue;
    if (!c.offSlab) return c.objBytes;
    const m = s.caches[c.mgmtCache];
    if (hasObject(s, cpu, c.mgmtCache) || zoneHas(s, m.gfporder, c.gfporder)) return c.objBytes;
  }
  return 0;
}

/** The slab whose off-slab management is the object at chunk `obj`: its first page, or -1 (a scan of the lists). */
function managedSlab(s: SlabState, obj: number): number {
  for (let k = 0; k < s.caches.length; k++) {
    if (!s.caches[k].offSlab) continue;
    for (const L of [L_FULL, L_PARTIAL, L_FREE])
      for (let q = s.node[k * NSTRIDE + 2 * L]; q; q = s.slNext[q - 1]) if (s.slMgmt[q - 1] === obj + 1) return q - 1;
  }
  return -1;
}

export function slabBlockAt(s: SlabState, address: number): BlockInfo | null {
  const off = address - s.base;
  if (!(off >= 0 && off < s.P * SLAB_PAGE_BYTES)) return null;
  const page = Math.floor(off / SLAB_PAGE_BYTES);
  const pc = s.pgCache[page];
  if (pc === 0) {
    const b = s.zone.freeBlockAt(page);
    const detail = b ? `free in the zone: an order-${b.order} block at ${hex(s.base + b.first * SLAB_PAGE_BYTES)}` : '';
    return {
      kind: 'unheld',
      start: s.base + page * SLAB_PAGE_BYTES,
      bytes: SLAB_PAGE_BYTES,
      requested: 0,
      owner: -1,
      detail: [detail],
    };
  }
  if (pc === PAGE_BLOCK) {
    for (let o = 0; o < MAX_ORDER; o++) {
      const f = page & ~((1 << o) - 1);
      if (s.pgCache[f] !== PAGE_BLOCK || s.zone.usedOrder(f) !== o) continue;
      const bytes = SLAB_PAGE_BYTES << o;
      const start = s.base + f * SLAB_PAGE_BYTES;
      return {
        kind: 'allocation',
        start,
        bytes,
        requested: bytes,
        owner: -1,
        detail: [`order-${o} pages (alloc_pages)`],
      };
    }
    return null;
  }
  const k = pc - 1,
    c = s.caches[k];
  const f = page & ~((1 << c.gfporder) - 1);
  const slabAt = s.base + f * SLAB_PAGE_BYTES;
  const x = Math.floor((off - f * SLAB_PAGE_BYTES) / SLAB_CHUNK_BYTES);
  const col = s.slColour[f] * c.colourChunks,
    sm = col + c.mgmtChunks,
    end = sm + c.num * c.objChunks;
  const where = `the ${1 << c.gfporder}-page slab at ${hex(slabAt)} (colour ${s.slColour[f]}, ${s.slInuse[f]} of ${c.num} objects in use)`;
  const region = (kind: BlockInfo['kind'], from: number, to: number, what: string): BlockInfo => ({
    kind,
    start: slabAt + from * SLAB_CHUNK_BYTES,
    bytes: (to - from) * SLAB_CHUNK_BYTES,
    requested: 0,
    owner: -1,
    cache: c.name,
    detail: [`${what} of ${where}`],
  });
  if (x < col) return region('waste', 0, col, 'colour offset');
  if (x < sm) return region('metadata', col, sm, 'struct slab and bufctl array');
  if (x >= end) return region('waste', end, C << c.gfporder, 'left-over');
  const i = Math.floor((x - sm) / c.objChunks);
  const obj = f * C + sm + i * c.objChunks;
  const b = region('free', sm + i * c.objChunks, sm + (i + 1) * c.objChunks, `object ${i}`);
  const st = s.objState[obj];
  if (st === FREE) return b;
  if (st === LIVE) return { ...b, kind: 'allocation', requested: s.reqBytes[obj] };
  if (st === MGMT) {
    const m = managedSlab(s, obj);
    const of = m < 0 ? 'a slab' : `the ${s.caches[s.pgCache[m] - 1].name} slab at ${hex(s.base + m * SLAB_PAGE_BYTES)}`;
    return {
      ...b,
      kind: 'metadata',
      requested: s.reqBytes[obj],
      detail: [`${b.detail?.[0]}: the management of ${of}`],
    };
  }
  if (st === SHARED) return { ...b, kind: 'cached', detail: [`${b.detail?.[0]}, in the shared array`] };
  const cpu = st - CACHED;
  return { ...b, kind: 'cached', owner: cpu, detail: [`${b.detail?.[0]}, in CPU ${cpu}'s array`] };
}
