/**
 * The network tree allocator (NTA), Evgeniy Polyakov, 2006, modelled as in
 * docs/models.md section 1 and the posted patch (net/core/alloc/avl.c, PATCH2):
 *
 * - memory is cut into chunks of AVL_MIN_SIZE; a node (region) of 2^order pages
 *   has one bitmap of its chunks (1 = free);
 * - each CPU has FIFO free lists indexed by exact run length (list i = i+1 chunks);
 *   the container of a free run lives in its first chunk, so unlinking a
 *   neighbour on free is O(1) and freeing never allocates;
 * - avl_alloc: scan the calling CPU's lists upward from the request's size, take
 *   the list head, hand out its LOW chunks, append the high tail to the list for
 *   its size; if nothing fits, grow by `growPages` order-0 nodes and retry once;
 * - avl_free: a chunk owned by another CPU is pushed on the owner's remote-free
 *   LIFO (under the owner's spinlock); otherwise its bits are set free, the free
 *   runs just above and below (bit scans) are unlinked and merged into one run
 *   starting at the lowest address, appended to the list for its size;
 *   then, at the end of EVERY free, the calling CPU drains its own remote list;
 *   (parameter drainOnAlloc=1: also at the start of every allocation, as the seed proposed);
 * - zero-copy sniffer (seed, 18 Aug 2006): a mapped allocation's free is
 *   postponed until it is unmapped.
 * - pages come from a buddy zone of maxPages pages (buddy/zone.ts), the page source of every
 *   kind: the initial regions are reserved from it at start (the blog model and PATCH1 take their
 *   whole pool at boot, PATCH2 its 8 regions per CPU, and none ever gives a page back), growth takes
 *   order-0 pages from it (PATCH2 avl_node_entry_alloc(gfp, 0)), and page-level trace events
 *   (allocPages/freePages) are served by it directly. Held = the zone's pages not free.
 * Virtual pools: the initial regions are not written at start; each CPU's untouched regions
 * are the implied head of its full-region list, materialised one by one as allocations take
 * them (layout.ts, "Virtual"), so nothing is O(pages) but the buffers' (lazily zeroed) size.
 * What the kernel did not check (wrong size, unknown pointer, double free) the
 * model rejects with an error code and no change of state.
 * State layout: see ./layout.ts.
 */
import {
  AllocError,
  ChunkState,
  FREE_OK,
  FreeError,
  type Allocator,
  type BlockInfo,
  type Capabilities,
  type Concurrency,
  type Counters,
  type FreeSummary,
  type Geometry,
  type StateField,
} from '../../core/types';
import { stateFields, viewsOf, type Views } from '../../core/layout';
import { allocatorBuffers, DirtyPages, SEGMENT_SHIFT } from '../../core/dirty';
import { lock, unlock } from '../../core/lock';
import { clearBits, countSetDown, countSetUp, findSetFrom, setBits, testBit } from './bits';
import { ntaPageStates } from './page-states';
import { NTA_LABEL, ntaParams, type NtaParams } from './presets';
import { initialPages, initialRegionOwner, initialRegions } from './regions';
import {
  ntaLayout,
  type NtaLayout,
  MAGIC,
  META_MAGIC,
  PAGE_BLOCK,
  C_ALLOCS,
  C_FREES,
  C_FAILS,
  C_REQ,
  C_ALLOC,
  C_PUSHED,
  C_DRAINED,
  C_POSTPONED,
  C_SLOTS,
  listStride,
  U_STRIDE,
  SIZE_SHIFT,
  KIND_MASK,
  blockChunks,
  H_NONE,
  H_FREE,
  H_LIVE,
  H_PENDING,
  H_MAPPED,
  H_POSTPONED,
} from './layout';
import type { NtaLog } from './log';
import { checkNtaInvariants } from './invariants';
import { insertTail, unlink } from './lists';
import { ntaMap, ntaUnmap } from './mapping';
import { ntaCounters, ntaFreeSummary, ntaLargestFree, ntaRemoteTotals, writeInitialState } from './inspect';
import { ntaBlockAt } from './block-at';
import { BuddyZone, MAX_ORDER } from '../buddy/zone';
import { ntaExplain } from './explain';

