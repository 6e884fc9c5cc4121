/**
 * SLUB (mm/slub.c of Linux 2.6.22, 3.6 and 6.6: versions.ts) over the buddy zone: the fast
 * paths and the contract; slow paths in slow.ts, state and layout in state.ts and layout.ts.
 *
 * Model:
 * - kmalloc(bytes) takes the smallest kmalloc cache that fits (kmalloc_index / size_index);
 *   above the largest (3.6, 6.6) kmalloc_large takes 2^get_order(bytes) pages from the zone
 *   (bytes_alloc = PAGE_SIZE << order); 2.6.22 serves up to 4 MiB from slabs and nothing above.
 * - Each CPU allocates from its active slab's freelist (c->freelist; 2.6.22 the lockless
 *   freelist), LIFO; when empty the slow path refills it (slow.ts). A free onto the freeing CPU's
 *   active slab pushes on that CPU's freelist (the fast path), any other free goes to the
 *   object's own slab (__slab_free).
 * - allocIn(): kmem_cache_alloc of a named cache (a trace's), created at its first use with the
 *   trace's object size (bytes_alloc, rounded up to 8 bytes: ARCH_SLAB_MINALIGN). Our choice: no
 *   cache merging (as with slub_nomerge): a named cache never shares slabs with a kmalloc cache.
 * - Our choice: frees are checked (the kernel's kfree takes no size): not an object or block
 *   start: UnknownPointer; a free object: DoubleFree; another size than requested: WrongSize.
 *   A failed call leaves the state as it was (failed allocs count in `failures` only).
 * - Concurrency: the fast paths touch only the executing CPU's kmem_cache_cpu and the objects on
 *   its freelist; everything else (slabs' freelists, partial lists, the zone, the named cache
 *   table) happens in slow paths that call gate() first and take the cache's lock. So a free on a
 *   foreign CPU never writes state the allocating CPU's own ops use unordered.
 * - Counters are per executing CPU and summed; pendingBytes = free objects of frozen slabs (only
 *   their CPU can hand them out; ChunkState.Cached on the map).
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
  SlabinfoRow,
} from '../../core/types';
import { lock, unlock } from '../../core/lock';
import { MAX_ORDER } from '../buddy/zone';
import { slubBlockAt } from './block-at';
import { slubExplain } from './explain';
import { checkSlubInvariants } from './invariants';
import {
  CSTRIDE,
  C_ALLOCS,
  C_ALLOC_B,
  C_CACHED,
  C_FREES,
  C_HELD,
  C_REQ,
  ISTRIDE,
  I_CPU_PARTIAL,
  I_KEY,
  I_MIN_OBJECTS,
  I_MIN_ORDER,
  I_MIN_PARTIAL,
  I_OBJECTS,
  I_ORDER,
  I_SIZE,
  I_USED,
  KIND_LARGE,
  KIND_PAGES,
  K_FREE,
  K_LIVE,
  K_PAGE,
  K_PARTIAL,
  LINE_I32,
  LIVE,
  NSTRIDE,
  N_OBJECTS,
  N_PARTIAL,
} from './layout';
import { slubPageStates } from './page-states';
import { SLUB_LABEL, slubConfig, type SlubConfig, type SlubParams } from './params';
import { pageCaches, slabinfo } from './slabinfo';
import { allocSlow, freeSlow } from './slow';
import { SlubState } from './state';
import { calculateOrder, cpuPartialLimit, getOrder, minPartial, type SlubPresetName } from './versions';
import { sumCpuCounters } from '../../core/cpu-counters';

/** Where SLUB's per-CPU counters are (layout.ts); cached: free objects of frozen slabs. */
const SLOTS = {
  stride: CSTRIDE,
  allocs: C_ALLOCS,
  frees: C_FREES,
  requested: C_REQ,
  allocated: C_ALLOC_B,
  held: C_HELD,
  pending: C_CACHED,
};

export const SLUB_CAPABILITIES: Capabilities = {
  remoteFrees: false,
  mappedChunks: false,
  caches: true,
  contiguousRuns: false,
};

