/**
 * SLUB's state and its primitives: the views of the layout (layout.ts), object words, the node
 * partial lists, and slabs taken from and given back to the zone (mm/slub.c new_slab,
 * discard_slab, add_partial, remove_partial). The algorithms are in slow.ts (slow paths) and
 * slub.ts (fast paths); the readers (map, hover, checks) read this state only.
 */
import { lock, unlock } from '../../core/lock';
import { stateFields, viewsOf } from '../../core/layout';
import { allocatorBuffers, DirtyPages } from '../../core/dirty';
import type { StateField } from '../../core/types';
import { BuddyZone } from '../buddy/zone';
import {
  cacheCount,
  cpuStride,
  CSTRIDE,
  C_CACHED,
  C_HELD,
  GRANULE,
  ISTRIDE,
  I_MIN_OBJECTS,
  I_MIN_ORDER,
  I_OBJECTS,
  I_ORDER,
  I_SIZE,
  LINE_I32,
  LIST_NODE,
  NSTRIDE,
  N_HEAD,
  N_OBJECTS,
  N_PARTIAL,
  N_SLABS,
  N_TAIL,
  planOf,
  type SlubPlan,
} from './layout';
import type { SlubConfig } from './params';
import type { SlubCode } from './versions';

export class SlubState {
  readonly cfg: SlubConfig;
  readonly code: SlubCode;
  readonly cpus: number;
  readonly P: number;
  /** Granules (8 bytes) per page. */
  readonly G: number;
  /** Cache slots; the first `kmallocCount` are the kmalloc caches. */
  readonly NC: number;
  readonly kmallocCount: number;
  /** i32 slots per CPU in cpuSlab. */
  readonly CS: number;
  readonly pageBytes: number;
  readonly base: number;
  /** Per-CPU partial lists (3.6 always; 6.6 with cpuPartial; never in 2.6.22). */
  readonly hasCpuPartial: boolean;
  /** Several threads may run ops: slow paths take their cache's lock. */
  readonly shared: boolean;
  readonly plan: SlubPlan;
  readonly buffers: readonly ArrayBufferLike[];
  readonly fields: readonly StateField[];
  readonly dirty: DirtyPages;
  readonly zone: BuddyZone;
  gate: () => void = () => {};
  onHeldChange: ((bytes: number) => void) | null = null;

  readonly locks: Int32Array;
  readonly cnt: Float64Array;
  readonly fails: Float64Array;
  readonly cpuSlab: Int32Array;
  readonly cacheInfo: Int32Array;
  readonly nodeInfo: Int32Array;
  readonly meta: Int32Array;
  readonly pgSlab: Int32Array;
  readonly pgKind: Uint8Array;
  readonly sFree: Int32Array;
  readonly sInuse: Int32Array;
  readonly sObjects: Int32Array;
  readonly sNext: Int32Array;
  readonly sPrev: Int32Array;
  readonly sAux: Int32Array;
  readonly sAux2: Int32Array;
  readonly sFrozen: Uint8Array;
  readonly sList: Uint8Array;
  readonly oLo: Uint8Array;
  readonly oHi: Uint8Array;
  protected readonly segGen: Int32Array;
  protected readonly epoch: Int32Array;

  static bytesNeeded(cfg: SlubConfig): number {
    return planOf(cfg).byteLength + DirtyPages.bytesNeeded(cfg.pages);
  }