export const NTA_CAPABILITIES: Capabilities = {
  remoteFrees: true,
  mappedChunks: true,
  caches: false,
  contiguousRuns: true,
};

export class NtaAllocator implements Allocator {
  readonly name = 'nta';
  readonly label: string;
  readonly cpus: number;
  readonly geometry: Geometry;
  readonly buffers: readonly ArrayBufferLike[];
  readonly fields: readonly StateField[];
  readonly dirty: DirtyPages;
  readonly capabilities = NTA_CAPABILITIES;
  /**
   * - crossFreeTouchesOwner: a free on a CPU other than the page's owner pushes the block onto
   *   the owner's remote-free list (under the owner's spinlock) and writes the block's head and
   *   chunk states;
   * - ownerOpsTouchingShared: the owner pops that list at the end of every free ('frees'), and
   *   with drainOnAlloc=1 at the start of every allocation too ('all').
   */
  readonly concurrency: Concurrency;
  /** Called before every zone operation (growth, page-level blocks): the zone is shared by all CPUs. */
  gate: () => void = () => {};
  onHeldChange: ((bytes: number) => void) | null = null;
  readonly params: NtaParams;
  /** Chunks per page, chunks of the largest node (= lists per CPU), words of nonEmpty per CPU. */
  readonly cpp: number;
  readonly lists: number;
  readonly listWords: number;
  /** Words per CPU in `nonEmpty` (listWords padded to cache lines). */
  readonly listStride: number;
  readonly v: Views<NtaLayout>;
  /** The page source: every page held was taken from it (layout.ts). */
  readonly zone: BuddyZone;
  /** log2 of chunks per page, and of chunks per dirty-page segment (chunk c is in segment c >>> segShift). */
  readonly cppShift: number;
  /** log2 of chunkBytes, chunkBytes - 1, 1 / chunkBytes (exact: a power of two), the largest request. */
  readonly chunkShift: number;
  private readonly chunkMask: number;
  private readonly perChunk: number;
  private readonly maxBytes: number;
  private readonly segShift: number;
  private readonly segGen: Int32Array;
  private readonly epoch: Int32Array;
  /** Pages per node, pages of the initial nodes, and the end of each CPU's initial regions (constants). */
  private readonly perNode: number;
  readonly initialPages: number;
  private readonly untouchedEnd: Int32Array;
  /** Optional debug log in the seed's format (set by the CLI's `example`); null on the hot path. */
  log: NtaLog | null = null;

  static bytesNeeded(p: NtaParams): number {
    const cpp = p.pageBytes / p.chunkBytes;
    const plan = ntaLayout({ cpus: p.cpus, maxPages: p.maxPages, chunksPerPage: cpp, lists: cpp << p.regionOrder });
    return plan.byteLength + DirtyPages.bytesNeeded(p.maxPages);
  }

