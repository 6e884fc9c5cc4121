/**
 * buddy: the Linux buddy page allocator on its own (mm/page_alloc.c, design/allocators.md 2.4), the
 * page source of every other kind, so that the bench and the app can compare it too.
 *
 * Model:
 * - alloc(cpu, bytes) takes 2^get_order(bytes) pages (as __get_free_pages(get_order(size)) would),
 *   free gives them back; allocPages/freePages serve page-level trace events (mm_page_alloc,
 *   mm_page_free) directly, the 2^order pages counting as requested bytes.
 * - Requests above 2^(MAX_ORDER-1) pages are TooLarge; a zone without a large enough block: NoSpace.
 * - The map: a used block's requested bytes are Used, the rest of the block Waste; free blocks Free.
 * - Our choice: a free must name the first byte of a live block with the requested size (WrongSize
 *   otherwise), and a page-level block is freed by freePages with its order only; anything else is
 *   UnknownPointer (the kernel's __free_pages trusts its caller). No per-CPU page lists (zone.ts).
 * - Every op touches the zone, which all CPUs share: each calls gate() first; the zone's spinlock
 *   guards it when several threads run (no per-CPU state, so no owner ordering is needed).
 * - Counters are per executing CPU and summed; heldBytes = pages handed out.
 *
 * Fields (planLayout; P = pages, N = cpus; perPage in brackets):
 *   counters  f64[N*8]  per executing CPU: [0] allocs [1] frees [2] requested [3] allocated [4] held
 *   failures  f64[N*8]  failed allocs per executing CPU ([cpu*8])
 *   zone fields (zone.ts)
 *   bReq      i32[P]    [1] at a live block's first page: the requested bytes, -1 for a page-level block
 * then the dirty-page buffer (core/dirty.ts). A fresh instance writes only the zone's initial blocks.
 */
import { AllocError, ChunkState, FreeError, FREE_OK } from '../../core/types';
import type {
  Allocator,
  BlockInfo,
  Capabilities,
  Concurrency,
  Counters,
  FreeSummary,
  Geometry,
} from '../../core/types';
import type { StateField } from '../../core/types';
import { field, planLayout, stateFields, viewsOf } from '../../core/layout';
import { allocatorBuffers, DirtyPages, SEGMENT_PAGES } from '../../core/dirty';
import { BuddyZone, MAX_ORDER, orderOf, zoneFields } from './zone';
import { buddyExplain } from './explain';
import { sumCpuCounters } from '../../core/cpu-counters';

export interface BuddyParams {
  pages: number;
  chunkBytes: number;
  pageBytes: number;
  cpus: number;
  baseAddress: number;
}

export const BUDDY_CAPABILITIES: Capabilities = {
  remoteFrees: false,
  mappedChunks: false,
  caches: false,
  contiguousRuns: true,
};

const CS = 8;
const C_ALLOCS = 0,
  C_FREES = 1,
  C_REQ = 2,
  C_ALLOC_B = 3,
  C_HELD = 4;
/** Where the buddy kind's per-CPU counters are. */
const SLOTS = { stride: CS, allocs: C_ALLOCS, frees: C_FREES, requested: C_REQ, allocated: C_ALLOC_B, held: C_HELD };
const PAGE_BLOCK = -1;

const planOf = (p: BuddyParams) =>
  planLayout({
    counters: field('f64', p.cpus * CS),
    failures: field('f64', p.cpus * CS),
    ...zoneFields(p.pages),
    bReq: field('i32', p.pages, 1),
  });

export class BuddyAllocator implements Allocator {
  readonly name = 'buddy';
  readonly label = 'buddy (page allocator)';
  readonly capabilities = BUDDY_CAPABILITIES;
  readonly concurrency: Concurrency = { crossFreeTouchesOwner: false, ownerOpsTouchingShared: 'none' };
  gate: () => void = () => {};
  onHeldChange: ((bytes: number) => void) | null = null;
  readonly cpus: number;
  readonly geometry: Geometry;
  readonly buffers: readonly ArrayBufferLike[];
  readonly fields: readonly StateField[];
  readonly dirty: DirtyPages;
  readonly zone: BuddyZone;
  private readonly P: number;
  private readonly pageBytes: number;
  private readonly base: number;
  private readonly cnt: Float64Array;
  private readonly fails: Float64Array;
  private readonly bReq: Int32Array;

  static bytesNeeded(p: BuddyParams): number {
    return planOf(p).byteLength + DirtyPages.bytesNeeded(p.pages);
  }

  constructor(p: BuddyParams, buffers?: readonly ArrayBufferLike[], init = true) {
    this.cpus = p.cpus;
    this.P = p.pages;
    this.pageBytes = p.pageBytes;
    this.base = p.baseAddress;
    this.geometry = { chunkBytes: p.chunkBytes, pageBytes: p.pageBytes, pages: p.pages, baseAddress: p.baseAddress };
    const plan = planOf(p);
    const b = allocatorBuffers(plan, p.pages, buffers, init);
    this.buffers = b.all;
    this.dirty = b.dirty;
    const v = viewsOf(plan, b.layout);
    this.fields = stateFields(plan, v);
    this.cnt = v.counters;
    this.fails = v.failures;
    this.bReq = v.bReq;
    this.zone = new BuddyZone(v, p.pages, b.dirty, p.cpus > 1);
    if (init) this.zone.init();
  }