export class SlubAllocator extends SlubState implements Allocator {
  readonly name = 'slub';
  readonly label: string;
  readonly capabilities = SLUB_CAPABILITIES;
  readonly concurrency: Concurrency = { crossFreeTouchesOwner: false, ownerOpsTouchingShared: 'none' };
  readonly geometry: Geometry;
  private readonly maxCache: number;
  private readonly poolBytes: number;
  /** Cache index of a request of 1..192 bytes by (bytes - 1) >> 3 (size_index), and above by fls(bytes - 1). */
  private readonly small = new Int32Array(24);
  private readonly pow = new Int32Array(33).fill(-1);

  static create(
    preset: SlubPresetName,
    cpus: number,
    overrides?: Partial<SlubParams>,
    buffers?: readonly ArrayBufferLike[],
    init = true,
  ) {
    return new SlubAllocator(slubConfig(preset, cpus, overrides), buffers, init);
  }

  constructor(cfg: SlubConfig, buffers?: readonly ArrayBufferLike[], init = true) {
    super(cfg, buffers, init);
    this.label = `${SLUB_LABEL} (${cfg.version.preset})`;
    this.geometry = {
      chunkBytes: cfg.chunkBytes,
      pageBytes: cfg.pageBytes,
      pages: cfg.pages,
      baseAddress: cfg.baseAddress,
    };
    const sizes = cfg.version.kmallocSizes;
    this.maxCache = cfg.version.maxCacheSize;
    this.poolBytes = cfg.pages * cfg.pageBytes;
    const classOf = (bytes: number) => sizes.findIndex((s) => s >= bytes);
    for (let i = 0; i < 24; i++) this.small[i] = classOf(i * 8 + 8);
    for (let k = 8; k <= 32 && 2 ** (k - 1) < this.maxCache; k++) this.pow[k] = classOf(2 ** k);
    if (init) sizes.forEach((size, c) => this.initCache(c, size, 0));
  }

  /** kmem_cache_open / calculate_sizes: a cache's geometry into cacheInfo; false if no slab order fits. */
  private initCache(c: number, size: number, key: number): boolean {
    const cfg = this.cfg;
    const order = calculateOrder(this.code, size, cfg);
    if (order < 0) {
      if (key === 0) throw new Error(`invalid SLUB parameters: kmalloc-${size} fits no slab order`);
      return false;
    }
    const ci = c * ISTRIDE,
      info = this.cacheInfo;
    const objects = Math.floor((this.pageBytes * 2 ** order) / size);
    // s->min = oo_make(get_order(size)) (3.6, 6.6); 2.6.22 has no fallback order.
    const minOrder = this.code === 2622 ? order : Math.min(order, getOrder(size));
    info[ci + I_SIZE] = size;
    info[ci + I_ORDER] = order;
    info[ci + I_OBJECTS] = objects;
    info[ci + I_MIN_ORDER] = minOrder;
    info[ci + I_MIN_OBJECTS] = Math.floor((this.pageBytes * 2 ** minOrder) / size);
    info[ci + I_MIN_PARTIAL] = minPartial(this.code, size);
    info[ci + I_CPU_PARTIAL] = cpuPartialLimit(this.code, size, objects, cfg.cpuPartial === 1);
    info[ci + I_KEY] = key;
    info[ci + I_USED] = 1;
    return true;
  }

  alloc(cpu: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return AllocError.BadCpu;
    if (!(bytes > 0 && bytes <= this.maxCache && Math.floor(bytes) === bytes)) {
      if (Number.isSafeInteger(bytes) && bytes > this.maxCache) return this.allocLarge(cpu, bytes);
      this.fails[cpu * CSTRIDE]++;
      return AllocError.BadSize;
    }
    return this.allocFrom(
      cpu,
      bytes <= 192 ? this.small[(bytes - 1) >>> 3] : this.pow[32 - Math.clz32(bytes - 1)],
      bytes,
    );
  }