  constructor(cfg: SlubConfig, buffers: readonly ArrayBufferLike[] | undefined, init: boolean) {
    this.cfg = cfg;
    this.code = cfg.version.code;
    this.cpus = cfg.cpus;
    this.P = cfg.pages;
    this.G = cfg.pageBytes / GRANULE;
    this.NC = cacheCount(cfg);
    this.kmallocCount = cfg.version.kmallocSizes.length;
    this.CS = cpuStride(this.NC);
    this.pageBytes = cfg.pageBytes;
    this.base = cfg.baseAddress;
    this.hasCpuPartial = this.code === 36 || (this.code === 66 && cfg.cpuPartial === 1);
    this.shared = cfg.cpus > 1;
    this.plan = planOf(cfg);
    const b = allocatorBuffers(this.plan, cfg.pages, buffers, init);
    this.buffers = b.all;
    this.dirty = b.dirty;
    this.segGen = b.dirty.segGen;
    this.epoch = b.dirty.epoch;
    const v = viewsOf(this.plan, b.layout);
    this.fields = stateFields(this.plan, v);
    this.locks = v.locks;
    this.cnt = v.counters;
    this.fails = v.failures;
    this.cpuSlab = v.cpuSlab;
    this.cacheInfo = v.cacheInfo;
    this.nodeInfo = v.nodeInfo;
    this.meta = v.meta;
    this.pgSlab = v.pgSlab;
    this.pgKind = v.pgKind;
    this.sFree = v.sFree;
    this.sInuse = v.sInuse;
    this.sObjects = v.sObjects;
    this.sNext = v.sNext;
    this.sPrev = v.sPrev;
    this.sAux = v.sAux;
    this.sAux2 = v.sAux2;
    this.sFrozen = v.sFrozen;
    this.sList = v.sList;
    this.oLo = v.oLo;
    this.oHi = v.oHi;
    this.zone = new BuddyZone(v, cfg.pages, b.dirty, this.shared);
    if (init) this.zone.init();
  }

  mark(page: number): void {
    this.segGen[page >>> 6] = this.epoch[0];
  }

  /** The 16-bit object word at granule g (layout.ts: oLo, oHi). */
  word(g: number): number {
    return this.oLo[g] | (this.oHi[g] << 8);
  }

  setWord(g: number, v: number): void {
    this.oLo[g] = v;
    this.oHi[g] = v >>> 8;
    this.segGen[(g / this.G) >>> 6] = this.epoch[0]; // (g / G) >>> 6 truncates: the page's segment
  }

  /** Global granule of object `idx` of the slab at page `h`. */
  granule(h: number, idx: number, size: number): number {
    return h * this.G + (idx * size) / GRANULE;
  }

  /** Objects of the slab at `h` (page->objects: its order's, which may be the fallback order). */
  objectsOf(h: number): number {
    return this.sObjects[h];
  }

  sizeOf(c: number): number {
    return this.cacheInfo[c * ISTRIDE + I_SIZE];
  }

  lockCache(c: number): void {
    if (this.shared) lock(this.locks, c * LINE_I32);
  }

  unlockCache(c: number): void {
    if (this.shared) unlock(this.locks, c * LINE_I32);
  }

  /** Free objects of frozen slabs change by `bytes` (Counters.pendingBytes), on the executing CPU. */
  cached(cpu: number, bytes: number): void {
    this.cnt[cpu * CSTRIDE + C_CACHED] += bytes;
  }

  /** add_partial(): at the head, or at the tail (add_partial_tail, DEACTIVATE_TO_TAIL). */
  addPartial(c: number, h: number, tail: boolean): void {
    const n = c * NSTRIDE,
      ni = this.nodeInfo;
    this.sList[h] = LIST_NODE;
    if (ni[n + N_HEAD] === 0) {
      ni[n + N_HEAD] = ni[n + N_TAIL] = h + 1;
      this.sNext[h] = this.sPrev[h] = 0;
    } else if (tail) {
      const t = ni[n + N_TAIL] - 1;
      this.sNext[t] = h + 1;
      this.mark(t);
      this.sPrev[h] = t + 1;
      this.sNext[h] = 0;
      ni[n + N_TAIL] = h + 1;
    } else {
      const f = ni[n + N_HEAD] - 1;
      this.sPrev[f] = h + 1;
      this.mark(f);
      this.sNext[h] = f + 1;
      this.sPrev[h] = 0;
      ni[n + N_HEAD] = h + 1;
    }
    ni[n + N_PARTIAL]++;
    this.mark(h);
  }