  private mark(page: number): void {
    this.dirty.segGen[page >>> 6] = this.dirty.epoch[0];
  }

  private take(cpu: number, order: number, req: number, counted: number): number {
    this.gate();
    const p = this.zone.alloc(order);
    if (p < 0) {
      this.fails[cpu * CS]++;
      return AllocError.NoSpace;
    }
    this.bReq[p] = req;
    this.mark(p);
    const c = cpu * CS,
      bytes = this.pageBytes * 2 ** order;
    this.cnt[c + C_ALLOCS]++;
    this.cnt[c + C_REQ] += counted;
    this.cnt[c + C_ALLOC_B] += bytes;
    this.cnt[c + C_HELD] += bytes;
    this.onHeldChange?.(bytes);
    return this.base + p * this.pageBytes;
  }

  alloc(cpu: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return AllocError.BadCpu;
    if (!(bytes > 0 && Number.isSafeInteger(bytes))) {
      this.fails[cpu * CS]++;
      return AllocError.BadSize;
    }
    const order = orderOf(bytes, this.pageBytes);
    if (order >= MAX_ORDER) {
      this.fails[cpu * CS]++;
      return AllocError.TooLarge;
    }
    return this.take(cpu, order, bytes, bytes);
  }

  allocPages(cpu: number, order: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return AllocError.BadCpu;
    if (!(Number.isInteger(order) && order >= 0)) {
      this.fails[cpu * CS]++;
      return AllocError.BadSize;
    }
    if (order >= MAX_ORDER) {
      this.fails[cpu * CS]++;
      return AllocError.TooLarge;
    }
    return this.take(cpu, order, PAGE_BLOCK, this.pageBytes * 2 ** order);
  }

  /** The live block starting at `address`: [first page, order], or a FreeError code. */
  private liveBlock(address: number): number {
    const off = address - this.base;
    if (!(off >= 0 && off < this.P * this.pageBytes) || off % this.pageBytes !== 0) return FreeError.UnknownPointer;
    const p = off / this.pageBytes;
    return this.zone.usedOrder(p) < 0 ? FreeError.UnknownPointer : p;
  }

  private give(cpu: number, p: number, counted: number): number {
    const order = this.zone.usedOrder(p);
    this.gate();
    // Forget the block while it is still ours: once the zone has it back, another CPU may take it.
    this.bReq[p] = 0;
    this.mark(p);
    this.zone.free(p, order);
    const c = cpu * CS,
      bytes = this.pageBytes * 2 ** order;
    this.cnt[c + C_FREES]++;
    this.cnt[c + C_REQ] -= counted;
    this.cnt[c + C_ALLOC_B] -= bytes;
    this.cnt[c + C_HELD] -= bytes;
    this.onHeldChange?.(-bytes);
    return FREE_OK;
  }

  free(cpu: number, address: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return FreeError.BadCpu;
    const p = this.liveBlock(address);
    if (p < 0) return p;
    if (this.bReq[p] === PAGE_BLOCK) return FreeError.UnknownPointer;
    if (this.bReq[p] !== bytes) return FreeError.WrongSize;
    return this.give(cpu, p, bytes);
  }

  freePages(cpu: number, address: number, order: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return FreeError.BadCpu;
    const p = this.liveBlock(address);
    if (p < 0) return p;
    if (this.bReq[p] !== PAGE_BLOCK) return FreeError.UnknownPointer;
    if (this.zone.usedOrder(p) !== order) return FreeError.WrongSize;
    return this.give(cpu, p, this.pageBytes * 2 ** order);
  }

  map(): number {
    return FreeError.BadMapState;
  }
  unmap(): number {
    return FreeError.BadMapState;
  }

  /** Requested bytes of the live block at `first` (a page-level block: all of it). */
  private requestedAt(first: number, order: number): number {
    const r = this.bReq[first];
    return r === PAGE_BLOCK ? this.pageBytes * 2 ** order : r;
  }

  pageStates(firstPage: number, count: number, out: Uint8Array): void {
    const cpp = this.pageBytes / this.geometry.chunkBytes,
      chunk = this.geometry.chunkBytes;
    for (let p = firstPage; p < firstPage + count; p++) {
      const at = (p - firstPage) * cpp;
      const b = this.zone.usedBlockAt(p);
      if (b < 0) {
        out.fill(ChunkState.Free, at, at + cpp);
        continue;
      }
      const first = Math.floor(b / 16),
        order = b % 16;
      // Requested bytes left for this page, from its first byte.
      const left = this.requestedAt(first, order) - (p - first) * this.pageBytes;
      const used = Math.max(0, Math.min(cpp, Math.ceil(left / chunk)));
      out.fill(ChunkState.Used, at, at + used);
      out.fill(ChunkState.Waste, at + used, at + cpp);
    }
  }