  /** slab_alloc(): the fast path, or the slow path when the CPU's freelist is empty. */
  private allocFrom(cpu: number, c: number, bytes: number): number {
    const cs = this.cpuSlab,
      x = cpu * this.CS + c * 4,
      size = this.cacheInfo[c * ISTRIDE + I_SIZE];
    let obj = cs[x + K_FREE] - 1,
      h: number,
      g: number;
    if (obj >= 0) {
      h = cs[x + K_PAGE] - 1;
      g = h * this.G + (obj * size) / 8;
      cs[x + K_FREE] = this.oLo[g] | (this.oHi[g] << 8);
    } else {
      obj = allocSlow(this, cpu, c);
      if (obj < 0) {
        this.fails[cpu * CSTRIDE]++;
        return AllocError.NoSpace;
      }
      h = cs[x + K_PAGE] - 1;
      g = h * this.G + (obj * size) / 8;
    }
    this.oLo[g] = bytes;
    this.oHi[g] = (LIVE | (bytes & 0x7fff)) >>> 8;
    this.segGen[(g / this.G) >>> 6] = this.epoch[0];
    if (size > 0x7fff) this.setWord(g + 1, Math.floor(bytes / 0x8000));
    cs[x + K_LIVE]++;
    const k = cpu * CSTRIDE,
      cnt = this.cnt;
    cnt[k + C_ALLOCS]++;
    cnt[k + C_REQ] += bytes;
    cnt[k + C_ALLOC_B] += size;
    cnt[k + C_CACHED] -= size;
    return this.base + h * this.pageBytes + obj * size;
  }

  /** kmalloc_large / kmalloc_order: 2^get_order(bytes) pages from the zone. */
  private allocLarge(cpu: number, bytes: number): number {
    const order = getOrder(bytes);
    if (!this.cfg.version.largePath || order >= MAX_ORDER) {
      this.fails[cpu * CSTRIDE]++;
      return AllocError.TooLarge;
    }
    return this.takeBlock(cpu, order, KIND_LARGE, bytes);
  }

  private takeBlock(cpu: number, order: number, kind: number, requested: number): number {
    this.gate();
    const h = this.takePages(cpu, order, kind);
    if (h < 0) {
      this.fails[cpu * CSTRIDE]++;
      return AllocError.NoSpace;
    }
    this.sInuse[h] = requested;
    const k = cpu * CSTRIDE;
    this.cnt[k + C_ALLOCS]++;
    this.cnt[k + C_REQ] += requested;
    this.cnt[k + C_ALLOC_B] += this.pageBytes * 2 ** order;
    return this.base + h * this.pageBytes;
  }

  allocPages(cpu: number, order: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return AllocError.BadCpu;
    if (!(Number.isInteger(order) && order >= 0 && order < MAX_ORDER)) {
      this.fails[cpu * CSTRIDE]++;
      return Number.isInteger(order) && order >= MAX_ORDER ? AllocError.TooLarge : AllocError.BadSize;
    }
    return this.takeBlock(cpu, order, KIND_PAGES, this.pageBytes * 2 ** order);
  }

  allocIn(cpu: number, bytes: number, cache: number, objectSize: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return AllocError.BadCpu;
    const size = Math.ceil(objectSize / 8) * 8;
    let c = Number.isInteger(cache) && cache >= 1 && size >= 8 ? this.namedCache(cache) : -2;
    if (c === -1) c = this.createNamed(cache, size);
    if (c < 0 || !(Number.isInteger(bytes) && bytes > 0 && bytes <= size) || this.sizeOf(c) !== size) {
      this.fails[cpu * CSTRIDE]++;
      return c === -3 ? AllocError.TooLarge : AllocError.BadSize;
    }
    return this.allocFrom(cpu, c, bytes);
  }

  /** The slot of named cache `key`, or -1. */
  private namedCache(key: number): number {
    const n = Atomics.load(this.meta, 0);
    for (let c = this.kmallocCount; c < this.kmallocCount + n; c++)
      if (this.cacheInfo[c * ISTRIDE + I_KEY] === key) return c;
    return -1;
  }

  /** kmem_cache_create at a named cache's first use: its slot, -2 when the table is full, -3 when no order fits. */
  private createNamed(key: number, size: number): number {
    this.gate();
    const at = this.NC * LINE_I32;
    if (this.shared) lock(this.locks, at);
    let c = this.namedCache(key);
    if (c < 0) {
      const n = this.meta[0];
      c =
        n + this.kmallocCount >= this.NC
          ? -2
          : this.initCache(n + this.kmallocCount, size, key)
            ? n + this.kmallocCount
            : -3;
      if (c >= 0) Atomics.store(this.meta, 0, n + 1);
    }
    if (this.shared) unlock(this.locks, at);
    return c;
  }

