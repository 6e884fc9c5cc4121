/**
 * pow2: the seed's "SLAB-like power-of-two allocator" (seed blog, 6 Aug 2006; design/allocators.md 2.1).
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
 *   (objState remembers "freed"; a pointer into a page released and re-dedicated since is Unknown).
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
 * Shared-memory layout (planLayout, core/layout.ts; P = pages, C = pageBytes/chunkBytes chunks per
 * page, W = ceil(C/32) bitmap words per page, K = classes, N = cpus, U = ceil(ceil(P/N)/32);
 * perPage in brackets, none = a global field):
 *   (per-CPU slots of locks, failures, partialHead, unheldHint, cpuSlots are a cache line apart: index cpu*16)
 *   locks        i32[N]     spinlock per CPU (0 free, 1 held), guards the state of that CPU's pages
 *   counters     f64[N*8]   per executing CPU: [0] allocs, [1] frees, [2] requested-bytes delta,
 *                           [3] allocated-bytes delta (class sizes), [4] held-bytes delta, [5..7] pad
 *   failures     f64[N]     failed allocs per executing CPU
 *   partialHead  i32[N*K]   first partial page of (cpu, class), -1 when none
 *   cpuSlots     i32[N*S]   per owner CPU (S = max(K+1, 16)): [k] free slots of class k on its held
 *                           pages, [K] its held pages (for freeSummary and largestFree without a scan)
 *   unheldHint   i32[N]     first word of the CPU's unheldBits that may have a set bit
 *   unheldBits   u32[N*U]   per CPU, bit i of its words set = page first+i is unheld
 *   pageClass    u8[P]      [1] 0 = unheld, k+1 = dedicated to class k
 *   pageLive     i32[P]     [1] live objects on the page
 *   pageNext     i32[P]     [1] next page in its partial list, -1 at the end / not listed
 *   pagePrev     i32[P]     [1] previous page in its partial list, -1 at the head / not listed
 *   freeBits     u32[P*W]   [W] per page, bit s set = slot s free (bits >= slots of the class stay 0)
 *   chunkState   u8[P*C]    [C] ChunkState per chunk (kept incrementally; pageStates() copies it)
 *   objState     u8[P*C]    [C] at an object's first chunk: 1 live, 2 freed since dedication; else 0
 *   reqBytes     i32[P*C]   [C] at a live object's first chunk: the requested bytes; else 0
 * After the layout's buffers, Allocator.buffers ends with the dirty-page buffer (core/dirty.ts): every
 * write of a page-major field above (perPage in brackets) stamps its page's segment.
 * Address of chunk c = baseAddress + c * chunkBytes; page p starts at baseAddress + p * pageBytes.
 * Addresses pass 2^32 in big pools: address arithmetic is in doubles, never 32-bit bit operations.
 */
import { AllocError, ChunkState, FreeError, FREE_OK } from '../core/types';
import type {
  Allocator,
  BlockInfo,
  Capabilities,
  Concurrency,
  Counters,
  FreeSummary,
  Geometry,
  StateField,
} from '../core/types';
import { field, MAX_FIELD_BYTES, planLayout, stateFields, viewsOf } from '../core/layout';
import { allocatorBuffers, DirtyPages, SEGMENT_SHIFT } from '../core/dirty';
import { lock, pagesOfCpu, unlock } from '../core/lock';
import { MAX_CPUS, MAX_PAGES } from '../core/limits';
import { checkPow2Invariants } from './pow2-invariants';

export interface Pow2Params {
  /** Pages in the pool (split between CPUs). */
  pages: number;
  /** Bytes per page = largest class (power of two). */
  pageBytes: number;
  /** Snapshot granularity and smallest class (power of two). */
  chunkBytes: number;
  /** CPUs, 1..MAX_CPUS. */
  cpus: number;
  /** Simulated address of page 0. */
  baseAddress: number;
}

export const POW2_DEFAULTS: Readonly<Pow2Params> = {
  pages: 4094,
  pageBytes: 4096,
  chunkBytes: 32,
  cpus: 1,
  baseAddress: 0x2554000,
};

const CSTRIDE = 8; // f64 counter slots per CPU (one cache line)
export const LSTRIDE = 16; // i32 slots per CPU in locks and unheldHint (one cache line)
const C_ALLOCS = 0,
  C_FREES = 1,
  C_REQ = 2,
  C_ALLOC_B = 3,
  C_HELD = 4;
