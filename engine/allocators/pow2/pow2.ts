/**
 * pow2: the seed's "SLAB-like power-of-two allocator" (seed blog, 6 Aug 2006; docs/models.md section 2).
 *
 * Model (deterministic):
 * - Size classes chunkBytes * 2^k, k = 0..K-1, up to pageBytes (32, 64, ..., 4096 by default). A request
 *   takes the smallest class that fits. A held page is dedicated to one class and cut into
 *   pageBytes / classBytes equal objects ("slots"), so no object straddles pages.
 * - The pool's pages are split between CPUs in contiguous blocks (pagesOfCpu). A CPU allocates only
 *   from its own pages. Per CPU per class there is a doubly linked list of partial pages (held pages
 *   of that class with a free slot). alloc takes the LOWEST free slot of the head partial page (so
 *   pictures are reproducible); a page that becomes full leaves the list; a full page that gets a slot
 *   back is pushed on the head (LIFO, like SLUB: the page freed into most recently is used first).
 *   With no partial page, the CPU's lowest-indexed unheld page is dedicated to the class (becomes
 *   held). With none left: AllocError.NoSpace (a CPU never takes another CPU's pages).
 * - free may run on any CPU: the object returns to its own page, under the page OWNER's spinlock
 *   (alloc takes the calling CPU's lock, which is the owner's). A page whose last live object is freed
 *   is RELEASED at once (unheld, class cleared) and may later be dedicated to another class. The seed
 *   dedicates pages on demand and says nothing about giving them back; releasing empty pages is our
 *   choice (as SLUB returns empty slabs), otherwise a pool would freeze into its first classes.
 * - Free errors: address outside the pool, not a chunk multiple, on an unheld page, not on an object
 *   boundary of the page's class, or a slot never handed out since the page was dedicated:
 *   UnknownPointer. A slot that was handed out and freed since the page was dedicated: DoubleFree
 *   (handedBits remembers "handed out"; a pointer into a page released and re-dedicated since is Unknown).
 *   bytes differing from the requested bytes recorded at alloc: WrongSize.
 * - map/unmap: pow2 has no zero-copy support; both always return FreeError.BadMapState.
 * - Counters are per executing CPU (only the thread running an op writes its CPU's slots; a
 *   cross-CPU free lowers the freeing CPU's byte counters, possibly below 0) and summed by counters().
 *   `failures` counts failed allocs (BadSize, TooLarge, NoSpace) on a valid CPU; failed frees and
 *   BadCpu are not counted. Apart from that counter, a failed call leaves the buffer byte-identical.
 * - freeSummary(): what one allocation could get without taking a page from another CPU: every free
 *   slot of a held page is one block of its class size, and every unheld page is one block of
 *   pageBytes (it could be dedicated to any class). Counted from cpuSlots, kept at every op.
 * - largestFree(cpu): pageBytes when the CPU has an unheld page, else its largest class with a free slot.
 * - concurrency: a cross-CPU free writes the owner's page state and lists (crossFreeTouchesOwner);
 *   the owner's allocs and frees all touch them (ownerOpsTouchingShared 'all'); both under the
 *   owner's spinlock. Nothing is shared by all CPUs, so `gate` is never called.
 * - ownerOf(address): the CPU whose block holds the page (held or not); -1 outside the pool.
 * - blockAt(address): on a held page, the object slot (class-size-aligned within the page) holding
 *   the address: 'allocation' when live (requested = reqBytes at its first chunk), else 'free';
 *   bytes = the class size. On an unheld page: 'unheld', the whole page, owner = ownerOf. Null outside.
 *
 * State layout: see ./layout.ts.
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
  StateField,
} from '../../core/types';
import { stateFields, viewsOf } from '../../core/layout';
import { allocatorBuffers, DirtyPages, SEGMENT_SHIFT } from '../../core/dirty';
import { lock, pagesOfCpu, unlock } from '../../core/lock';
import { HeldTree } from './held-tree';
import { checkPow2Invariants } from './invariants';
import { pow2Explain } from './explain';
import { pow2PageStates } from './page-states';
import {
  CSTRIDE,
  C_ALLOCS,
  C_ALLOC_B,
  C_FREES,
  C_HELD,
  C_REQ,
  LSTRIDE,
  planOf,
  slotStride,
  type Pow2Plan,
  type Pow2State,
} from './layout';
import { POW2_LABEL, resolvePow2, type Pow2Params } from './params';

export const POW2_CAPABILITIES: Capabilities = {
  remoteFrees: false,
  mappedChunks: false,
  caches: false,
  contiguousRuns: false,
};

export class Pow2Allocator implements Allocator, Pow2State {
  readonly name = 'pow2';
  readonly label = POW2_LABEL;
  readonly capabilities = POW2_CAPABILITIES;
  readonly concurrency: Concurrency = { crossFreeTouchesOwner: true, ownerOpsTouchingShared: 'all' };
  /**
   * More than one CPU: ops may run on several threads, so a CPU's pages are locked. With one CPU
   * every op runs on CPU 0's one thread and the spinlock (two atomic writes per op) is skipped.
   */
  private readonly shared: boolean;
  /** Never called: pow2 has no state shared by all CPUs. */
  gate: () => void = () => {};
  onHeldChange: ((bytes: number) => void) | null = null;
  readonly params: Pow2Params;
  readonly cpus: number;
  readonly geometry: Geometry;
  readonly buffers: readonly ArrayBufferLike[];
  readonly fields: readonly StateField[];
  readonly dirty: DirtyPages;
  /** The layout (field placements), e.g. for tests. */
  readonly plan: Pow2Plan;
  // geometry constants (not state)
  // Read by pow2-invariants.ts; not part of the Allocator contract.
  readonly P: number;
  readonly C: number;
  readonly W: number;
  readonly K: number;
  readonly PSTRIDE: number;
  readonly SSTRIDE: number;
  /** The shape of each CPU's held-page tree, and each CPU's page count (constants). */
  readonly tree: HeldTree;
  private readonly cpuPages: Int32Array;
  readonly chunkBytes: number;
  readonly pageBytes: number;
  readonly base: number;
  private readonly poolBytes: number;
  // views of the buffers (all state)
  readonly locks: Int32Array;
  private readonly cnt: Float64Array;
  private readonly fails: Float64Array;
  readonly partialHead: Int32Array;
  readonly cpuSlots: Int32Array;
  readonly heldTree: Uint32Array;
  readonly pageClass: Uint8Array;
  readonly pageLive: Int32Array;
  readonly pageNext: Int32Array;
  readonly pagePrev: Int32Array;
  readonly freeBits: Uint32Array;
  readonly handedBits: Uint32Array;
  readonly reqBytes: Int32Array;
  private readonly segGen: Int32Array;
  private readonly epoch: Int32Array;

  static bytesNeeded(params: Partial<Pow2Params> = {}): number {
    const p = resolvePow2(params);
    return planOf(p).byteLength + DirtyPages.bytesNeeded(p.pages);
  }

  /** `buffers`: attach to (init false) or initialise (init true) another instance's buffers; default: fresh ones. */
  constructor(params: Partial<Pow2Params> = {}, buffers?: readonly ArrayBufferLike[], init = true) {
    const p = resolvePow2(params);
    this.params = p;
    this.cpus = p.cpus;
    this.shared = p.cpus > 1;
    this.plan = planOf(p);
    this.P = p.pages;
    this.C = p.pageBytes / p.chunkBytes;
    this.W = Math.ceil(this.C / 32);
    this.K = Math.log2(this.C) + 1;
    this.PSTRIDE = Math.max(this.K, LSTRIDE);
    this.SSTRIDE = slotStride(this.K);
    this.tree = new HeldTree(Math.ceil(p.pages / p.cpus));
    this.cpuPages = Int32Array.from({ length: p.cpus }, (_, c) => pagesOfCpu(p.pages, p.cpus, c).count);
    this.chunkBytes = p.chunkBytes;
    this.pageBytes = p.pageBytes;
    this.base = p.baseAddress;
    this.poolBytes = p.pages * p.pageBytes;
    this.geometry = { chunkBytes: p.chunkBytes, pageBytes: p.pageBytes, pages: p.pages, baseAddress: p.baseAddress };
    const b = allocatorBuffers(this.plan, p.pages, buffers, init);
    this.buffers = b.all;
    this.dirty = b.dirty;
    this.segGen = b.dirty.segGen;
    this.epoch = b.dirty.epoch;
    const v = viewsOf(this.plan, b.layout);
    this.fields = stateFields(this.plan, v);
    this.locks = v.locks;
    this.cnt = v.counters;
    this.fails = v.failures;
    this.partialHead = v.partialHead;
    this.cpuSlots = v.cpuSlots;
    this.heldTree = v.heldTree;
    this.pageClass = v.pageClass;
    this.pageLive = v.pageLive;
    this.pageNext = v.pageNext;
    this.pagePrev = v.pagePrev;
    this.freeBits = v.freeBits;
    this.handedBits = v.handedBits;
    this.reqBytes = v.reqBytes;
    if (init) this.partialHead.fill(-1); // global; every page-major field starts at 0
  }

  /** Owner CPU of page `page` (0 <= page < P): inverse of pagesOfCpu. */
  ownerOfPage(page: number): number {
    const b = Math.floor(this.P / this.cpus),
      extra = this.P % this.cpus,
      big = extra * (b + 1);
    return page < big ? Math.floor(page / (b + 1)) : extra + Math.floor((page - big) / b);
  }

  firstPageOf(cpu: number): number {
    const b = Math.floor(this.P / this.cpus);
    return cpu * b + Math.min(cpu, this.P % this.cpus);
  }

  alloc(cpu: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return AllocError.BadCpu;
    if (!(bytes > 0 && bytes <= this.pageBytes && Math.floor(bytes) === bytes)) {
      this.fails[cpu * CSTRIDE]++;
      return Number.isInteger(bytes) && bytes > this.pageBytes ? AllocError.TooLarge : AllocError.BadSize;
    }
    const n = Math.ceil(bytes / this.chunkBytes); // chunks requested
    const k = n <= 1 ? 0 : 32 - Math.clz32(n - 1); // class index
    const objChunks = 1 << k,
      slots = this.C >>> k,
      W = this.W;
    const locks = this.locks,
      ph = this.partialHead,
      hx = cpu * this.PSTRIDE + k,
      sx = cpu * this.SSTRIDE;
    if (this.shared) lock(locks, cpu * LSTRIDE);
    let page = ph[hx];
    if (page < 0) {
      page = this.takeUnheld(cpu);
      if (page < 0) {
        if (this.shared) unlock(locks, cpu * LSTRIDE);
        this.fails[cpu * CSTRIDE]++;
        return AllocError.NoSpace;
      }
      this.pageClass[page] = k + 1;
      for (let w = 0, left = slots; w < W; w++, left -= 32) {
        this.freeBits[page * W + w] = left >= 32 ? 0xffffffff : left > 0 ? (1 << left) - 1 : 0;
      }
      ph[hx] = page; // list was empty
      this.cpuSlots[sx + k] += slots;
      this.cpuSlots[sx + this.K]++;
      this.cnt[cpu * CSTRIDE + C_HELD] += this.pageBytes;
      this.onHeldChange?.(this.pageBytes);
    }
    // lowest free slot of the head page
    const fb = this.freeBits,
      fw = page * W;
    let w = 0;
    while (fb[fw + w] === 0) w++;
    const x = fb[fw + w];
    const bit = 31 - Math.clz32(x & -x);
    fb[fw + w] = x & ~(1 << bit);
    this.handedBits[fw + w] |= 1 << bit;
    const slot = (w << 5) + bit;
    this.cpuSlots[sx + k]--;
    if (++this.pageLive[page] === slots) {
      // full: leave the partial list (it is the head)
      const nx = this.pageNext[page] - 1;
      ph[hx] = nx;
      if (nx >= 0) {
        this.pagePrev[nx] = 0;
        this.segGen[nx >>> SEGMENT_SHIFT] = this.epoch[0];
      }
      this.pageNext[page] = 0;
    }
    const c0 = page * this.C + slot * objChunks;
    this.reqBytes[c0] = bytes;
    this.segGen[page >>> SEGMENT_SHIFT] = this.epoch[0];
    if (this.shared) unlock(locks, cpu * LSTRIDE);
    const cb = cpu * CSTRIDE,
      cnt = this.cnt;
    cnt[cb + C_ALLOCS]++;
    cnt[cb + C_REQ] += bytes;
    cnt[cb + C_ALLOC_B] += objChunks * this.chunkBytes;
    return this.base + c0 * this.chunkBytes;
  }

  /** Lowest unheld page of `cpu` (marked held), or -1. Caller holds the CPU's lock. */
  private takeUnheld(cpu: number): number {
    const base = cpu * this.tree.stride;
    const i = this.tree.lowestUnheld(this.heldTree, base, this.cpuPages[cpu]);
    if (i < 0) return -1; // a failed alloc writes nothing but its failure counter
    this.tree.set(this.heldTree, base, i);
    return this.firstPageOf(cpu) + i;
  }

  free(cpu: number, address: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return FreeError.BadCpu;
    const off = address - this.base;
    if (!(off >= 0 && off < this.poolBytes) || off % this.chunkBytes !== 0) return FreeError.UnknownPointer;
    const page = Math.floor(off / this.pageBytes);
    const owner = this.ownerOfPage(page),
      locks = this.locks;
    if (this.shared) lock(locks, owner * LSTRIDE);
    const cls = this.pageClass[page];
    const k = cls - 1,
      objChunks = 1 << k;
    const c0 = off / this.chunkBytes; // chunk index (< 2^31: the per-chunk fields fit one buffer)
    const inPage = c0 - page * this.C,
      slot = inPage >>> k,
      sw = page * this.W + (slot >>> 5),
      sbit = 1 << (slot & 31);
    // Live: handed out and not free; handed out and free again: a double free; never handed out: unknown.
    if (cls === 0 || (inPage & (objChunks - 1)) !== 0 || (this.handedBits[sw] & sbit) === 0) {
      if (this.shared) unlock(locks, owner * LSTRIDE);
      return FreeError.UnknownPointer;
    }
    if ((this.freeBits[sw] & sbit) !== 0) {
      if (this.shared) unlock(locks, owner * LSTRIDE);
      return FreeError.DoubleFree;
    }
    if (this.reqBytes[c0] !== bytes) {
      if (this.shared) unlock(locks, owner * LSTRIDE);
      return FreeError.WrongSize;
    }
    this.reqBytes[c0] = 0;
    const slots = this.C >>> k,
      sx = owner * this.SSTRIDE;
    this.freeBits[sw] |= sbit;
    this.cpuSlots[sx + k]++;
    const live = --this.pageLive[page];
    const cb = cpu * CSTRIDE,
      cnt = this.cnt;
    if (live === 0) {
      if (slots > 1) this.unlinkPartial(owner, k, page); // it was partial (not full, not empty)
      this.release(owner, page);
      this.cpuSlots[sx + k] -= slots;
      this.cpuSlots[sx + this.K]--;
      cnt[cb + C_HELD] -= this.pageBytes;
      this.onHeldChange?.(-this.pageBytes);
    } else if (live === slots - 1) {
      // was full: push on the head of the partial list
      const hx = owner * this.PSTRIDE + k,
        head = this.partialHead[hx];
      this.pageNext[page] = head + 1;
      this.pagePrev[page] = 0;
      if (head >= 0) {
        this.pagePrev[head] = page + 1;
        this.segGen[head >>> SEGMENT_SHIFT] = this.epoch[0];
      }
      this.partialHead[hx] = page;
    }
    this.segGen[page >>> SEGMENT_SHIFT] = this.epoch[0];
    if (this.shared) unlock(locks, owner * LSTRIDE);
    cnt[cb + C_FREES]++;
    cnt[cb + C_REQ] -= bytes;
    cnt[cb + C_ALLOC_B] -= objChunks * this.chunkBytes;
    return FREE_OK;
  }

  private unlinkPartial(owner: number, k: number, page: number): void {
    const nx = this.pageNext[page] - 1,
      pv = this.pagePrev[page] - 1;
    if (pv >= 0) {
      this.pageNext[pv] = nx + 1;
      this.segGen[pv >>> SEGMENT_SHIFT] = this.epoch[0];
    } else this.partialHead[owner * this.PSTRIDE + k] = nx;
    if (nx >= 0) {
      this.pagePrev[nx] = pv + 1;
      this.segGen[nx >>> SEGMENT_SHIFT] = this.epoch[0];
    }
    this.pageNext[page] = 0;
    this.pagePrev[page] = 0;
  }

  /** Give an empty held page back to its owner's unheld set. Caller holds the owner's lock. */
  private release(owner: number, page: number): void {
    const W = this.W;
    this.pageClass[page] = 0;
    for (let w = 0; w < W; w++) this.freeBits[page * W + w] = this.handedBits[page * W + w] = 0;
    this.tree.clear(this.heldTree, owner * this.tree.stride, page - this.firstPageOf(owner));
  }

  map(_cpu: number, _address: number): number {
    return FreeError.BadMapState;
  }
  unmap(_cpu: number, _address: number): number {
    return FreeError.BadMapState;
  }

  pageStates(firstPage: number, count: number, out: Uint8Array): void {
    pow2PageStates(this, firstPage, count, out);
  }

  /** A page is dedicated to a class only when an allocation takes it. */
  virginState(_page: number): number {
    return ChunkState.Unheld;
  }

  snapshot(out: Uint8Array): void {
    this.pageStates(0, this.P, out);
  }

  counters(): Counters {
    const r: Counters = {
      allocs: 0,
      frees: 0,
      failures: 0,
      requestedBytes: 0,
      allocatedBytes: 0,
      heldBytes: 0,
      pendingBytes: 0,
      postponedBytes: 0,
    };
    for (let c = 0; c < this.cpus; c++) {
      const b = c * CSTRIDE;
      r.allocs += this.cnt[b + C_ALLOCS];
      r.frees += this.cnt[b + C_FREES];
      r.failures += this.fails[c * CSTRIDE];
      r.requestedBytes += this.cnt[b + C_REQ];
      r.allocatedBytes += this.cnt[b + C_ALLOC_B];
      r.heldBytes += this.cnt[b + C_HELD];
    }
    return r;
  }

  /** Free slots per class and unheld pages, summed over owners from cpuSlots (no scan). */
  freeSummary(): FreeSummary {
    const count = new Float64Array(this.K);
    let held = 0;
    for (let c = 0; c < this.cpus; c++) {
      const sx = c * this.SSTRIDE;
      for (let k = 0; k < this.K; k++) count[k] += this.cpuSlots[sx + k];
      held += this.cpuSlots[sx + this.K];
    }
    count[this.K - 1] += this.P - held; // an unheld page is one block of pageBytes
    const bytes: number[] = [],
      counts: number[] = [];
    for (let k = 0; k < this.K; k++) {
      if (count[k] === 0) continue;
      bytes.push(this.chunkBytes * 2 ** k);
      counts.push(count[k]);
    }
    return { bytes, counts };
  }

  /** A whole page while `cpu` has an unheld page, else its largest class with a free slot. */
  /** The smallest class that fits; nothing above a page. */
  /**
   * An object of class c starts at a multiple of c within a page-aligned page, so an aligned
   * request asks for the class of max(bytes, align); past a page it is padded like any other.
   */
  alignedBytes(bytes: number, align: number): number {
    return align <= this.pageBytes ? Math.max(bytes, align) : bytes + align - this.pageBytes;
  }

  handedOut(bytes: number): number {
    if (!(bytes > 0 && bytes <= this.pageBytes)) return 0;
    let cls = this.params.chunkBytes;
    while (cls < bytes) cls *= 2;
    return cls;
  }

  largestFree(cpu: number): number {
    const sx = cpu * this.SSTRIDE;
    if (this.cpuSlots[sx + this.K] < this.cpuPages[cpu]) return this.pageBytes;
    for (let k = this.K - 1; k >= 0; k--) if (this.cpuSlots[sx + k] > 0) return this.chunkBytes * 2 ** k;
    return 0;
  }

  ownerOf(address: number): number {
    const off = address - this.base;
    return off >= 0 && off < this.poolBytes ? this.ownerOfPage(Math.floor(off / this.pageBytes)) : -1;
  }

  blockAt(address: number): BlockInfo | null {
    const off = address - this.base;
    if (!(off >= 0 && off < this.poolBytes)) return null;
    const page = Math.floor(off / this.pageBytes),
      owner = this.ownerOfPage(page),
      pageStart = page * this.pageBytes;
    const cls = this.pageClass[page];
    if (cls === 0) return { kind: 'unheld', start: this.base + pageStart, bytes: this.pageBytes, requested: 0, owner };
    const size = this.chunkBytes * 2 ** (cls - 1);
    const slotStart = pageStart + Math.floor((off - pageStart) / size) * size;
    const c0 = slotStart / this.chunkBytes;
    const slot = (c0 - page * this.C) / (size / this.chunkBytes);
    const live = ((this.freeBits[page * this.W + (slot >>> 5)] >>> (slot & 31)) & 1) === 0;
    return {
      kind: live ? 'allocation' : 'free',
      start: this.base + slotStart,
      bytes: size,
      requested: live ? this.reqBytes[c0] : 0,
      owner,
    };
  }

  explainFailure(cpu: number, bytes: number) {
    return pow2Explain(this, cpu, bytes);
  }

  checkInvariants(): string[] {
    return checkPow2Invariants(this);
  }
}
