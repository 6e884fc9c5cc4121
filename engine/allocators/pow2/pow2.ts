/**
 * pow2: the seed's "SLAB-like power-of-two allocator" (seed blog, 6 Aug 2006; docs/models.md section 2).
 *
 * Model (deterministic):
 * - Size classes chunkBytes * 2^k up to maxClassBytes (32, 64, ..., 131072 by default). A request
 *   takes the smallest class that fits; larger requests are TooLarge. A class up to a page has
 *   slabs of one page cut into pageBytes / classBytes equal slots ("slots"), so no object straddles
 *   pages; a class above a page has slabs of one block of its size (2^order pages), one object each,
 *   as 2.6.18 SLAB gave its size-8192 .. size-131072 caches higher-order slabs (mm/slab.c
 *   cache_grow -> kmem_getpages: alloc_pages_node(nodeid, flags, cachep->gfporder)).
 * - One page source for every kind: each slab is taken from the buddy zone (zone.alloc(order),
 *   after gate(): the zone is shared by all CPUs), and a slab whose last object is freed goes back
 *   to it at once (our choice, as SLUB gives empty slabs back; the seed says nothing of giving
 *   pages back, and a pool that never did would freeze into its first classes). So a CPU gets
 *   whatever page the zone gives; the slab's owner is the CPU that took it (pageOwner). This
 *   replaced per-CPU contiguous blocks of pages (pagesOfCpu) so that "held" means pages taken from
 *   the zone, as for every kind.
 * - Per CPU per class there is a doubly linked list of partial slabs (the CPU's slabs of that class
 *   with a free slot). alloc takes the LOWEST free slot of the head partial slab (so pictures are
 *   reproducible); a slab that becomes full leaves the list; a full slab that gets a slot back is
 *   pushed on the head (LIFO, like SLUB: the slab freed into most recently is used first). With no
 *   partial slab a new one is taken from the zone; with none there: AllocError.NoSpace.
 * - free may run on any CPU: the object returns to its own slab, under the slab OWNER's spinlock
 *   (alloc takes the calling CPU's lock, which is the owner's of the slabs it allocates from).
 * - Free errors: address outside the pool, not a chunk multiple, on no slab's first page, not on an
 *   object boundary of the slab's class, or a slot never handed out since the slab was taken:
 *   UnknownPointer. A slot that was handed out and freed since the slab was taken: DoubleFree
 *   (handedBits remembers "handed out"; a pointer into a slab given back and taken again since is
 *   Unknown). bytes differing from the requested bytes recorded at alloc: WrongSize.
 * - allocPages/freePages (page-level trace events) are served by the zone directly: 2^order pages,
 *   requested, allocated and held while live, freed by freePages with their order only.
 * - map/unmap: pow2 has no zero-copy support; both always return FreeError.BadMapState.
 * - Counters are per executing CPU (only the thread running an op writes its CPU's slots; a
 *   cross-CPU free lowers the freeing CPU's byte counters, possibly below 0) and summed by counters().
 *   `failures` counts failed allocs (BadSize, TooLarge, NoSpace) on a valid CPU; failed frees and
 *   BadCpu are not counted. Apart from that counter, a failed call leaves the buffer byte-identical.
 * - concurrency: a cross-CPU free writes the owner's slab state and lists (crossFreeTouchesOwner);
 *   the owner's allocs and frees all touch them (ownerOpsTouchingShared 'all'); both under the
 *   owner's spinlock; the zone, shared by all, behind gate() and the zone's lock (taken inside a
 *   CPU's lock, never the other way round).
 * - freeSummary, largestFree, ownerOf, blockAt: inspect.ts.
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
import { lock, unlock } from '../../core/lock';
import { BuddyZone, MAX_ORDER } from '../buddy/zone';
import { checkPow2Invariants } from './invariants';
import { pow2Explain } from './explain';
import { pow2PageStates } from './page-states';
import { pow2BlockAt, pow2FreeSummary, pow2LargestFree, pow2OwnerOfPage } from './inspect';
import {
  CSTRIDE,
  C_ALLOCS,
  C_ALLOC_B,
  C_FREES,
  C_HELD,
  C_REQ,
  LSTRIDE,
  PAGE_BLOCK,
  classCount,
  classStride,
  planOf,
  type Pow2Plan,
  type Pow2State,
} from './layout';
import { POW2_LABEL, resolvePow2, type Pow2Params } from './params';
import { sumCpuCounters } from '../../core/cpu-counters';

/** Where pow2's per-CPU counters are (layout.ts). */
const SLOTS = {
  stride: CSTRIDE,
  allocs: C_ALLOCS,
  frees: C_FREES,
  requested: C_REQ,
  allocated: C_ALLOC_B,
  held: C_HELD,
};

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
   * More than one CPU: ops may run on several threads, so a CPU's slabs and the zone are locked.
   * With one CPU every op runs on CPU 0's one thread and the spinlocks are skipped.
   */
  private readonly shared: boolean;
  /** Called before every zone operation: the zone is shared by all CPUs. */
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
  // geometry constants (not state), read by invariants.ts, page-states.ts and inspect.ts
  readonly P: number;
  readonly C: number;
  readonly logC: number;
  readonly W: number;
  readonly K: number;
  readonly S: number;
  readonly chunkBytes: number;
  readonly pageBytes: number;
  readonly base: number;
  private readonly poolBytes: number;
  /** The page source: every slab was taken from it (layout.ts). */
  readonly zone: BuddyZone;
  // views of the buffers (all state)
  readonly locks: Int32Array;
  private readonly cnt: Float64Array;
  private readonly fails: Float64Array;
  readonly partialHead: Int32Array;
  readonly cpuSlots: Int32Array;
  readonly pageClass: Uint8Array;
  readonly pageOwner: Uint8Array;
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
    this.logC = Math.log2(this.C);
    this.W = Math.ceil(this.C / 32);
    this.K = classCount(p);
    this.S = classStride(this.K);
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
    this.zone = new BuddyZone(v, p.pages, b.dirty, this.shared);
    this.locks = v.locks;
    this.cnt = v.counters;
    this.fails = v.failures;
    this.partialHead = v.partialHead;
    this.cpuSlots = v.cpuSlots;
    this.pageClass = v.pageClass;
    this.pageOwner = v.pageOwner;
    this.pageLive = v.pageLive;
    this.pageNext = v.pageNext;
    this.pagePrev = v.pagePrev;
    this.freeBits = v.freeBits;
    this.handedBits = v.handedBits;
    this.reqBytes = v.reqBytes;
    if (init) {
      this.partialHead.fill(-1); // global; every page-major field of pow2's own starts at 0
      this.zone.init();
    }
  }

  /** Slab order of class k: 0 up to a page, else the block of the class's size. */
  private orderOf(k: number): number {
    return k > this.logC ? k - this.logC : 0;
  }

  alloc(cpu: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return AllocError.BadCpu;
    if (!(bytes > 0 && bytes <= this.params.maxClassBytes && Math.floor(bytes) === bytes)) {
      this.fails[cpu * CSTRIDE]++;
      return Number.isInteger(bytes) && bytes > 0 ? AllocError.TooLarge : AllocError.BadSize;
    }
    const n = Math.ceil(bytes / this.chunkBytes); // chunks requested
    const k = n <= 1 ? 0 : 32 - Math.clz32(n - 1); // class index
    const objChunks = 1 << k, // k <= 30: maxClassBytes <= 2^30
      slots = k > this.logC ? 1 : this.C >>> k,
      W = this.W;
    const locks = this.locks,
      ph = this.partialHead,
      hx = cpu * this.S + k;
    if (this.shared) lock(locks, cpu * LSTRIDE);
    let page = ph[hx];
    if (page < 0) {
      page = this.takeSlab(cpu, k, slots);
      if (page < 0) {
        if (this.shared) unlock(locks, cpu * LSTRIDE);
        this.fails[cpu * CSTRIDE]++;
        return AllocError.NoSpace;
      }
      ph[hx] = page; // list was empty
    }
    // lowest free slot of the head slab
    const fb = this.freeBits,
      fw = page * W;
    let w = 0;
    while (fb[fw + w] === 0) w++;
    const x = fb[fw + w];
    const bit = 31 - Math.clz32(x & -x);
    fb[fw + w] = x & ~(1 << bit);
    this.handedBits[fw + w] |= 1 << bit;
    const slot = (w << 5) + bit;
    this.cpuSlots[cpu * this.S + k]--;
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

  /**
   * A new slab of class k for `cpu` from the zone, all slots free, or -1 when the zone has no
   * block of its order (a failed alloc writes nothing but its failure counter). Caller holds the
   * CPU's lock: in lockstep every earlier op touching this CPU's slabs has run, so waiting in
   * gate() cannot wait for an op that needs this lock.
   */
  private takeSlab(cpu: number, k: number, slots: number): number {
    const order = this.orderOf(k);
    this.gate();
    const page = this.zone.alloc(order);
    if (page < 0) return -1;
    this.pageClass[page] = k + 1;
    this.pageOwner[page] = cpu + 1;
    for (let w = 0, left = slots; w < this.W; w++, left -= 32) {
      this.freeBits[page * this.W + w] = left >= 32 ? 0xffffffff : left > 0 ? (1 << left) - 1 : 0;
    }
    this.segGen[page >>> SEGMENT_SHIFT] = this.epoch[0];
    this.cpuSlots[cpu * this.S + k] += slots;
    const bytes = this.pageBytes * 2 ** order;
    this.cnt[cpu * CSTRIDE + C_HELD] += bytes;
    this.onHeldChange?.(bytes);
    return page;
  }

  /** Lock the owner of the slab at `page` (read before locking, checked after), or -1 when no slab starts there. */
  private lockOwner(page: number): number {
    for (;;) {
      const owner = this.pageOwner[page] - 1;
      if (owner < 0 || !this.shared) return owner;
      lock(this.locks, owner * LSTRIDE);
      // A live object pins its slab, so only a free of no live object can see the slab change hands here.
      if (this.pageOwner[page] - 1 === owner) return owner;
      unlock(this.locks, owner * LSTRIDE);
    }
  }

  free(cpu: number, address: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return FreeError.BadCpu;
    const off = address - this.base;
    if (!(off >= 0 && off < this.poolBytes) || off % this.chunkBytes !== 0) return FreeError.UnknownPointer;
    const page = Math.floor(off / this.pageBytes);
    const owner = this.lockOwner(page);
    if (owner < 0) return FreeError.UnknownPointer; // no slab starts on this page
    const locks = this.locks;
    const k = this.pageClass[page] - 1,
      objChunks = 1 << k;
    const c0 = off / this.chunkBytes; // chunk index (< 2^31: the per-chunk fields fit one buffer)
    const inPage = c0 - page * this.C, // < C; a class above a page has its one object at 0
      slot = inPage >>> k,
      sw = page * this.W + (slot >>> 5),
      sbit = 1 << (slot & 31);
    // Live: handed out and not free; handed out and free again: a double free; never handed out: unknown.
    if ((inPage & (objChunks - 1)) !== 0 || (this.handedBits[sw] & sbit) === 0) {
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
    const slots = k > this.logC ? 1 : this.C >>> k,
      sx = owner * this.S;
    this.freeBits[sw] |= sbit;
    this.cpuSlots[sx + k]++;
    const live = --this.pageLive[page];
    if (live === 0) {
      if (slots > 1) this.unlinkPartial(owner, k, page); // it was partial (not full, not empty)
      this.cpuSlots[sx + k] -= slots;
      this.release(cpu, page, this.orderOf(k));
    } else if (live === slots - 1) {
      // was full: push on the head of the partial list
      const hx = owner * this.S + k,
        head = this.partialHead[hx];
      this.pageNext[page] = head + 1;
      this.pagePrev[page] = 0;
      if (head >= 0) {
        this.pagePrev[head] = page + 1;
        this.segGen[head >>> SEGMENT_SHIFT] = this.epoch[0];
      }
      this.partialHead[hx] = page;
      this.segGen[page >>> SEGMENT_SHIFT] = this.epoch[0];
    } else this.segGen[page >>> SEGMENT_SHIFT] = this.epoch[0];
    if (this.shared) unlock(locks, owner * LSTRIDE);
    const cb = cpu * CSTRIDE,
      cnt = this.cnt;
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
    } else this.partialHead[owner * this.S + k] = nx;
    if (nx >= 0) {
      this.pagePrev[nx] = pv + 1;
      this.segGen[nx >>> SEGMENT_SHIFT] = this.epoch[0];
    }
    this.pageNext[page] = 0;
    this.pagePrev[page] = 0;
  }

  /**
   * An empty slab back to the zone, on the freeing CPU (its held counter). Caller holds the owner's
   * lock. The slab is forgotten first: once the zone has it back, another CPU may take it.
   */
  private release(cpu: number, page: number, order: number): void {
    const W = this.W;
    this.pageClass[page] = 0;
    this.pageOwner[page] = 0;
    for (let w = 0; w < W; w++) this.freeBits[page * W + w] = this.handedBits[page * W + w] = 0;
    this.segGen[page >>> SEGMENT_SHIFT] = this.epoch[0];
    this.gate();
    this.zone.free(page, order);
    const bytes = this.pageBytes * 2 ** order;
    this.cnt[cpu * CSTRIDE + C_HELD] -= bytes;
    this.onHeldChange?.(-bytes);
  }

  /** 2^order pages straight from the zone (page-level trace events): requested, allocated and held while live. */
  allocPages(cpu: number, order: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return AllocError.BadCpu;
    if (!(Number.isInteger(order) && order >= 0 && order < MAX_ORDER)) {
      this.fails[cpu * CSTRIDE]++;
      return Number.isInteger(order) && order > 0 ? AllocError.TooLarge : AllocError.BadSize;
    }
    this.gate();
    const page = this.zone.alloc(order);
    if (page < 0) {
      this.fails[cpu * CSTRIDE]++;
      return AllocError.NoSpace;
    }
    this.pageClass[page] = PAGE_BLOCK;
    this.segGen[page >>> SEGMENT_SHIFT] = this.epoch[0];
    const bytes = this.pageBytes * 2 ** order,
      cb = cpu * CSTRIDE;
    this.cnt[cb + C_ALLOCS]++;
    this.cnt[cb + C_REQ] += bytes;
    this.cnt[cb + C_ALLOC_B] += bytes;
    this.cnt[cb + C_HELD] += bytes;
    this.onHeldChange?.(bytes);
    return this.base + page * this.pageBytes;
  }

  /** The page-level block at `address` back to the zone (UnknownPointer for anything else, WrongSize for another order). */
  freePages(cpu: number, address: number, order: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return FreeError.BadCpu;
    const page = (address - this.base) / this.pageBytes;
    if (!(page >= 0 && page < this.P && Number.isInteger(page))) return FreeError.UnknownPointer;
    const o = this.zone.usedOrder(page);
    if (o < 0 || this.pageClass[page] !== PAGE_BLOCK) return FreeError.UnknownPointer;
    if (o !== order) return FreeError.WrongSize;
    this.gate();
    this.pageClass[page] = 0; // forgotten before the zone can hand it to another CPU
    this.segGen[page >>> SEGMENT_SHIFT] = this.epoch[0];
    this.zone.free(page, o);
    const bytes = this.pageBytes * 2 ** o,
      cb = cpu * CSTRIDE;
    this.cnt[cb + C_FREES]++;
    this.cnt[cb + C_REQ] -= bytes;
    this.cnt[cb + C_ALLOC_B] -= bytes;
    this.cnt[cb + C_HELD] -= bytes;
    this.onHeldChange?.(-bytes);
    return FREE_OK;
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
    return sumCpuCounters(this.cnt, this.cpus, SLOTS, this.fails);
  }

  /** Free slots per class and the zone's free blocks (inspect.ts). */
  freeSummary(): FreeSummary {
    return pow2FreeSummary(this);
  }

  /**
   * An object of class c starts at a multiple of c within a page-aligned page, so an aligned
   * request asks for the class of max(bytes, align); past a page (a block from the zone, whose
   * base is not aligned to large orders) it is padded like any other.
   */
  alignedBytes(bytes: number, align: number): number {
    return align <= this.pageBytes ? Math.max(bytes, align) : bytes + align - this.pageBytes;
  }

  /** The smallest class that fits; nothing above maxClassBytes. */
  handedOut(bytes: number): number {
    if (!(bytes > 0 && bytes <= this.params.maxClassBytes)) return 0;
    let cls = this.chunkBytes;
    while (cls < bytes) cls *= 2;
    return cls;
  }

  /**
   * The zone's largest block or `cpu`'s largest class with a free slot (inspect.ts). It reads the
   * zone, shared by all CPUs, so gate() first: the runtime asks right after a failed allocation on
   * that op's thread, and on workers in lockstep another CPU's earlier op may not have run yet
   * (a TooLarge failure touches no shared state and so never waited for it).
   */
  largestFree(cpu: number): number {
    this.gate();
    return pow2LargestFree(this, cpu);
  }

  /** /proc/buddyinfo of the zone under pow2: free blocks of each order. */
  buddyinfo(): number[] {
    return this.zone.buddyinfo();
  }

  /** The CPU that took the slab holding `address`, or -1 (the zone's pages, page-level blocks, outside). */
  ownerOf(address: number): number {
    const off = address - this.base;
    return off >= 0 && off < this.poolBytes ? pow2OwnerOfPage(this, Math.floor(off / this.pageBytes)) : -1;
  }

  blockAt(address: number): BlockInfo | null {
    return pow2BlockAt(this, address);
  }

  explainFailure(cpu: number, bytes: number) {
    return pow2Explain(this, cpu, bytes);
  }

  checkInvariants(): string[] {
    return checkPow2Invariants(this);
  }
}