export const OBJ_LIVE = 1,
  OBJ_FREED = 2;
/** i32 slots per CPU in cpuSlots: K free-slot counts and the held-page count, padded to cache lines. */
export const slotStride = (K: number): number => Math.ceil((K + 1) / LSTRIDE) * LSTRIDE;

export const POW2_CAPABILITIES: Capabilities = {
  remoteFrees: false,
  mappedChunks: false,
  caches: false,
  contiguousRuns: false,
};

function resolve(p: Partial<Pow2Params>): Pow2Params {
  const r = { ...POW2_DEFAULTS, ...p };
  // Worded as NTA's (nta/presets.ts), so callers treat both kinds' bad parameters alike.
  const bad = (what: string): never => {
    throw new Error(`invalid pow2 parameter: ${what}`);
  };
  const pow2 = (x: number) => Number.isInteger(x) && x > 0 && (x & (x - 1)) === 0;
  if (!Number.isInteger(r.pages) || r.pages < 1 || r.pages > MAX_PAGES)
    bad(`pages=${r.pages}, expected an integer from 1 to ${MAX_PAGES}`);
  if (!Number.isInteger(r.cpus) || r.cpus < 1 || r.cpus > MAX_CPUS) bad(`cpus=${r.cpus}, expected 1..${MAX_CPUS}`);
  if (!pow2(r.pageBytes) || r.pageBytes > 1 << 24)
    bad(`pageBytes=${r.pageBytes}, expected a power of two up to ${1 << 24}`);
  if (!pow2(r.chunkBytes) || r.chunkBytes > r.pageBytes)
    bad(`chunkBytes=${r.chunkBytes}, expected a power of two <= pageBytes (${r.pageBytes})`);
  // reqBytes holds 4 bytes per chunk, and one field must fit in one buffer (core/layout.ts).
  if (r.pages * (r.pageBytes / r.chunkBytes) * 4 > MAX_FIELD_BYTES)
    bad(`pages=${r.pages}: ${r.pageBytes / r.chunkBytes} chunks a page exceed ${MAX_FIELD_BYTES / 4} chunks in all`);
  if (!Number.isSafeInteger(r.baseAddress) || r.baseAddress < 0 || r.baseAddress + r.pages * r.pageBytes > 2 ** 53)
    bad(`baseAddress=${r.baseAddress}, expected a non-negative integer`);
  return r;
}

function planOf(p: Pow2Params) {
  const P = p.pages,
    C = p.pageBytes / p.chunkBytes,
    W = Math.ceil(C / 32),
    N = p.cpus;
  const K = Math.log2(C) + 1,
    U = Math.ceil(Math.ceil(P / N) / 32);
  return planLayout({
    // Per-CPU slots are spaced a cache line apart (LSTRIDE): CPU workers running free must not
    // share lines they write on every op (false sharing cost 2 workers more than half their speed).
    locks: field('i32', N * LSTRIDE),
    counters: field('f64', N * CSTRIDE),
    failures: field('f64', N * CSTRIDE),
    partialHead: field('i32', N * Math.max(K, LSTRIDE)),
    cpuSlots: field('i32', N * slotStride(K)),
    unheldHint: field('i32', N * LSTRIDE),
    unheldBits: field('u32', N * U),
    pageClass: field('u8', P, 1),
    pageLive: field('i32', P, 1),
    pageNext: field('i32', P, 1),
    pagePrev: field('i32', P, 1),
    freeBits: field('u32', P * W, W),
    chunkState: field('u8', P * C, C),
    objState: field('u8', P * C, C),
    reqBytes: field('i32', P * C, C),
  });
}
export type Pow2Plan = ReturnType<typeof planOf>;

export class Pow2Allocator implements Allocator {
  readonly name = 'pow2';
  readonly label = 'pow2 (SLAB-like)';
  readonly capabilities = POW2_CAPABILITIES;
  readonly concurrency: Concurrency = { crossFreeTouchesOwner: true, ownerOpsTouchingShared: 'all' };
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
  readonly U: number;
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
  readonly unheldHint: Int32Array;
  readonly unheldBits: Uint32Array;
  readonly pageClass: Uint8Array;
  readonly pageLive: Int32Array;
  readonly pageNext: Int32Array;
  readonly pagePrev: Int32Array;
  readonly freeBits: Uint32Array;
  readonly chunkState: Uint8Array;
  readonly objState: Uint8Array;
  readonly reqBytes: Int32Array;
  private readonly segGen: Int32Array;
  private readonly epoch: Int32Array;