  free(cpu: number, address: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return FreeError.BadCpu;
    const off = address - this.base;
    if (!(off >= 0 && off < this.poolBytes) || off % 8 !== 0) return FreeError.UnknownPointer;
    const h = this.pgSlab[Math.floor(off / this.pageBytes)] - 1;
    if (h < 0) return FreeError.UnknownPointer;
    const kind = this.pgKind[h];
    if (kind >= KIND_LARGE) return kind === KIND_LARGE ? this.freeBlock(cpu, h, off, bytes) : FreeError.UnknownPointer;
    const c = kind - 1,
      size = this.cacheInfo[c * ISTRIDE + I_SIZE],
      rel = off - h * this.pageBytes;
    if (rel % size !== 0 || rel / size >= this.sObjects[h]) return FreeError.UnknownPointer;
    const obj = rel / size,
      g = h * this.G + rel / 8;
    const w = this.oLo[g] | (this.oHi[g] << 8);
    if ((w & LIVE) === 0) return FreeError.DoubleFree;
    if ((w & 0x7fff) + (size > 0x7fff ? this.word(g + 1) * 0x8000 : 0) !== bytes) return FreeError.WrongSize;
    const cs = this.cpuSlab,
      x = cpu * this.CS + c * 4,
      k = cpu * CSTRIDE,
      cnt = this.cnt;
    if (cs[x + K_PAGE] === h + 1) {
      // slab_free() fast path: onto the CPU's own freelist.
      this.setWord(g, cs[x + K_FREE]);
      cs[x + K_FREE] = obj + 1;
      cnt[k + C_CACHED] += size;
    } else freeSlow(this, cpu, c, h, obj, g);
    cs[x + K_LIVE]--;
    cnt[k + C_FREES]++;
    cnt[k + C_REQ] -= bytes;
    cnt[k + C_ALLOC_B] -= size;
    return FREE_OK;
  }

  /** kfree of a large kmalloc (put_page of the compound page). */
  private freeBlock(cpu: number, h: number, off: number, bytes: number): number {
    if (off !== h * this.pageBytes) return FreeError.UnknownPointer;
    if (this.sInuse[h] !== bytes) return FreeError.WrongSize;
    return this.giveBlock(cpu, h);
  }

  private giveBlock(cpu: number, h: number): number {
    const requested = this.sInuse[h],
      bytes = this.pageBytes * 2 ** this.zone.usedOrder(h);
    this.gate();
    this.givePages(cpu, h);
    const k = cpu * CSTRIDE;
    this.cnt[k + C_FREES]++;
    this.cnt[k + C_REQ] -= requested;
    this.cnt[k + C_ALLOC_B] -= bytes;
    return FREE_OK;
  }

  freePages(cpu: number, address: number, order: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return FreeError.BadCpu;
    const off = address - this.base;
    if (!(off >= 0 && off < this.poolBytes) || off % this.pageBytes !== 0) return FreeError.UnknownPointer;
    const h = off / this.pageBytes;
    if (this.pgSlab[h] !== h + 1 || this.pgKind[h] !== KIND_PAGES) return FreeError.UnknownPointer;
    if (this.zone.usedOrder(h) !== order) return FreeError.WrongSize;
    return this.giveBlock(cpu, h);
  }

  map(): number {
    return FreeError.BadMapState;
  }
  unmap(): number {
    return FreeError.BadMapState;
  }

  pageStates(firstPage: number, count: number, out: Uint8Array): void {
    slubPageStates(this, firstPage, count, out);
  }

  /** A page belongs to no cache until a slab is made of it. */
  virginState(_page: number): number {
    return ChunkState.Unheld;
  }

  snapshot(out: Uint8Array): void {
    this.pageStates(0, this.P, out);
  }

  counters(): Counters {
    return sumCpuCounters(this.cnt, this.cpus, SLOTS, this.fails);
  }

  /** Live objects of cache c (allocated minus freed, over every CPU). */
  liveObjects(c: number): number {
    let n = 0;
    for (let cpu = 0; cpu < this.cpus; cpu++) n += this.cpuSlab[cpu * this.CS + c * 4 + K_LIVE];
    return n;
  }

