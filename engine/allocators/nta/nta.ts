/**
 * The network tree allocator (NTA), Evgeniy Polyakov, 2006, modelled as in
 * allocators.md section 1 and the posted patch (net/core/alloc/avl.c, PATCH2):
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
import { lock, pagesOfCpu, unlock } from '../../core/lock';
import { countSetDown, countSetUp, fillBits, findSetFrom } from './bits';
import { ntaParams, initialPages, type NtaParams } from './presets';
import {
  ntaLayout,
  type NtaLayout,
  MAGIC,
  META_MAGIC,
  META_PAGES_TAKEN,
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
  H_NONE,
  H_FREE,
  H_LIVE,
  H_PENDING,
  H_MAPPED,
  H_POSTPONED,
} from './layout';
import type { NtaLog } from './log';
import { checkNtaInvariants } from './invariants';
import { ntaBlockAt } from './block-at';

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
  /** Called before growth takes pages from the capacity shared by all CPUs (meta[META_PAGES_TAKEN]). */
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
  /** log2 of chunks per page, and of chunks per dirty-page segment (chunk c is in segment c >>> segShift). */
  readonly cppShift: number;
  private readonly segShift: number;
  private readonly segGen: Int32Array;
  private readonly epoch: Int32Array;
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
    this.label = `NTA (${p.preset})`;
    this.geometry = { chunkBytes: p.chunkBytes, pageBytes: p.pageBytes, pages: p.maxPages, baseAddress: p.baseAddress };
    this.concurrency = { crossFreeTouchesOwner: true, ownerOpsTouchingShared: p.drainOnAlloc ? 'all' : 'frees' };
    const plan = ntaLayout({ cpus: p.cpus, maxPages: p.maxPages, chunksPerPage: this.cpp, lists: this.lists });
    const b = allocatorBuffers(plan, p.maxPages, buffers, init);
    this.buffers = b.all;
    this.dirty = b.dirty;
    this.segGen = b.dirty.segGen;
    this.epoch = b.dirty.epoch;
    this.cppShift = Math.log2(this.cpp);
    this.segShift = this.cppShift + SEGMENT_SHIFT;
    this.v = viewsOf(plan, b.layout);
    this.fields = stateFields(plan, this.v);
    if (init) this.initialise();
    else if (Atomics.load(this.v.meta, META_MAGIC) !== MAGIC)
      throw new Error('NTA: attached to a buffer that was never initialised');
  }

  /** Take the initial nodes: in address order, each CPU's nodes enter its lists in address order. */
  private initialise(): void {
    const { v, params: p } = this;
    v.pageNode.fill(-1);
    v.pageOwner.fill(-1);
    v.listHead.fill(-1);
    v.listTail.fill(-1);
    v.remoteHead.fill(-1);
    v.next.fill(-1);
    v.prev.fill(-1);
    const perNode = 1 << p.regionOrder;
    for (let cpu = 0; cpu < p.cpus; cpu++) {
      const nodes =
        p.regionsScope === 'total' ? pagesOfCpu(p.regions, p.cpus, cpu) : { first: cpu * p.regions, count: p.regions };
      for (let r = nodes.first; r < nodes.first + nodes.count; r++) this.addNode(cpu, r * perNode, perNode);
    }
    v.meta[META_PAGES_TAKEN] = initialPages(p);
    Atomics.store(v.meta, META_MAGIC, MAGIC);
  }

  /** avl_node_entry_commit for one node: owner and node of each page, all chunks free, one container. */
  private addNode(cpu: number, firstPage: number, pages: number): void {
    const { v } = this;
    for (let i = 0; i < pages; i++) {
      v.pageNode[firstPage + i] = firstPage;
      v.pageOwner[firstPage + i] = cpu;
      this.segGen[(firstPage + i) >>> SEGMENT_SHIFT] = this.epoch[0];
    }
    v.nodePages[firstPage] = pages;
    const c = firstPage * this.cpp,
      n = pages * this.cpp;
    fillBits(v.bitmap, c, n, 1);
    v.state.fill(ChunkState.Free, c, c + n);
    v.head[c] = H_FREE;
    v.len[c] = n;
    this.insertTail(cpu, n - 1, c);
  }

  /** Dirty-page mark for chunk c's page (core/dirty.ts): after writing any per-page or per-chunk field there. */
  private mark(c: number): void {
    this.segGen[c >>> this.segShift] = this.epoch[0];
  }

  // ---- free lists -----------------------------------------------------------------

  private insertTail(cpu: number, idx: number, c: number): void {
    const { v } = this;
    const k = cpu * this.lists + idx;
    const t = v.listTail[k];
    v.prev[c] = t;
    v.next[c] = -1;
    this.mark(c);
    if (t >= 0) {
      v.next[t] = c;
      this.mark(t);
    } else v.listHead[k] = c;
    v.listTail[k] = c;
    if (v.listCount[k]++ === 0) v.nonEmpty[cpu * this.listStride + (idx >>> 5)] |= 1 << (idx & 31);
  }

  private unlink(cpu: number, idx: number, c: number): void {
    const { v } = this;
    const k = cpu * this.lists + idx;
    const n = v.next[c],
      pr = v.prev[c];
    if (pr >= 0) {
      v.next[pr] = n;
      this.mark(pr);
    } else v.listHead[k] = n;
    if (n >= 0) {
      v.prev[n] = pr;
      this.mark(n);
    } else v.listTail[k] = pr;
    v.next[c] = v.prev[c] = -1;
    this.mark(c);
    if (--v.listCount[k] === 0) v.nonEmpty[cpu * this.listStride + (idx >>> 5)] &= ~(1 << (idx & 31));
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
    const n = Math.ceil(bytes / this.params.chunkBytes);
    if (n > this.lists) {
      cnt[base + C_FAILS]++;
      return AllocError.TooLarge;
    }
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
    v.head[c] = H_LIVE;
    v.len[c] = n;
    v.req[c] = bytes;
    // A chunk holding no requested byte is rounding waste; with ceil() rounding NTA never has one.
    const used = Math.ceil(bytes / C);
    v.state.fill(ChunkState.Used, c, c + used);
    v.state.fill(ChunkState.Waste, c + used, c + n);
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
    const c = v.listHead[cpu * this.lists + i];
    this.unlink(cpu, i, c);
    this.log?.updateNode(this, c, i, n, bytes);
    fillBits(v.bitmap, c, n, 0);
    this.log?.fillBits(this, c, n);
    v.head[c] = H_NONE;
    this.mark(c);
    if (i + 1 > n) {
      const t = c + n;
      v.head[t] = H_FREE;
      v.len[t] = i + 1 - n;
      this.insertTail(cpu, i - n, t);
      this.log?.reuseContainer(this, t, i - n);
    }
    return c;
  }

  /** PATCH2's cache growth: up to growPages order-0 nodes from the capacity, for this CPU. */
  private grow(cpu: number): boolean {
    const { meta } = this.v;
    this.gate();
    for (;;) {
      const taken = Atomics.load(meta, META_PAGES_TAKEN);
      const upto = Math.min(taken + this.params.growPages, this.params.maxPages);
      if (upto === taken) return false;
      if (Atomics.compareExchange(meta, META_PAGES_TAKEN, taken, upto) !== taken) continue;
      for (let pg = taken; pg < upto; pg++) this.addNode(cpu, pg, 1);
      this.onHeldChange?.((upto - taken) * this.params.pageBytes);
      return true;
    }
  }

  // ---- free ---------------------------------------------------------------------------

  /** First chunk of the live block starting at `address`, or a negative FreeError. */
  private liveBlockAt(address: number): number {
    const C = this.params.chunkBytes;
    const off = address - this.params.baseAddress;
    if (!Number.isInteger(address) || off < 0 || off % C !== 0) return FreeError.UnknownPointer;
    const c = off / C;
    if (c >= this.v.head.length || this.v.pageNode[Math.floor(c / this.cpp)] < 0) return FreeError.UnknownPointer;
    const h = this.v.head[c];
    if (h === H_LIVE || h === H_MAPPED || h === H_PENDING || h === H_POSTPONED) return c;
    const s = this.v.state[c];
    // Freeing a chunk that is free now is a double free; the middle of an allocation is unknown.
    return s === ChunkState.Free ? FreeError.DoubleFree : FreeError.UnknownPointer;
  }

  free(cpu: number, address: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && Number.isInteger(cpu))) return FreeError.BadCpu;
    const c = this.liveBlockAt(address);
    if (c < 0) return c;
    const { v } = this;
    const h = v.head[c];
    if (h === H_PENDING || h === H_POSTPONED) return FreeError.DoubleFree;
    if (bytes !== v.req[c]) return FreeError.WrongSize;
    const cnt = v.counters;
    const base = cpu * C_SLOTS;
    const blockBytes = v.len[c] * this.params.chunkBytes;
    cnt[base + C_FREES]++;
    cnt[base + C_REQ] -= bytes;
    cnt[base + C_ALLOC] -= blockBytes;
    if (h === H_MAPPED) {
      v.head[c] = H_POSTPONED;
      v.state.fill(ChunkState.Postponed, c, c + v.len[c]);
      this.mark(c);
      cnt[base + C_POSTPONED] += blockBytes;
    } else {
      this.release(cpu, c);
    }
    this.drain(cpu);
    return FREE_OK;
  }

  /** __avl_free: push to the owner's remote list, or free locally. */
  private release(cpu: number, c: number): void {
    const { v } = this;
    const owner = v.pageOwner[Math.floor(c / this.cpp)];
    if (owner === cpu) {
      this.freeLocal(cpu, c);
      return;
    }
    v.head[c] = H_PENDING;
    v.state.fill(ChunkState.PendingRemote, c, c + v.len[c]);
    this.mark(c);
    v.counters[cpu * C_SLOTS + C_PUSHED] += v.len[c] * this.params.chunkBytes;
    this.log?.queued(this, c, owner);
    lock(v.locks, owner);
    v.next[c] = v.remoteHead[owner];
    Atomics.store(v.remoteHead, owner, c);
    unlock(v.locks, owner);
  }

  /** End of avl_free: pop this CPU's remote-free list (LIFO) and free each entry locally. */
  private drain(cpu: number): void {
    const { v } = this;
    while (Atomics.load(v.remoteHead, cpu) !== -1) {
      lock(v.locks, cpu);
      const c = v.remoteHead[cpu];
      v.remoteHead[cpu] = v.next[c];
      unlock(v.locks, cpu);
      v.counters[cpu * C_SLOTS + C_DRAINED] += v.len[c] * this.params.chunkBytes;
      this.freeLocal(cpu, c);
    }
  }

  /** __avl_free_local + avl_combine. "Left" in the seed's words is the HIGHER address. */
  private freeLocal(cpu: number, c: number): void {
    const { v } = this;
    const n = v.len[c];
    const rs = v.pageNode[Math.floor(c / this.cpp)] * this.cpp;
    const re = rs + v.nodePages[rs / this.cpp] * this.cpp;
    this.log?.free(this, c, rs);
    fillBits(v.bitmap, c, n, 1);
    this.log?.fillBits(this, c, n);
    v.state.fill(ChunkState.Free, c, c + n);
    v.head[c] = H_NONE;
    v.req[c] = 0;
    v.next[c] = -1;
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
      this.unlink(cpu, rbits - 1, start);
      total += rbits;
    }
    if (lbits) {
      this.unlink(cpu, lbits - 1, up);
      v.head[up] = H_NONE;
      total += lbits;
    }
    v.head[start] = H_FREE;
    v.len[start] = total;
    this.insertTail(cpu, total - 1, start);
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

  // ---- zero-copy mapping ----------------------------------------------------------------

  map(cpu: number, address: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && Number.isInteger(cpu))) return FreeError.BadCpu;
    const c = this.liveBlockAt(address);
    if (c < 0) return c;
    const { v } = this;
    if (v.head[c] !== H_LIVE) return v.head[c] === H_MAPPED ? FreeError.BadMapState : FreeError.DoubleFree;
    v.head[c] = H_MAPPED;
    v.state.fill(ChunkState.Mapped, c, c + v.len[c]);
    this.mark(c);
    return FREE_OK;
  }

  unmap(cpu: number, address: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && Number.isInteger(cpu))) return FreeError.BadCpu;
    const c = this.liveBlockAt(address);
    if (c < 0) return c;
    const { v } = this;
    const h = v.head[c];
    if (h === H_MAPPED) {
      v.head[c] = H_LIVE;
      v.state.fill(ChunkState.Used, c, c + v.len[c]);
      this.mark(c);
      return FREE_OK;
    }
    if (h !== H_POSTPONED) return FreeError.BadMapState;
    v.counters[cpu * C_SLOTS + C_POSTPONED] -= v.len[c] * this.params.chunkBytes;
    this.release(cpu, c); // the postponed free really happens now, on the unmapping CPU
    this.drain(cpu);
    return FREE_OK;
  }

  // ---- inspection -------------------------------------------------------------------------

  pageStates(firstPage: number, count: number, out: Uint8Array): void {
    out.set(this.v.state.subarray(firstPage * this.cpp, (firstPage + count) * this.cpp));
  }

  /** Initial pages are free (one free run per region), growth capacity is not taken. */
  virginState(page: number): number {
    return page < initialPages(this.params) ? ChunkState.Free : ChunkState.Unheld;
  }

  snapshot(out: Uint8Array): void {
    this.pageStates(0, this.params.maxPages, out);
  }

  counters(): Counters {
    const cnt = this.v.counters;
    const s = new Float64Array(C_SLOTS);
    for (let i = 0; i < cnt.length; i++) s[i % C_SLOTS] += cnt[i];
    return {
      allocs: s[C_ALLOCS],
      frees: s[C_FREES],
      failures: s[C_FAILS],
      requestedBytes: s[C_REQ],
      allocatedBytes: s[C_ALLOC],
      heldBytes: Atomics.load(this.v.meta, META_PAGES_TAKEN) * this.params.pageBytes,
      pendingBytes: s[C_PUSHED] - s[C_DRAINED],
      postponedBytes: s[C_POSTPONED],
    };
  }

  /** Runs of each length, summed over CPUs from the list counts (no walk). */
  freeSummary(): FreeSummary {
    const bytes: number[] = [],
      counts: number[] = [];
    const cnt = this.v.listCount,
      L = this.lists;
    for (let i = 0; i < L; i++) {
      let n = 0;
      for (let cpu = 0; cpu < this.cpus; cpu++) n += cnt[cpu * L + i];
      if (n > 0) {
        bytes.push((i + 1) * this.params.chunkBytes);
        counts.push(n);
      }
    }
    return { bytes, counts };
  }

  ownerOf(address: number): number {
    const pg = Math.floor((address - this.params.baseAddress) / this.params.pageBytes);
    return pg >= 0 && pg < this.params.maxPages ? this.v.pageOwner[pg] : -1;
  }

  blockAt(address: number): BlockInfo | null {
    return ntaBlockAt(this, address);
  }

  checkInvariants(): string[] {
    return checkNtaInvariants(this);
  }

  /** Bytes of the largest free run on `cpu`'s own lists: an allocation never takes another CPU's memory. */
  largestFree(cpu: number): number {
    const w0 = cpu * this.listStride;
    const ne = this.v.nonEmpty;
    for (let w = this.listWords - 1; w >= 0; w--) {
      if (ne[w0 + w] !== 0) return ((w << 5) + 32 - Math.clz32(ne[w0 + w])) * this.params.chunkBytes;
    }
    return 0;
  }

  /** Drain `cpu`'s remote-free list now, as the end of a free on `cpu` would (runtime: the final quiescent drain). Call only on `cpu`'s thread. */
  drainRemote(cpu: number): number {
    const before = this.v.counters[cpu * C_SLOTS + C_DRAINED];
    this.drain(cpu);
    return this.v.counters[cpu * C_SLOTS + C_DRAINED] - before;
  }

  remoteTotals(cpu: number): { pushed: number; drained: number } {
    const c = this.v.counters;
    return { pushed: c[cpu * C_SLOTS + C_PUSHED], drained: c[cpu * C_SLOTS + C_DRAINED] };
  }
}
