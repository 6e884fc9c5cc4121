/**
 * pow2's state read as a whole, off the hot path (layout.ts):
 * - freeSummary(): what one allocation could get: every free slot of a slab is one block of its
 *   class size (counted in cpuSlots, kept at every op), and every free block of the zone is one
 *   block of its 2^order pages, or, above the largest class, that many blocks of the largest class
 *   (as SLAB counts them, slab/query.ts: one allocation never gets more than the largest class).
 * - largestFree(cpu): the largest class with a free slot on `cpu`'s slabs (a CPU allocates from
 *   its own slabs only) or the largest class the zone's largest free block can hold.
 * - ownerOf: the CPU that took the slab (a slab's other pages: its first page's); -1 for the
 *   zone's pages and page-level blocks.
 * - blockAt(address): on a slab of a class up to a page, the object slot (class-size-aligned within
 *   the page) holding the address: 'allocation' when live (requested = reqBytes at its first chunk),
 *   else 'free'; bytes = the class size. A slab of a class above a page: its one object, whichever
 *   of its pages. A page-level block: an 'allocation' of its pages, owner -1. The zone's free pages:
 *   'unheld', the whole free block, owner -1. Null outside the pool.
 */
import type { BlockInfo, FreeSummary } from '../../core/types';
import { MAX_ORDER, packedFirst, packedOrder } from '../buddy/zone';
import { PAGE_BLOCK, type Pow2State } from './layout';

export function pow2FreeSummary(a: Pow2State): FreeSummary {
  const m = new Map<number, number>();
  const add = (bytes: number, n: number) => {
    if (n > 0) m.set(bytes, (m.get(bytes) ?? 0) + n);
  };
  for (let k = 0; k < a.K; k++) {
    let n = 0;
    for (let c = 0; c < a.cpus; c++) n += a.cpuSlots[c * a.S + k];
    add(a.chunkBytes * 2 ** k, n);
  }
  const cap = a.chunkBytes * 2 ** (a.K - 1);
  for (let o = 0; o < MAX_ORDER; o++) {
    const bytes = a.pageBytes * 2 ** o;
    if (bytes > cap) add(cap, a.zone.freeBlocks(o) * (bytes / cap));
    else add(bytes, a.zone.freeBlocks(o));
  }
  const bytes = [...m.keys()].sort((x, y) => x - y);
  return { bytes, counts: bytes.map((b) => m.get(b) ?? 0) };
}

export function pow2LargestFree(a: Pow2State, cpu: number): number {
  const o = a.zone.largestFreeOrder();
  let best = o < 0 ? 0 : Math.min(a.pageBytes * 2 ** o, a.chunkBytes * 2 ** (a.K - 1));
  for (let k = a.K - 1; k >= 0; k--)
    if (a.cpuSlots[cpu * a.S + k] > 0) {
      best = Math.max(best, a.chunkBytes * 2 ** k);
      break;
    }
  return best;
}

/** The first page of the slab holding `page` (itself, or the head of a block of a class above a page), or -1. */
function slabOf(a: Pow2State, page: number): number {
  const cls = a.pageClass[page];
  if (cls !== 0) return cls === PAGE_BLOCK ? -1 : page;
  const u = a.zone.usedBlockAt(page);
  if (u < 0) return -1;
  const h = packedFirst(u),
    hc = a.pageClass[h];
  return hc !== 0 && hc !== PAGE_BLOCK ? h : -1;
}

export function pow2OwnerOfPage(a: Pow2State, page: number): number {
  const h = slabOf(a, page);
  return h < 0 ? -1 : a.pageOwner[h] - 1;
}

export function pow2BlockAt(a: Pow2State, address: number): BlockInfo | null {
  const off = address - a.base;
  if (!(off >= 0 && off < a.P * a.pageBytes)) return null;
  const page = Math.floor(off / a.pageBytes);
  const h = slabOf(a, page);
  if (h < 0) return zoneBlockAt(a, page);
  const k = a.pageClass[h] - 1,
    size = a.chunkBytes * 2 ** k,
    owner = a.pageOwner[h] - 1;
  // The slot holding the address: class-size-aligned from the slab's first byte.
  const slabStart = h * a.pageBytes;
  const slotStart = slabStart + Math.floor((off - slabStart) / size) * size;
  const c0 = slotStart / a.chunkBytes;
  const slot = (c0 - h * a.C) / (size / a.chunkBytes);
  const live = ((a.freeBits[h * a.W + (slot >>> 5)] >>> (slot & 31)) & 1) === 0;
  const info: BlockInfo = {
    kind: live ? 'allocation' : 'free',
    start: a.base + slotStart,
    bytes: size,
    requested: live ? a.reqBytes[c0] : 0,
    owner,
  };
  if (k > a.logC) info.detail = [`a slab of ${2 ** (k - a.logC)} pages (order ${k - a.logC}) from the buddy zone`];
  return info;
}

/** A page no slab holds: a page-level block of the zone's, or one of its free blocks. */
function zoneBlockAt(a: Pow2State, page: number): BlockInfo {
  const u = a.zone.usedBlockAt(page);
  if (u >= 0 && a.pageClass[packedFirst(u)] === PAGE_BLOCK) {
    const first = packedFirst(u),
      order = packedOrder(u),
      bytes = a.pageBytes * 2 ** order;
    return {
      kind: 'allocation',
      start: a.base + first * a.pageBytes,
      bytes,
      requested: bytes,
      owner: -1,
      detail: [`page-level block: order ${order} from the buddy zone`],
    };
  }
  const f = a.zone.freeBlockAt(page);
  const first = f ? f.first : page,
    order = f ? f.order : 0;
  return {
    kind: 'unheld',
    start: a.base + first * a.pageBytes,
    bytes: a.pageBytes * 2 ** order,
    requested: 0,
    owner: -1,
    detail: [`free in the buddy zone: an order-${order} block`],
  };
}
