/**
 * A zone of the Linux buddy page allocator (mm/page_alloc.c), the page source under
 * every allocator here: whoever holds pages took them from a zone, so "held" means
 * the same for all of them. A component: an allocator puts the zone's fields in its
 * own layout (zoneFields) and drives a BuddyZone over its views.
 *
 * Model (Linux 2.6.18 mm/page_alloc.c):
 * - free_area[order] for order 0..MAX_ORDER-1 (MAX_ORDER = 11: blocks of 1 to 1024 pages), each
 *   a list of free blocks of 2^order pages aligned to their size within the zone;
 * - __rmqueue: the smallest order with a free block; the block at the list's HEAD
 *   (list_entry(area->free_list.next)); expand(): the high halves go to the lower orders'
 *   lists, at their heads (list_add);
 * - __free_one_page: while the buddy (index ^ 2^order) is a free block of the same order inside
 *   the zone, take it off its list and merge; the result goes at the head of its list;
 * - the zone starts as the largest aligned free blocks that fit, lowest address first (as
 *   free_all_bootmem frees the pages in order, each merging with its buddy).
 * Our choice: no per-CPU page lists (the hot/cold pcp lists of order-0 pages that 2.6.18 keeps
 * in front of the buddy lists) and no watermarks or migrate types: the issue models the buddy
 * lists themselves, and a trace's page events are replayed on them directly.
 *
 * Fields (added to the host's layout; P = the zone's pages; page links hold page + 1, so 0 = none
 * and a fresh zone writes nothing per page but its initial blocks' heads):
 *   zHead   i32[MAX_ORDER]  first free block of each order (page + 1), 0 = empty
 *   zCount  i32[MAX_ORDER]  free blocks of each order (/proc/buddyinfo)
 *   zLock   i32[16]         [0] the zone's spinlock (zone->lock), [1] pages free, [2] 1 once set up
 *   zNext   i32[P]          at a free block's first page: the next block on its list (page + 1)
 *   zPrev   i32[P]          at a free block's first page: the previous block (page + 1), 0 = head
 *   zHeadOf u8[P]           at a block's first page: FREE_BLOCK or USED_BLOCK + its order, 0 elsewhere
 */
import { lock, unlock } from '../../core/lock';
import { field } from '../../core/layout';
import type { DirtyPages } from '../../core/dirty';

/** Orders 0 .. MAX_ORDER - 1 (include/linux/mmzone.h: MAX_ORDER 11). */
export const MAX_ORDER = 11;
const FREE_BLOCK = 0x40;
const USED_BLOCK = 0x80;
const ORDER_MASK = 0x3f;
const L_LOCK = 0,
  L_FREE = 1,
  L_READY = 2;

/** The zone's fields, to spread into the host's planLayout({...}). */
export function zoneFields(pages: number) {
  return {
    zHead: field('i32', MAX_ORDER),
    zCount: field('i32', MAX_ORDER),
    zLock: field('i32', 16),
    zNext: field('i32', pages, 1),
    zPrev: field('i32', pages, 1),
    zHeadOf: field('u8', pages, 1),
  };
}

export interface ZoneViews {
  zHead: Int32Array;
  zCount: Int32Array;
  zLock: Int32Array;
  zNext: Int32Array;
  zPrev: Int32Array;
  zHeadOf: Uint8Array;
}

/** usedBlockAt packs a block as first page * BLOCK_PACK + order (orders < MAX_ORDER < 16). */
export const BLOCK_PACK = 16;
/** usedBlockAt's answer unpacked: the block's first page. */
export const packedFirst = (packed: number): number => Math.floor(packed / BLOCK_PACK);
/** usedBlockAt's answer unpacked: the block's order. */
export const packedOrder = (packed: number): number => packed % BLOCK_PACK;

/** get_order(): the order of the smallest block of pages holding `bytes`. */
export function orderOf(bytes: number, pageBytes: number): number {
  const pages = Math.ceil(bytes / pageBytes);
  return pages <= 1 ? 0 : 32 - Math.clz32(pages - 1);
}

export class BuddyZone {
  constructor(
    private readonly v: ZoneViews,
    readonly pages: number,
    /** Page writes are stamped here (checkpoints, the map). */
    private readonly dirty: DirtyPages | null,
    /** Take the zone lock (off when one thread runs every CPU). */
    private readonly locking = true,
  ) {}

  /** A fresh zone: every page free, as the largest aligned blocks, lowest address first. */
  init(): void {
    const v = this.v;
    const last = new Int32Array(MAX_ORDER).fill(-1);
    let p = 0;
    while (p < this.pages) {
      let o = MAX_ORDER - 1;
      while (o > 0 && (p % (1 << o) !== 0 || p + (1 << o) > this.pages)) o--;
      // In address order: each block at the tail of its list.
      if (last[o] < 0) this.addHead(p, o);
      else {
        v.zNext[last[o]] = p + 1;
        v.zPrev[p] = last[o] + 1;
        v.zHeadOf[p] = FREE_BLOCK | o;
        v.zCount[o]++;
        this.mark(p);
      }
      last[o] = p;
      p += 1 << o;
    }
    v.zLock[L_FREE] = this.pages;
    v.zLock[L_READY] = 1;
  }

