/**
 * The state of one SLAB instance as the algorithms see it (views of layout.ts's fields, the
 * caches' constants as typed arrays) and the primitives they share: dirty stamps, page marks,
 * the held-bytes hook, object states, and the slab lists (struct list_head on the slabs' first
 * pages). backend.ts builds the slow paths on it, core.ts the fast ones.
 */
import type { Views } from '../../core/layout';
import { BuddyZone } from '../buddy/zone';
import type { CacheGeom } from './caches';
import { C, C_HELD, C_REAP_AT, CSTRIDE, C_SHIFT, NSTRIDE, N_LEN, type SlabPlan } from './layout';
import { SLAB_PAGE_BYTES } from './params';

/** REAPTIMEOUT_CPUC and REAPTIMEOUT_LIST3, in seconds. */
export const REAP_CPU_SECONDS = 2;
export const REAP_LIST_SECONDS = 4;

/** The views and constants the algorithms work on (SlabAllocator builds them). */
export interface CoreInit {
  cpus: number;
  pages: number;
  base: number;
  opsPerSecond: number;
  caches: readonly CacheGeom[];
  entOff: readonly number[];
  shOff: readonly number[];
  AS: number;
  ES: number;
  lookup: Uint8Array;
  zone: BuddyZone;
  segGen: Int32Array;
  epoch: Int32Array;
  views: Views<SlabPlan['fields']>;
}

export class SlabBase {
  gate: () => void = () => {};
  onHeldChange: ((bytes: number) => void) | null = null;
  readonly cpus: number;
  readonly P: number;
  readonly base: number;
  readonly caches: readonly CacheGeom[];
  readonly entOff: readonly number[];
  readonly shOff: readonly number[];
  readonly AS: number;
  readonly ES: number;
  readonly zone: BuddyZone;
  readonly opsPerSecond: number;
  /** Ops of a CPU between two reaps (0: never). */
  readonly reapOps: number;
  /** More than one CPU: slow paths take the slab lock (one CPU runs every op on one thread). */
  protected readonly locking: boolean;
  protected readonly poolBytes: number;
  protected readonly maxBytes: number;
  protected readonly lookup: Uint8Array;
  // Per-cache constants as typed arrays: the hot paths index them.
  protected readonly kObj: Int32Array;
  protected readonly kLimit: Int32Array;
  protected readonly kEnt: Int32Array;
  protected readonly kNum: Int32Array;
  protected readonly kGfp: Int32Array;
  protected readonly kObjCh: Int32Array;
  protected readonly kMgmtCh: Int32Array;
  protected readonly kColCh: Int32Array;
  protected readonly segGen: Int32Array;
  protected readonly epoch: Int32Array;
  readonly locks: Int32Array;
  /** The `counters` field (per executing CPU, CSTRIDE slots each). */
  readonly cnt: Float64Array;
  readonly ac: Int32Array;
  readonly acEnt: Int32Array;
  readonly shAvail: Int32Array;
  readonly shEnt: Int32Array;
  readonly node: Int32Array;
  readonly nextReap: Float64Array;
  readonly zCount: Int32Array;
  readonly pgCache: Uint8Array;
  readonly slNext: Int32Array;
  readonly slPrev: Int32Array;
  readonly slInuse: Int32Array;
  readonly slFree: Int32Array;
  readonly slColour: Uint8Array;
  readonly slList: Uint8Array;
  readonly slMgmt: Int32Array;
  readonly bufctl: Int32Array;
  readonly objState: Uint8Array;
  readonly reqBytes: Int32Array;