  /** `buffers`: attach to (init false) or initialise (init true) another instance's buffers; default: fresh ones. */
  constructor(params: Partial<NtaParams> = {}, buffers?: readonly ArrayBufferLike[], init = true) {
    const p = ntaParams(params.preset ?? 'blog', params.cpus ?? 1, params);
    this.params = p;
    this.cpus = p.cpus;
    this.cpp = p.pageBytes / p.chunkBytes;
    this.lists = this.cpp << p.regionOrder;
    this.listWords = this.lists / 32;
    this.listStride = listStride(this.lists);
    this.label = `${NTA_LABEL} (${p.preset})`;
    this.geometry = { chunkBytes: p.chunkBytes, pageBytes: p.pageBytes, pages: p.maxPages, baseAddress: p.baseAddress };
    this.concurrency = { crossFreeTouchesOwner: true, ownerOpsTouchingShared: p.drainOnAlloc ? 'all' : 'frees' };
    const plan = ntaLayout({ cpus: p.cpus, maxPages: p.maxPages, chunksPerPage: this.cpp, lists: this.lists });
    const b = allocatorBuffers(plan, p.maxPages, buffers, init);
    this.buffers = b.all;
    this.dirty = b.dirty;
    this.segGen = b.dirty.segGen;
    this.epoch = b.dirty.epoch;
    this.cppShift = Math.log2(this.cpp);
    this.chunkShift = Math.log2(p.chunkBytes);
    this.chunkMask = p.chunkBytes - 1;
    this.perChunk = 1 / p.chunkBytes;
    this.maxBytes = this.lists * p.chunkBytes;
    this.segShift = this.cppShift + SEGMENT_SHIFT;
    this.v = viewsOf(plan, b.layout);
    this.fields = stateFields(plan, this.v);
    this.zone = new BuddyZone(this.v, p.maxPages, b.dirty, p.cpus > 1);
    this.perNode = 1 << p.regionOrder;
    this.initialPages = initialPages(p);
    this.untouchedEnd = Int32Array.from({ length: p.cpus }, (_, cpu) => {
      const r = initialRegions(p, cpu);
      return r.first + r.count;
    });
    if (init) this.initialise();
    else if (Atomics.load(this.v.meta, META_MAGIC) !== MAGIC)
      throw new Error('NTA: attached to a buffer that was never initialised');
  }

  /**
   * Take the initial nodes: in address order, each CPU's nodes enter its full-region list in
   * address order. They stay untouched (virtual) until allocated: only list counts are written.
   */
  private initialise(): void {
    writeInitialState(this);
  }

  /** avl_node_entry_commit for one node, not linked yet: owner and node of each page, all chunks free, one run. */
  private writeNode(cpu: number, firstPage: number, pages: number): number {
    const { v } = this;
    for (let i = 0; i < pages; i++) {
      v.pageNode[firstPage + i] = firstPage + 1;
      v.pageOwner[firstPage + i] = cpu + 1;
      this.segGen[(firstPage + i) >>> SEGMENT_SHIFT] = this.epoch[0];
    }
    v.nodePages[firstPage] = pages;
    const c = firstPage * this.cpp,
      n = pages * this.cpp;
    setBits(v.bitmap, c, n);
    v.block[c] = (n << SIZE_SHIFT) | H_FREE;
    return c;
  }

  /** A node appended to its CPU's lists (growth). */
  private addNode(cpu: number, firstPage: number, pages: number): void {
    insertTail(this, cpu, pages * this.cpp - 1, this.writeNode(cpu, firstPage, pages));
  }

  /** The head of `cpu`'s full-region list while untouched regions remain: write the next one; its first chunk. */
  private materialise(cpu: number): number {
    const r = this.v.untouched[cpu * U_STRIDE]++;
    return this.writeNode(cpu, r * this.perNode, this.perNode);
  }

  /** Is `page` in an initial region nobody has touched yet (a free run the state does not spell out)? */
  isUntouched(page: number): boolean {
    return page < this.initialPages && this.v.pageNode[page] === 0;
  }

  /** Dirty-page mark for chunk c's page (core/dirty.ts): after writing any per-page or per-chunk field there. */
  /** @internal for ./mapping.ts */
  mark(c: number): void {
    this.segGen[c >>> this.segShift] = this.epoch[0];
  }

  // ---- allocation -------------------------------------------------------------------