  /**
   * Hand out pages [first, first + count) at once, as the largest aligned blocks that fit in the
   * range (a boot-time pool: NTA takes its initial regions so). Every page must be free: otherwise
   * nothing changes and the answer is false. Writes only block heads (those it splits off and those
   * it hands out), so a pool of millions of pages costs a few thousand writes. Free blocks split
   * around the range go to the heads of their lists, as expand() puts split halves.
   */
  reserve(first: number, count: number): boolean {
    const end = first + count;
    if (!(first >= 0 && count >= 0 && end <= this.pages && Number.isInteger(first) && Number.isInteger(count)))
      return false;
    for (let p = first; p < end;) {
      const f = this.freeBlockAt(p);
      if (!f) return false;
      p = f.first + (1 << f.order);
    }
    const v = this.v;
    if (this.locking) lock(v.zLock, L_LOCK);
    for (let p = first; p < end;) {
      const f = this.freeBlockAt(p);
      if (!f) break; // checked above; unreachable unless another thread changed the zone meanwhile
      this.unlink(f.first, f.order);
      v.zHeadOf[f.first] = 0;
      this.mark(f.first);
      this.carve(f.first, f.order, first, end);
      p = f.first + (1 << f.order);
    }
    v.zLock[L_FREE] -= count;
    if (this.locking) unlock(v.zLock, L_LOCK);
    return true;
  }

  /** A block taken off its list: the part inside [lo, hi) as used blocks, the rest back as free ones. */
  private carve(p: number, o: number, lo: number, hi: number): void {
    const end = p + (1 << o);
    if (p >= lo && end <= hi) {
      this.v.zHeadOf[p] = USED_BLOCK | o;
      this.mark(p);
    } else if (end <= lo || p >= hi) this.addHead(p, o);
    else {
      this.carve(p + (1 << (o - 1)), o - 1, lo, hi);
      this.carve(p, o - 1, lo, hi);
    }
  }

  /** Pages free now. */
  get freePages(): number {
    return this.v.zLock[L_FREE];
  }

  /** Free blocks of `order` (/proc/buddyinfo). */
  freeBlocks(order: number): number {
    return this.v.zCount[order];
  }

  /** /proc/buddyinfo: free blocks of each order, 0 .. MAX_ORDER-1. */
  buddyinfo(): number[] {
    return Array.from(this.v.zCount.subarray(0, MAX_ORDER));
  }

  /** The order of the largest free block, or -1 when no page is free. */
  largestFreeOrder(): number {
    for (let o = MAX_ORDER - 1; o >= 0; o--) if (this.v.zCount[o] > 0) return o;
    return -1;
  }

  private mark(page: number): void {
    if (this.dirty) this.dirty.segGen[page >>> 6] = this.dirty.epoch[0];
  }

  /** list_add: at the head of order `o`'s list. */
  private addHead(p: number, o: number): void {
    const v = this.v;
    const h = v.zHead[o];
    v.zNext[p] = h;
    v.zPrev[p] = 0;
    if (h) {
      v.zPrev[h - 1] = p + 1;
      this.mark(h - 1);
    }
    v.zHead[o] = p + 1;
    v.zHeadOf[p] = FREE_BLOCK | o;
    v.zCount[o]++;
    this.mark(p);
  }

  private unlink(p: number, o: number): void {
    const v = this.v;
    const n = v.zNext[p],
      pr = v.zPrev[p];
    if (pr) {
      v.zNext[pr - 1] = n;
      this.mark(pr - 1);
    } else v.zHead[o] = n;
    if (n) {
      v.zPrev[n - 1] = pr;
      this.mark(n - 1);
    }
    v.zNext[p] = 0;
    v.zPrev[p] = 0;
    v.zCount[o]--;
  }

  /** __rmqueue: 2^order pages, the first page's index, or -1 when no block is large enough. */
  alloc(order: number): number {
    if (order < 0 || order >= MAX_ORDER) return -1;
    const v = this.v;
    if (this.locking) lock(v.zLock, L_LOCK);
    let o = order;
    while (o < MAX_ORDER && v.zHead[o] === 0) o++;
    if (o === MAX_ORDER) {
      if (this.locking) unlock(v.zLock, L_LOCK);
      return -1;
    }
    const p = v.zHead[o] - 1;
    this.unlink(p, o);
    // expand(): split off the high halves, largest first.
    while (o > order) {
      o--;
      this.addHead(p + (1 << o), o);
    }
    v.zHeadOf[p] = USED_BLOCK | order;
    v.zLock[L_FREE] -= 1 << order;
    this.mark(p);
    if (this.locking) unlock(v.zLock, L_LOCK);
    return p;
  }