  constructor(i: CoreInit) {
    this.cpus = i.cpus;
    this.P = i.pages;
    this.base = i.base;
    this.caches = i.caches;
    this.entOff = i.entOff;
    this.shOff = i.shOff;
    this.AS = i.AS;
    this.ES = i.ES;
    this.zone = i.zone;
    this.opsPerSecond = i.opsPerSecond;
    this.reapOps = REAP_CPU_SECONDS * i.opsPerSecond;
    this.locking = i.cpus > 1;
    this.poolBytes = i.pages * SLAB_PAGE_BYTES;
    this.maxBytes = i.caches[i.caches.length - 1].csSize;
    this.lookup = i.lookup;
    const col = (f: (c: CacheGeom) => number) => Int32Array.from(i.caches, f);
    this.kObj = col((c) => c.objBytes);
    this.kLimit = col((c) => c.limit);
    this.kEnt = Int32Array.from(i.entOff);
    this.kNum = col((c) => c.num);
    this.kGfp = col((c) => c.gfporder);
    this.kObjCh = col((c) => c.objChunks);
    this.kMgmtCh = col((c) => c.mgmtChunks);
    this.kColCh = col((c) => c.colourChunks);
    this.segGen = i.segGen;
    this.epoch = i.epoch;
    const v = i.views;
    this.locks = v.locks;
    this.cnt = v.counters;
    this.ac = v.ac;
    this.acEnt = v.acEnt;
    this.shAvail = v.shAvail;
    this.shEnt = v.shEnt;
    this.node = v.node;
    this.nextReap = v.nextReap;
    this.zCount = v.zCount;
    this.pgCache = v.pgCache;
    this.slNext = v.slNext;
    this.slPrev = v.slPrev;
    this.slInuse = v.slInuse;
    this.slFree = v.slFree;
    this.slColour = v.slColour;
    this.slList = v.slList;
    this.slMgmt = v.slMgmt;
    this.bufctl = v.bufctl;
    this.objState = v.objState;
    this.reqBytes = v.reqBytes;
  }

  /** A fresh start: the zone's blocks, every CPU's first reap, every cache's next_reap. */
  protected initState(): void {
    this.zone.init();
    for (let c = 0; c < this.cpus; c++) this.cnt[c * CSTRIDE + C_REAP_AT] = this.reapOps > 0 ? this.reapOps : Infinity;
    this.nextReap.fill(REAP_LIST_SECONDS);
  }

  protected mark(page: number): void {
    this.segGen[page >>> 6] = this.epoch[0];
  }

  protected setPage(q: number, v: number): void {
    this.pgCache[q] = v;
    this.mark(q);
  }

  protected held(cpu: number, bytes: number): void {
    this.cnt[cpu * CSTRIDE + C_HELD] += bytes;
    this.onHeldChange?.(bytes);
  }

  // ---- slab lists (struct list_head ops on the first pages' links) ----

  protected listAdd(k: number, L: number, f: number, atTail: boolean): void {
    const n = this.node,
      b = k * NSTRIDE + 2 * L;
    if (atTail) {
      const t = n[b + 1];
      this.slPrev[f] = t;
      this.slNext[f] = 0;
      if (t) {
        this.slNext[t - 1] = f + 1;
        this.mark(t - 1);
      } else n[b] = f + 1;
      n[b + 1] = f + 1;
    } else {
      const h = n[b];
      this.slNext[f] = h;
      this.slPrev[f] = 0;
      if (h) {
        this.slPrev[h - 1] = f + 1;
        this.mark(h - 1);
      } else n[b + 1] = f + 1;
      n[b] = f + 1;
    }
    this.slList[f] = L + 1;
    n[k * NSTRIDE + N_LEN + L]++;
    this.mark(f);
  }

  protected listDel(k: number, f: number): void {
    const n = this.node,
      L = this.slList[f] - 1,
      b = k * NSTRIDE + 2 * L;
    const nx = this.slNext[f],
      pv = this.slPrev[f];
    if (pv) {
      this.slNext[pv - 1] = nx;
      this.mark(pv - 1);
    } else n[b] = nx;
    if (nx) {
      this.slPrev[nx - 1] = pv;
      this.mark(nx - 1);
    } else n[b + 1] = pv;
    this.slNext[f] = 0;
    this.slPrev[f] = 0;
    this.slList[f] = 0;
    n[k * NSTRIDE + N_LEN + L]--;
    this.mark(f);
  }

  /** The chunk id of object i of the slab at page f of cache k. */
  protected objAt(k: number, f: number, i: number): number {
    return f * C + this.slColour[f] * this.kColCh[k] + this.kMgmtCh[k] + i * this.kObjCh[k];
  }

  protected setState(obj: number, st: number): void {
    this.objState[obj] = st;
    this.mark(obj >>> C_SHIFT);
  }
}