  alloc(cpu: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && Number.isInteger(cpu))) return AllocError.BadCpu;
    const cnt = this.v.counters;
    const base = cpu * C_SLOTS;
    if (!Number.isInteger(bytes) || bytes <= 0) {
      cnt[base + C_FAILS]++;
      return AllocError.BadSize;
    }
    if (bytes > this.maxBytes) {
      cnt[base + C_FAILS]++;
      return AllocError.TooLarge;
    }
    const n = (bytes + this.chunkMask) >>> this.chunkShift; // chunks: bytes < 2^22, shifts are exact
    if (this.params.drainOnAlloc) this.drain(cpu); // the seed's variant; the patches drain in free only
    let c = this.take(cpu, n, bytes);
    if (c < 0 && this.params.growPages > 0) {
      if (!this.grow(cpu)) {
        cnt[base + C_FAILS]++;
        return AllocError.GrowFailed;
      }
      c = this.take(cpu, n, bytes);
    }
    if (c < 0) {
      cnt[base + C_FAILS]++;
      return AllocError.NoSpace;
    }
    const { v } = this;
    const C = this.params.chunkBytes;
    // One word: kind and requested bytes (the length follows); take cleared c's list links.
    v.block[c] = (bytes << SIZE_SHIFT) | H_LIVE;
    this.mark(c); // a block never leaves its node, and a node never spans two segments
    cnt[base + C_ALLOCS]++;
    cnt[base + C_REQ] += bytes;
    cnt[base + C_ALLOC] += n * C;
    return this.params.baseAddress + c * C;
  }

  /** Lists n-1, n, ... of `cpu`: dequeue the first run found, hand out its low n chunks (avl_update_node). */
  private take(cpu: number, n: number, bytes: number): number {
    const { v } = this;
    const i = findSetFrom(v.nonEmpty, cpu * this.listStride, this.listWords, n - 1);
    if (i < 0) return -1;
    const k = cpu * this.lists + i;
    let c: number;
    if (i === this.lists - 1 && v.untouched[cpu * U_STRIDE] < this.untouchedEnd[cpu]) {
      c = this.materialise(cpu); // the list's implied head
    } else {
      c = v.listHead[k]; // unlink the head (see insertTail): the next run becomes the head as it is
      if (c === v.listTail[k]) v.listHead[k] = v.listTail[k] = -1;
      else v.listHead[k] = v.links[c & ~1];
      // As unlink does (lists.ts): a run off its list leaves no links behind. Before the
      // remainder's insertTail below, which may reuse this pair (c + 1 when c is even).
      v.links[c & ~1] = 0;
      v.links[c | 1] = 0;
    }
    if (--v.listCount[k] === 0) v.nonEmpty[cpu * this.listStride + (i >>> 5)] &= ~(1 << (i & 31));
    this.log?.updateNode(this, c, i, n, bytes);
    clearBits(v.bitmap, c, n);
    this.log?.fillBits(this, c, n);
    if (i + 1 > n) {
      const t = c + n;
      v.block[t] = ((i + 1 - n) << SIZE_SHIFT) | H_FREE;
      insertTail(this, cpu, i - n, t);
      this.log?.reuseContainer(this, t, i - n);
    }
    return c;
  }

  /**
   * PATCH2's cache growth (avl_node_entry_alloc(gfp, 0)): as many order-0 pages as the zone gives,
   * up to growPages, each a one-page node of this CPU appended to its lists in the order taken.
   * False when the zone had no page at all.
   */
  private grow(cpu: number): boolean {
    this.gate();
    let got = 0;
    for (; got < this.params.growPages; got++) {
      const pg = this.zone.alloc(0);
      if (pg < 0) break;
      this.addNode(cpu, pg, 1);
    }
    if (got > 0) this.onHeldChange?.(got * this.params.pageBytes);
    return got > 0;
  }

  // ---- page-level blocks (trace events mm_page_alloc / mm_page_free) ------------------------

  /** 2^order pages straight from the zone: requested and allocated while live, no node of NTA's. */
  allocPages(cpu: number, order: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && Number.isInteger(cpu))) return AllocError.BadCpu;
    const cnt = this.v.counters,
      base = cpu * C_SLOTS;
    if (!(Number.isInteger(order) && order >= 0)) {
      cnt[base + C_FAILS]++;
      return AllocError.BadSize;
    }
    if (order >= MAX_ORDER) {
      cnt[base + C_FAILS]++;
      return AllocError.TooLarge;
    }
    this.gate();
    const pg = this.zone.alloc(order);
    if (pg < 0) {
      cnt[base + C_FAILS]++;
      return AllocError.NoSpace;
    }
    this.v.nodePages[pg] = PAGE_BLOCK;
    this.segGen[pg >>> SEGMENT_SHIFT] = this.epoch[0];
    const bytes = this.params.pageBytes * 2 ** order;
    cnt[base + C_ALLOCS]++;
    cnt[base + C_REQ] += bytes;
    cnt[base + C_ALLOC] += bytes;
    this.onHeldChange?.(bytes);
    return this.params.baseAddress + pg * this.params.pageBytes;
  }

  /** The page-level block at `address` back to the zone (UnknownPointer for anything else, WrongSize for another order). */
  freePages(cpu: number, address: number, order: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && Number.isInteger(cpu))) return FreeError.BadCpu;
    const pg = (address - this.params.baseAddress) / this.params.pageBytes;
    if (!(pg >= 0 && pg < this.params.maxPages && Number.isInteger(pg))) return FreeError.UnknownPointer;
    const o = this.zone.usedOrder(pg);
    if (o < 0 || this.v.nodePages[pg] !== PAGE_BLOCK) return FreeError.UnknownPointer;
    if (o !== order) return FreeError.WrongSize;
    this.gate();
    // Forget the block while it is still ours: once the zone has it back, another CPU may take it.
    this.v.nodePages[pg] = 0;
    this.segGen[pg >>> SEGMENT_SHIFT] = this.epoch[0];
    this.zone.free(pg, o);
    const bytes = this.params.pageBytes * 2 ** o,
      cnt = this.v.counters,
      base = cpu * C_SLOTS;
    cnt[base + C_FREES]++;
    cnt[base + C_REQ] -= bytes;
    cnt[base + C_ALLOC] -= bytes;
    this.onHeldChange?.(-bytes);
    return FREE_OK;
  }

  // ---- free ---------------------------------------------------------------------------

  /** First chunk of the live block starting at `address`, or a negative FreeError. */
  /** @internal for ./mapping.ts */
  liveBlockAt(address: number): number {
    // A chunk index: in the pool and whole (the address is a chunk multiple); NaN fails too.
    const c = (address - this.params.baseAddress) * this.perChunk;
    if (!(c >= 0 && c < this.v.block.length) || (c | 0) !== c) return FreeError.UnknownPointer;
    // Only a block's first chunk holds a block kind (never-written pages hold 0).
    const h = this.v.block[c] & KIND_MASK;
    if (h === H_LIVE || h === H_MAPPED || h === H_PENDING || h === H_POSTPONED) return c;
    // An untouched region is free: freeing in it is a double free, as anywhere in a free run;
    // the middle of an allocation, or a page not taken, is unknown.
    const page = c >>> this.cppShift;
    if (this.v.pageNode[page] === 0) return this.isUntouched(page) ? FreeError.DoubleFree : FreeError.UnknownPointer;
    return testBit(this.v.bitmap, c) ? FreeError.DoubleFree : FreeError.UnknownPointer;
  }

  free(cpu: number, address: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && Number.isInteger(cpu))) return FreeError.BadCpu;
    const c = this.liveBlockAt(address);
    if (c < 0) return c;
    const { v } = this;
    const b = v.block[c],
      h = b & KIND_MASK;
    if (h === H_PENDING || h === H_POSTPONED) return FreeError.DoubleFree;
    if (bytes !== b >>> SIZE_SHIFT) return FreeError.WrongSize;
    const cnt = v.counters;
    const base = cpu * C_SLOTS;
    const blockBytes = ((bytes + this.chunkMask) >>> this.chunkShift) << this.chunkShift;
    cnt[base + C_FREES]++;
    cnt[base + C_REQ] -= bytes;
    cnt[base + C_ALLOC] -= blockBytes;
    if (h === H_MAPPED) {
      v.block[c] = (b & ~KIND_MASK) | H_POSTPONED;
      this.mark(c);
      cnt[base + C_POSTPONED] += blockBytes;
    } else {
      this.release(cpu, c);
    }
    this.drain(cpu);
    return FREE_OK;
  }

  /** __avl_free: push to the owner's remote list, or free locally. */
  /** @internal for ./mapping.ts */
  release(cpu: number, c: number): void {
    const { v } = this;
    const owner = v.pageOwner[c >>> this.cppShift] - 1;
    if (owner === cpu) {
      this.freeLocal(cpu, c);
      return;
    }
    const b = v.block[c];
    v.block[c] = (b & ~KIND_MASK) | H_PENDING;
    this.mark(c);
    v.counters[cpu * C_SLOTS + C_PUSHED] += blockChunks(b, this.chunkShift) << this.chunkShift;
    this.log?.queued(this, c, owner);
    lock(v.locks, owner);
    v.remote[c] = v.remoteHead[owner];
    Atomics.store(v.remoteHead, owner, c);
    unlock(v.locks, owner);
  }

  /**
   * End of avl_free: pop this CPU's remote-free list (LIFO) and free each entry locally. With one
   * CPU nothing is ever queued (every free is local), so there is nothing to look at.
   */
  /** @internal for ./mapping.ts */
  drain(cpu: number): void {
    if (this.cpus === 1) return;
    const { v } = this;
    while (Atomics.load(v.remoteHead, cpu) !== -1) {
      lock(v.locks, cpu);
      const c = v.remoteHead[cpu];
      v.remoteHead[cpu] = v.remote[c];
      // Off the list: clear the link (a checkpoint codes zeros in runs; noise it cannot).
      v.remote[c] = 0;
      unlock(v.locks, cpu);
      v.counters[cpu * C_SLOTS + C_DRAINED] += blockChunks(v.block[c], this.chunkShift) << this.chunkShift;
      this.freeLocal(cpu, c);
    }
  }

  /** __avl_free_local + avl_combine. "Left" in the seed's words is the HIGHER address. */
  private freeLocal(cpu: number, c: number): void {
    const { v } = this;
    const n = blockChunks(v.block[c], this.chunkShift);
    const node = v.pageNode[c >>> this.cppShift] - 1;
    const rs = node * this.cpp;
    const re = rs + v.nodePages[node] * this.cpp;
    this.log?.free(this, c, rs);
    setBits(v.bitmap, c, n);
    this.log?.fillBits(this, c, n);
    // c's own links and size are not cleared: it is the merged run's first chunk (and insertTail
    // writes them) or an inner chunk, whose `next` and `prev` mean nothing.
    v.block[c] = H_NONE;
    this.mark(c); // the merged run stays in this node: one segment
    const up = c + n;
    const lbits = up < re && (v.bitmap[up >>> 5] >>> (up & 31)) & 1 ? countSetUp(v.bitmap, up, re) : 0;
    const rbits = c > rs && (v.bitmap[(c - 1) >>> 5] >>> ((c - 1) & 31)) & 1 ? countSetDown(v.bitmap, c - 1, rs) : 0;
    if (lbits) this.log?.neighbour(this, 'left', up, lbits);
    if (rbits) this.log?.neighbour(this, 'right', c - rbits, rbits);
    let start = c,
      total = n;
    if (rbits) {
      start = c - rbits;
      unlink(this, cpu, rbits - 1, start);
      total += rbits;
    }
    if (lbits) {
      unlink(this, cpu, lbits - 1, up);
      v.block[up] = H_NONE;
      total += lbits;
    }
    v.block[start] = (total << SIZE_SHIFT) | H_FREE;
    insertTail(this, cpu, total - 1, start);
    this.log?.combine(this, {
      lp: lbits ? up : -1,
      lbits,
      rp: rbits ? c - rbits : -1,
      rbits,
      cur: c,
      bits: n,
      start,
      idx: total - 1,
    });
  }

  // ---- zero-copy mapping (./mapping.ts) ----------------------------------------------------

  map(cpu: number, address: number): number {
    return ntaMap(this, cpu, address);
  }

  unmap(cpu: number, address: number): number {
    return ntaUnmap(this, cpu, address);
  }

  // ---- inspection -------------------------------------------------------------------------

  /** Derived from the bitmap and the block heads (page-states.ts): NTA keeps no state byte per chunk. */
  pageStates(firstPage: number, count: number, out: Uint8Array): void {
    ntaPageStates(this, firstPage, count, out);
  }

  /** Initial pages are free (one free run per region), growth capacity is not taken. */
  virginState(page: number): number {
    return page < initialPages(this.params) ? ChunkState.Free : ChunkState.Unheld;
  }

  snapshot(out: Uint8Array): void {
    this.pageStates(0, this.params.maxPages, out);
  }

  counters(): Counters {
    return ntaCounters(this);
  }

  /** Runs of each length, summed over CPUs from the list counts (no walk). */
  freeSummary(): FreeSummary {
    return ntaFreeSummary(this);
  }

  ownerOf(address: number): number {
    const pg = Math.floor((address - this.params.baseAddress) / this.params.pageBytes);
    return pg >= 0 && pg < this.params.maxPages ? this.ownerOfPage(pg) : -1;
  }

  /** Owner CPU of a page, -1 when not taken (untouched regions: their CPU by the initial layout). */
  ownerOfPage(page: number): number {
    if (this.isUntouched(page)) return initialRegionOwner(this.params, page >> this.params.regionOrder);
    return this.v.pageOwner[page] - 1;
  }

  blockAt(address: number): BlockInfo | null {
    return ntaBlockAt(this, address);
  }

  explainFailure(cpu: number, bytes: number) {
    return ntaExplain(this, cpu, bytes);
  }

  checkInvariants(): string[] {
    return checkNtaInvariants(this);
  }

  /** /proc/buddyinfo of the zone under NTA: free blocks of each order. */
  buddyinfo(): number[] {
    return this.zone.buddyinfo();
  }

  /** Whole chunks; nothing beyond the largest region. */
  handedOut(bytes: number): number {
    const n = Math.ceil(bytes / this.params.chunkBytes);
    return bytes > 0 && n <= this.lists ? n * this.params.chunkBytes : 0;
  }

  /**
   * Blocks start on a chunk, so an aligned request is padded by align - chunk (glibc's memalign
   * over malloc pads the same way). When the padding would pass the largest node, a whole node
   * is asked instead: it starts on a page, so it is aligned to anything up to a page.
   */
  alignedBytes(bytes: number, align: number): number {
    const c = this.params.chunkBytes;
    const largest = this.lists * c;
    const padded = bytes + align - c;
    return padded > largest && bytes <= largest && align <= this.params.pageBytes ? largest : padded;
  }

  /** Bytes of the largest free run on `cpu`'s own lists: an allocation never takes another CPU's memory. */
  largestFree(cpu: number): number {
    return ntaLargestFree(this, cpu);
  }

  /** Drain `cpu`'s remote-free list now, as the end of a free on `cpu` would (runtime: the final quiescent drain). Call only on `cpu`'s thread. */
  drainRemote(cpu: number): number {
    const before = this.v.counters[cpu * C_SLOTS + C_DRAINED];
    this.drain(cpu);
    return this.v.counters[cpu * C_SLOTS + C_DRAINED] - before;
  }

  remoteTotals(cpu: number): { pushed: number; drained: number } {
    return ntaRemoteTotals(this, cpu);
  }
}