  /** The order of the allocated block starting at `page`, or -1 when none starts there. */
  usedOrder(page: number): number {
    if (!(page >= 0 && page < this.pages)) return -1;
    const h = this.v.zHeadOf[page];
    return h & USED_BLOCK ? h & ORDER_MASK : -1;
  }

  /** The order of the free block starting at `page`, or -1. */
  freeOrder(page: number): number {
    if (!(page >= 0 && page < this.pages)) return -1;
    const h = this.v.zHeadOf[page];
    return h & FREE_BLOCK ? h & ORDER_MASK : -1;
  }

  /** __free_one_page: give back the block of 2^order pages at `page` (the caller checked it is one). */
  free(page: number, order: number): void {
    const v = this.v;
    if (this.locking) lock(v.zLock, L_LOCK);
    v.zHeadOf[page] = 0;
    v.zLock[L_FREE] += 1 << order;
    this.mark(page);
    let p = page,
      o = order;
    while (o < MAX_ORDER - 1) {
      const b = p ^ (1 << o);
      if (b + (1 << o) > this.pages || v.zHeadOf[b] !== (FREE_BLOCK | o)) break;
      this.unlink(b, o);
      v.zHeadOf[b] = 0;
      this.mark(b);
      p = Math.min(p, b);
      o++;
    }
    this.addHead(p, o);
    if (this.locking) unlock(v.zLock, L_LOCK);
  }

  /**
   * The allocated block holding `page`, packed as first page * BLOCK_PACK + order (packedFirst,
   * packedOrder), or -1 when the page is in no allocated block. Blocks are aligned to their size,
   * so at most MAX_ORDER probes; packed so that a free path asks it without allocating.
   */
  usedBlockAt(page: number): number {
    if (!(page >= 0 && page < this.pages)) return -1;
    for (let o = 0; o < MAX_ORDER; o++) {
      const first = page - (page & ((1 << o) - 1));
      const h = this.v.zHeadOf[first];
      if (h & USED_BLOCK) return first + (1 << (h & ORDER_MASK)) > page ? first * BLOCK_PACK + (h & ORDER_MASK) : -1;
      if (h & FREE_BLOCK && first + (1 << (h & ORDER_MASK)) > page) return -1;
    }
    return -1;
  }

  /** Whether page `page` lies in a free block: the block's first page and order, else null. */
  freeBlockAt(page: number): { first: number; order: number } | null {
    for (let o = 0; o < MAX_ORDER; o++) {
      const first = page & ~((1 << o) - 1);
      if (this.freeOrder(first) === o) return { first, order: o };
    }
    return null;
  }

  /** Consistency (tests): lists, counts and heads agree; free blocks are aligned, inside, never adjacent buddies. */
  check(): string[] {
    const v = this.v;
    const errs: string[] = [];
    let free = 0;
    // Free blocks as (first page, order), sorted afterwards: overlaps show as neighbours. No array
    // per page, so a check costs the blocks, not the pages (pools of millions of pages).
    const starts: number[] = [];
    for (let o = 0; o < MAX_ORDER; o++) {
      let n = 0;
      let prev = 0;
      for (let q = v.zHead[o]; q; q = v.zNext[q - 1]) {
        const p = q - 1;
        if (v.zPrev[p] !== prev) errs.push(`order ${o}: block ${p} has prev ${v.zPrev[p] - 1}, expected ${prev - 1}`);
        if (v.zHeadOf[p] !== (FREE_BLOCK | o)) errs.push(`order ${o}: block ${p} is not marked free of that order`);
        if (p % (1 << o) !== 0 || p + (1 << o) > this.pages) errs.push(`order ${o}: block ${p} misaligned or outside`);
        starts.push(p * BLOCK_PACK + o);
        const b = p ^ (1 << o);
        if (o < MAX_ORDER - 1 && b + (1 << o) <= this.pages && v.zHeadOf[b] === (FREE_BLOCK | o))
          errs.push(`order ${o}: blocks ${p} and ${b} are free buddies, not merged`);
        free += 1 << o;
        n++;
        prev = q;
        if (n > this.pages) {
          errs.push(`order ${o}: the list loops`);
          break;
        }
      }
      if (n !== v.zCount[o]) errs.push(`order ${o}: ${n} blocks listed, count says ${v.zCount[o]}`);
    }
    starts.sort((x, y) => x - y);
    for (let i = 1; i < starts.length; i++) {
      const prevEnd = packedFirst(starts[i - 1]) + (1 << packedOrder(starts[i - 1])),
        p = packedFirst(starts[i]);
      if (p < prevEnd) errs.push(`page ${p} is in two free blocks`);
    }
    if (free !== v.zLock[L_FREE]) errs.push(`${free} pages in free blocks, the zone counts ${v.zLock[L_FREE]}`);
    return errs.slice(0, 20);
  }
}