  /** Every page starts free in the zone (one block per max-order run). */
  virginState(_page: number): number {
    return ChunkState.Free;
  }

  snapshot(out: Uint8Array): void {
    this.pageStates(0, this.P, out);
  }

  counters(): Counters {
    return sumCpuCounters(this.cnt, this.cpus, SLOTS, this.fails);
  }

  /** /proc/buddyinfo: free blocks of each order, 0 .. MAX_ORDER-1. */
  buddyinfo(): number[] {
    return Array.from({ length: MAX_ORDER }, (_, o) => this.zone.freeBlocks(o));
  }

  freeSummary(): FreeSummary {
    const bytes: number[] = [],
      counts: number[] = [];
    for (let o = 0; o < MAX_ORDER; o++) {
      const n = this.zone.freeBlocks(o);
      if (n === 0) continue;
      bytes.push(this.pageBytes * 2 ** o);
      counts.push(n);
    }
    return { bytes, counts };
  }

  largestFree(_cpu: number): number {
    for (let o = MAX_ORDER - 1; o >= 0; o--) if (this.zone.freeBlocks(o) > 0) return this.pageBytes * 2 ** o;
    return 0;
  }

  /**
   * A block of order o starts at a multiple of its size from the zone base, so when the base
   * itself is aligned asking max(bytes, align) aligns it; otherwise (our default base is only
   * page-aligned) a request past a page is padded like any other.
   */
  alignedBytes(bytes: number, align: number): number {
    if (align <= this.pageBytes || this.base % align === 0) return Math.max(bytes, align);
    return bytes + align - this.pageBytes;
  }

  handedOut(bytes: number): number {
    if (!(bytes > 0)) return 0;
    const o = orderOf(bytes, this.pageBytes);
    return o < MAX_ORDER ? this.pageBytes * 2 ** o : 0;
  }

  ownerOf(): number {
    return -1;
  }

  blockAt(address: number): BlockInfo | null {
    const off = address - this.base;
    if (!(off >= 0 && off < this.P * this.pageBytes)) return null;
    const p = Math.floor(off / this.pageBytes);
    const b = this.zone.usedBlockAt(p);
    if (b >= 0) {
      const first = Math.floor(b / 16),
        order = b % 16;
      return {
        kind: 'allocation',
        start: this.base + first * this.pageBytes,
        bytes: this.pageBytes * 2 ** order,
        requested: this.requestedAt(first, order),
        owner: -1,
        detail: [`order-${order} block (${2 ** order} pages)${this.bReq[first] === PAGE_BLOCK ? ', page-level' : ''}`],
      };
    }
    const f = this.zone.freeBlockAt(p);
    const first = f ? f.first : p,
      order = f ? f.order : 0;
    return {
      kind: 'free',
      start: this.base + first * this.pageBytes,
      bytes: this.pageBytes * 2 ** order,
      requested: 0,
      owner: -1,
      detail: [`free order-${order} block on the zone's free list`],
    };
  }

  /** The zone's own check, then every block: live blocks have requests that fit, counters equal a recount. */
  explainFailure(cpu: number, bytes: number) {
    return buddyExplain(this, cpu, bytes);
  }

  checkInvariants(): string[] {
    const bad = this.zone.check();
    let req = 0,
      used = 0,
      live = 0;
    for (let p = 0; p < this.P;) {
      const fo = this.zone.freeOrder(p);
      if (fo >= 0) {
        if (this.bReq[p] !== 0) bad.push(`page ${p}: a free block with a request recorded`);
        p += 2 ** fo;
        continue;
      }
      const uo = this.zone.usedOrder(p);
      if (uo < 0) {
        bad.push(`page ${p}: the first page of no block`);
        p = (Math.floor(p / SEGMENT_PAGES) + 1) * SEGMENT_PAGES;
        continue;
      }
      const r = this.bReq[p],
        size = this.pageBytes * 2 ** uo;
      if (r !== PAGE_BLOCK && (r <= 0 || r > size || orderOf(r, this.pageBytes) !== uo))
        bad.push(`page ${p}: ${r} bytes requested in an order-${uo} block`);
      req += this.requestedAt(p, uo);
      used += size;
      live++;
      p += 2 ** uo;
    }
    const n = this.counters();
    if (n.requestedBytes !== req) bad.push(`counter requestedBytes ${n.requestedBytes}, recount ${req}`);
    if (n.allocatedBytes !== used) bad.push(`counter allocatedBytes ${n.allocatedBytes}, recount ${used}`);
    if (n.heldBytes !== used) bad.push(`counter heldBytes ${n.heldBytes}, recount ${used}`);
    if (n.allocs - n.frees !== live) bad.push(`allocs - frees = ${n.allocs - n.frees}, live blocks ${live}`);
    if (this.zone.freePages * this.pageBytes + used !== this.P * this.pageBytes)
      bad.push(`${this.zone.freePages} free pages + ${used / this.pageBytes} used != ${this.P}`);
    return bad;
  }
}