  removePartial(c: number, h: number): void {
    const n = c * NSTRIDE,
      ni = this.nodeInfo;
    const nx = this.sNext[h] - 1,
      pv = this.sPrev[h] - 1;
    if (pv >= 0) {
      this.sNext[pv] = nx + 1;
      this.mark(pv);
    } else ni[n + N_HEAD] = nx + 1;
    if (nx >= 0) {
      this.sPrev[nx] = pv + 1;
      this.mark(nx);
    } else ni[n + N_TAIL] = pv + 1;
    this.sNext[h] = this.sPrev[h] = 0;
    this.sList[h] = 0;
    ni[n + N_PARTIAL]--;
    this.mark(h);
  }

  /** Take 2^order pages for a block of kind `kind` (pgSlab, pgKind); the first page, or -1. */
  takePages(cpu: number, order: number, kind: number): number {
    const h = this.zone.alloc(order);
    if (h < 0) return -1;
    const pages = 2 ** order;
    for (let p = h; p < h + pages; p++) {
      this.pgSlab[p] = h + 1;
      if ((p & 63) === 0 || p === h) this.mark(p);
    }
    this.pgKind[h] = kind;
    const bytes = this.pageBytes * pages;
    this.cnt[cpu * CSTRIDE + C_HELD] += bytes;
    this.onHeldChange?.(bytes);
    return h;
  }

  /** Give the block at `h` back to the zone and clear what its first page recorded. */
  givePages(cpu: number, h: number): void {
    const order = this.zone.usedOrder(h),
      pages = 2 ** order;
    for (let p = h; p < h + pages; p++) {
      this.pgSlab[p] = 0;
      if ((p & 63) === 0 || p === h) this.mark(p);
    }
    this.pgKind[h] = 0;
    this.sFree[h] =
      this.sInuse[h] =
      this.sObjects[h] =
      this.sNext[h] =
      this.sPrev[h] =
      this.sAux[h] =
      this.sAux2[h] =
        0;
    this.sFrozen[h] = this.sList[h] = 0;
    this.zone.free(h, order);
    const bytes = this.pageBytes * pages;
    this.cnt[cpu * CSTRIDE + C_HELD] -= bytes;
    this.onHeldChange?.(-bytes);
  }

  /**
   * new_slab(): a slab of cache `c` from the zone at the cache's order, or (3.6, 6.6
   * allocate_slab) at the fallback order s->min when that fails; its objects linked in address
   * order (page->freelist = the first). Returns the first page, or -1. The caller sets inuse
   * and freezes it.
   */
  newSlab(cpu: number, c: number): number {
    const ci = c * ISTRIDE,
      size = this.cacheInfo[ci + I_SIZE];
    let h = this.takePages(cpu, this.cacheInfo[ci + I_ORDER], c + 1);
    if (h < 0 && this.code !== 2622 && this.cacheInfo[ci + I_MIN_ORDER] < this.cacheInfo[ci + I_ORDER])
      h = this.takePages(cpu, this.cacheInfo[ci + I_MIN_ORDER], c + 1);
    if (h < 0) return -1;
    const objects = Math.floor((this.pageBytes << this.zone.usedOrder(h)) / size);
    this.sObjects[h] = objects;
    for (let i = 0; i < objects; i++) this.setWord(this.granule(h, i, size), i + 1 < objects ? i + 2 : 0);
    this.sFree[h] = 1;
    const n = c * NSTRIDE;
    this.nodeInfo[n + N_SLABS]++;
    this.nodeInfo[n + N_OBJECTS] += objects;
    return h;
  }

  /** discard_slab(): an empty slab, on no list and not frozen, back to the zone. */
  discardSlab(cpu: number, c: number, h: number): void {
    const n = c * NSTRIDE;
    this.nodeInfo[n + N_SLABS]--;
    this.nodeInfo[n + N_OBJECTS] -= this.sObjects[h];
    this.givePages(cpu, h);
  }

  /** Unused by the hot paths: the fallback order's objects, for slabinfo and checks. */
  fallbackObjects(c: number): number {
    return this.cacheInfo[c * ISTRIDE + I_MIN_OBJECTS];
  }

  objectsPerSlab(c: number): number {
    return this.cacheInfo[c * ISTRIDE + I_OBJECTS];
  }
}