  static bytesNeeded(params: Partial<Pow2Params> = {}): number {
    const p = resolve(params);
    return planOf(p).byteLength + DirtyPages.bytesNeeded(p.pages);
  }

  /** `buffers`: attach to (init false) or initialise (init true) another instance's buffers; default: fresh ones. */
  constructor(params: Partial<Pow2Params> = {}, buffers?: readonly ArrayBufferLike[], init = true) {
    const p = resolve(params);
    this.params = p;
    this.cpus = p.cpus;
    this.plan = planOf(p);
    this.P = p.pages;
    this.C = p.pageBytes / p.chunkBytes;
    this.W = Math.ceil(this.C / 32);
    this.K = Math.log2(this.C) + 1;
    this.PSTRIDE = Math.max(this.K, LSTRIDE);
    this.SSTRIDE = slotStride(this.K);
    this.U = Math.ceil(Math.ceil(p.pages / p.cpus) / 32);
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
    this.unheldHint = v.unheldHint;
    this.unheldBits = v.unheldBits;
    this.pageClass = v.pageClass;
    this.pageLive = v.pageLive;
    this.pageNext = v.pageNext;
    this.pagePrev = v.pagePrev;
    this.freeBits = v.freeBits;
    this.chunkState = v.chunkState;
    this.objState = v.objState;
    this.reqBytes = v.reqBytes;
    if (init) {
      this.partialHead.fill(-1);
      this.pageNext.fill(-1);
      this.pagePrev.fill(-1);
      for (let c = 0; c < p.cpus; c++) {
        const { count } = pagesOfCpu(this.P, this.cpus, c);
        for (let i = 0; i < count; i++) this.unheldBits[c * this.U + (i >>> 5)] |= 1 << (i & 31);
      }
    }
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
    lock(locks, cpu * LSTRIDE);
    let page = ph[hx];
    if (page < 0) {
      page = this.takeUnheld(cpu);
      if (page < 0) {
        unlock(locks, cpu * LSTRIDE);
        this.fails[cpu * CSTRIDE]++;
        return AllocError.NoSpace;
      }
      this.pageClass[page] = k + 1;
      for (let w = 0, left = slots; w < W; w++, left -= 32) {
        this.freeBits[page * W + w] = left >= 32 ? 0xffffffff : left > 0 ? (1 << left) - 1 : 0;
      }
      this.chunkState.fill(ChunkState.Free, page * this.C, (page + 1) * this.C);
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
    const slot = (w << 5) + bit;
    this.cpuSlots[sx + k]--;
    if (++this.pageLive[page] === slots) {
      // full: leave the partial list (it is the head)
      const nx = this.pageNext[page];
      ph[hx] = nx;
      if (nx >= 0) {
        this.pagePrev[nx] = -1;
        this.segGen[nx >>> SEGMENT_SHIFT] = this.epoch[0];
      }
      this.pageNext[page] = -1;
    }
    const c0 = page * this.C + slot * objChunks;
    this.objState[c0] = OBJ_LIVE;
    this.reqBytes[c0] = bytes;
    this.chunkState.fill(ChunkState.Used, c0, c0 + n);
    if (n < objChunks) this.chunkState.fill(ChunkState.Waste, c0 + n, c0 + objChunks);
    this.segGen[page >>> SEGMENT_SHIFT] = this.epoch[0];
    unlock(locks, cpu * LSTRIDE);
    const cb = cpu * CSTRIDE,
      cnt = this.cnt;
    cnt[cb + C_ALLOCS]++;
    cnt[cb + C_REQ] += bytes;
    cnt[cb + C_ALLOC_B] += objChunks * this.chunkBytes;
    return this.base + c0 * this.chunkBytes;
  }

  /** Lowest unheld page of `cpu` (marked held), or -1. Caller holds the CPU's lock. */
  private takeUnheld(cpu: number): number {
    const ub = this.unheldBits,
      wb = cpu * this.U,
      U = this.U;
    for (let w = this.unheldHint[cpu * LSTRIDE]; w < U; w++) {
      const x = ub[wb + w];
      if (x !== 0) {
        const bit = 31 - Math.clz32(x & -x);
        ub[wb + w] = x & ~(1 << bit);
        this.unheldHint[cpu * LSTRIDE] = w;
        return this.firstPageOf(cpu) + (w << 5) + bit;
      }
    }
    return -1; // hint left as is: a failed alloc writes nothing but its failure counter
  }

  free(cpu: number, address: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return FreeError.BadCpu;
    const off = address - this.base;
    if (!(off >= 0 && off < this.poolBytes) || off % this.chunkBytes !== 0) return FreeError.UnknownPointer;
    const page = Math.floor(off / this.pageBytes);
    const owner = this.ownerOfPage(page),
      locks = this.locks;
    lock(locks, owner * LSTRIDE);
    const cls = this.pageClass[page];
    const k = cls - 1,
      objChunks = 1 << k;
    const c0 = off / this.chunkBytes; // chunk index (< 2^31: the per-chunk fields fit one buffer)
    const st = cls === 0 || ((c0 - page * this.C) & (objChunks - 1)) !== 0 ? 0 : this.objState[c0];
    if (st !== OBJ_LIVE) {
      unlock(locks, owner * LSTRIDE);
      return st === OBJ_FREED ? FreeError.DoubleFree : FreeError.UnknownPointer;
    }
    if (this.reqBytes[c0] !== bytes) {
      unlock(locks, owner * LSTRIDE);
      return FreeError.WrongSize;
    }
    this.objState[c0] = OBJ_FREED;
    this.reqBytes[c0] = 0;
    this.chunkState.fill(ChunkState.Free, c0, c0 + objChunks);
    const slot = (c0 - page * this.C) >>> k,
      slots = this.C >>> k,
      sx = owner * this.SSTRIDE;
    this.freeBits[page * this.W + (slot >>> 5)] |= 1 << (slot & 31);
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
      this.pageNext[page] = head;
      this.pagePrev[page] = -1;
      if (head >= 0) {
        this.pagePrev[head] = page;
        this.segGen[head >>> SEGMENT_SHIFT] = this.epoch[0];
      }
      this.partialHead[hx] = page;
    }
    this.segGen[page >>> SEGMENT_SHIFT] = this.epoch[0];
    unlock(locks, owner * LSTRIDE);
    cnt[cb + C_FREES]++;
    cnt[cb + C_REQ] -= bytes;
    cnt[cb + C_ALLOC_B] -= objChunks * this.chunkBytes;
    return FREE_OK;
  }