  /** Caches in use: the kmalloc ones and the named ones created so far. */
  get caches(): number {
    return this.kmallocCount + Atomics.load(this.meta, 0);
  }

  /** Every free object (of its cache's size) and every free block of the zone. */
  freeSummary(): FreeSummary {
    const m = new Map<number, number>();
    const add = (bytes: number, n: number) => {
      if (n > 0) m.set(bytes, (m.get(bytes) ?? 0) + n);
    };
    for (let o = 0; o < MAX_ORDER; o++) add(this.pageBytes * 2 ** o, this.zone.freeBlocks(o));
    for (let c = 0; c < this.caches; c++)
      add(this.sizeOf(c), this.nodeInfo[c * NSTRIDE + N_OBJECTS] - this.liveObjects(c));
    const bytes = [...m.keys()].sort((a, b) => a - b);
    return { bytes, counts: bytes.map((b) => m.get(b) ?? 0) };
  }

  /**
   * The largest free block `cpu` could get: the zone's largest block, or the largest object of a
   * cache with a free object the CPU can reach (its own frozen slabs, or a node partial slab).
   */
  largestFree(cpu: number): number {
    let best = 0;
    for (let o = MAX_ORDER - 1; o >= 0; o--)
      if (this.zone.freeBlocks(o) > 0) {
        best = this.pageBytes * 2 ** o;
        break;
      }
    for (let c = 0; c < this.caches; c++) {
      const x = cpu * this.CS + c * 4,
        h = this.cpuSlab[x + K_PAGE] - 1;
      const reach =
        this.nodeInfo[c * NSTRIDE + N_PARTIAL] > 0 ||
        this.cpuSlab[x + K_FREE] !== 0 ||
        this.cpuSlab[x + K_PARTIAL] !== 0 ||
        (h >= 0 && this.sFree[h] !== 0);
      if (reach) best = Math.max(best, this.sizeOf(c));
    }
    return best;
  }

  handedOut(bytes: number): number {
    if (!(bytes > 0)) return 0;
    if (bytes <= this.maxCache)
      return this.sizeOf(
        bytes <= 192 ? this.small[Math.ceil(bytes / 8) - 1] : this.pow[32 - Math.clz32(Math.ceil(bytes) - 1)],
      );
    const o = getOrder(bytes);
    return this.cfg.version.largePath && o < MAX_ORDER ? this.pageBytes * 2 ** o : 0;
  }

  ownerOf(address: number): number {
    const off = address - this.base;
    if (!(off >= 0 && off < this.poolBytes)) return -1;
    const h = this.pgSlab[Math.floor(off / this.pageBytes)] - 1;
    return h >= 0 && this.pgKind[h] < KIND_LARGE ? this.sFrozen[h] - 1 : -1;
  }

  blockAt(address: number): BlockInfo | null {
    return slubBlockAt(this, address);
  }

  explainFailure(cpu: number, bytes: number) {
    return slubExplain(this, cpu, bytes);
  }

  checkInvariants(): string[] {
    return checkSlubInvariants(this);
  }

  /** /proc/slabinfo as SLUB shows it (slabinfo.ts); off the hot path. */
  slabinfo(): SlabinfoRow[] {
    return slabinfo(this);
  }

  /** /proc/buddyinfo of the zone under the slabs: free blocks of each order. */
  buddyinfo(): number[] {
    return Array.from({ length: MAX_ORDER }, (_, o) => this.zone.freeBlocks(o));
  }

  pageCaches(firstPage: number, count: number, out: Uint16Array): void {
    pageCaches(this, firstPage, count, out);
  }

  /** Names of the caches in use (kmalloc ones, then named ones as created), by index. */
  cacheNames(): string[] {
    return Array.from({ length: this.caches }, (_, c) => this.cacheName(c));
  }

  /** A cache's name: kmalloc-N (6.6: kmalloc-1k .. kmalloc-8k), or the named cache's trace index. */
  cacheName(c: number): string {
    const key = this.cacheInfo[c * ISTRIDE + I_KEY],
      size = this.sizeOf(c);
    if (key !== 0) return `cache #${key} (${size} B objects)`;
    return this.code === 66 && size >= 1024 ? `kmalloc-${size / 1024}k` : `kmalloc-${size}`;
  }
}