  private unlinkPartial(owner: number, k: number, page: number): void {
    const nx = this.pageNext[page],
      pv = this.pagePrev[page];
    if (pv >= 0) {
      this.pageNext[pv] = nx;
      this.segGen[pv >>> SEGMENT_SHIFT] = this.epoch[0];
    } else this.partialHead[owner * this.PSTRIDE + k] = nx;
    if (nx >= 0) {
      this.pagePrev[nx] = pv;
      this.segGen[nx >>> SEGMENT_SHIFT] = this.epoch[0];
    }
    this.pageNext[page] = -1;
    this.pagePrev[page] = -1;
  }

  /** Give an empty held page back to its owner's unheld set. Caller holds the owner's lock. */
  private release(owner: number, page: number): void {
    const C = this.C,
      W = this.W;
    this.pageClass[page] = 0;
    for (let w = 0; w < W; w++) this.freeBits[page * W + w] = 0;
    this.chunkState.fill(ChunkState.Unheld, page * C, (page + 1) * C);
    this.objState.fill(0, page * C, (page + 1) * C);
    const i = page - this.firstPageOf(owner),
      w = i >>> 5;
    this.unheldBits[owner * this.U + w] |= 1 << (i & 31);
    if (w < this.unheldHint[owner * LSTRIDE]) this.unheldHint[owner * LSTRIDE] = w;
  }

  map(_cpu: number, _address: number): number {
    return FreeError.BadMapState;
  }
  unmap(_cpu: number, _address: number): number {
    return FreeError.BadMapState;
  }

  pageStates(firstPage: number, count: number, out: Uint8Array): void {
    out.set(this.chunkState.subarray(firstPage * this.C, (firstPage + count) * this.C));
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
  largestFree(cpu: number): number {
    const sx = cpu * this.SSTRIDE;
    if (this.cpuSlots[sx + this.K] < pagesOfCpu(this.P, this.cpus, cpu).count) return this.pageBytes;
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
    const live = this.objState[c0] === OBJ_LIVE;
    return {
      kind: live ? 'allocation' : 'free',
      start: this.base + slotStart,
      bytes: size,
      requested: live ? this.reqBytes[c0] : 0,
      owner,
    };
  }

  checkInvariants(): string[] {
    return checkPow2Invariants(this);
  }
}
