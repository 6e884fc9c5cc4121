/**
 * The algorithms of Linux 2.6.18's SLAB (mm/slab.c) on the state of layout.ts: kmalloc and
 * kfree with their per-CPU array caches, and the slow paths behind them. Function names in the
 * comments are mm/slab.c's.
 *
 * - alloc (__cache_alloc): pop the calling CPU's array (LIFO), setting `touched`; when it is
 *   empty, cache_alloc_refill: from the shared array first (transfer_objects, the newest
 *   entries), else up to batchcount objects from partial slabs, then free slabs (slab_get_obj:
 *   the head of the slab's bufctl chain), setting free_touched when no partial slab is left;
 *   an array not touched since the last reap refills at most BATCHREFILL_LIMIT (16) objects;
 *   a slab that gives objects moves to the head of the full or partial list; with nothing
 *   found, cache_grow takes 2^gfporder pages from the buddy zone (plus, off-slab, a
 *   management object from slabp_cache on this CPU) and the refill runs again.
 * - free (__cache_free): push on the FREEING CPU's array; when it is full, cache_flusharray
 *   moves its oldest batchcount entries to the shared array (as many as fit) or else gives
 *   them back to their slabs (free_block: slab_put_obj, a slab that becomes free goes to the
 *   head of the free list, or is destroyed when the cache's free objects exceed free_limit; a
 *   slab still in use goes to the tail of the partial list).
 * - cache_reap runs on a CPU each time its clock passes 2 simulated seconds (REAPTIMEOUT_CPUC),
 *   cache by cache, newest cache first (cache_chain order): drain_array of the CPU's own array
 *   (an untouched array gives (limit + 4) / 5 entries, at most half rounded up; a touched one
 *   only loses its flag); once l3->next_reap has passed, every 4 s (REAPTIMEOUT_LIST3): the
 *   shared array likewise, then drain_freelist of (free_limit + 5 * num - 1) / (5 * num) free
 *   slabs from the free list's tail unless free_touched (which is then cleared).
 *
 * Our choices:
 * - The clock: a CPU's clock is its own count of successful ops; opsPerSecond of them make a
 *   second (the kernel's per-CPU reap timers are jiffies; ops are the only time a trace has, and
 *   a per-CPU clock keeps runs on CPU workers equal to inline ones). l3->next_reap starts at 4 s
 *   (the kernel adds a per-cache offset below 4 s from the cache's address) and is compared with
 *   the reaping CPU's clock.
 * - A failed allocation changes nothing: free_touched is restored and colour_next advances only
 *   when a slab is really made (the kernel advances it before asking for pages).
 * - One node, no alien caches (CONFIG_NUMA off); an SMP build, so shared arrays exist with one
 *   CPU too.
 *
 * Concurrency: a CPU's array is written only by ops on that CPU. Everything else written by the
 * slow paths (lists, slabs, shared arrays, the zone) is behind `gate()` and the slab lock (one
 * lock for all caches: the kernel's per-cache list_lock nests from an off-slab cache into its
 * management cache, one lock cannot deadlock). The fast paths touch only the object's own
 * objState and reqBytes, which no slow path touches while the object is live or in that array.
 */
import { AllocError, FreeError, FREE_OK } from '../../core/types';
import { lock, unlock } from '../../core/lock';
import { BuddyZone } from '../buddy/zone';
import type { CacheGeom } from './caches';
import type { Views } from '../../core/layout';
import type { SlabPlan } from './layout';
import {
  C,
  C_ALLOCS,
  C_ALLOC_B,
  C_CACHED,
  C_CLOCK,
  C_FAILS,
  C_FREES,
  C_HELD,
  C_REAP_AT,
  C_REQ,
  C_SHIFT,
  CACHED,
  CSTRIDE,
  FREE,
  LIVE,
  L_FREE,
  L_FULL,
  L_PARTIAL,
  MGMT,
  NSTRIDE,
  N_COLOUR,
  N_FREE_OBJS,
  N_FREE_TOUCHED,
  N_LEN,
  PAGE_BLOCK,
  SHARED,
} from './layout';
import { SLAB_CHUNK_BYTES, SLAB_PAGE_BYTES } from './params';

/** BATCHREFILL_LIMIT. */
const BATCHREFILL_LIMIT = 16;
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

export class SlabCore {
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
  private readonly locking: boolean;
  private readonly poolBytes: number;
  private readonly maxBytes: number;
  private readonly lookup: Uint8Array;
  // Per-cache constants as typed arrays: the hot paths index them.
  private readonly kObj: Int32Array;
  private readonly kLimit: Int32Array;
  private readonly kEnt: Int32Array;
  private readonly kNum: Int32Array;
  private readonly kGfp: Int32Array;
  private readonly kObjCh: Int32Array;
  private readonly kMgmtCh: Int32Array;
  private readonly kColCh: Int32Array;
  private readonly segGen: Int32Array;
  private readonly epoch: Int32Array;
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

  private mark(page: number): void {
    this.segGen[page >>> 6] = this.epoch[0];
  }

  /** kmalloc: a simulated address, or a negative AllocError (nothing changed but the failure count). */
  alloc(cpu: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return AllocError.BadCpu;
    const cb = cpu * CSTRIDE,
      cnt = this.cnt;
    if (!(bytes > 0 && bytes <= this.maxBytes && Math.floor(bytes) === bytes)) {
      cnt[cb + C_FAILS]++;
      return Number.isInteger(bytes) && bytes > this.maxBytes ? AllocError.TooLarge : AllocError.BadSize;
    }
    const k = this.lookup[(bytes + 31) >>> 5];
    const a = cpu * this.AS + 2 * k;
    const ac = this.ac;
    const avail = ac[a];
    let obj: number;
    if (avail > 0) {
      ac[a + 1] = 1;
      ac[a] = avail - 1;
      obj = this.acEnt[cpu * this.ES + this.kEnt[k] + avail - 1];
    } else {
      this.gate();
      if (this.locking) lock(this.locks, 0);
      obj = this.refill(cpu, k);
      if (this.locking) unlock(this.locks, 0);
      if (obj < 0) {
        cnt[cb + C_FAILS]++;
        return AllocError.GrowFailed;
      }
    }
    this.objState[obj] = LIVE;
    this.reqBytes[obj] = bytes;
    this.segGen[obj >>> (C_SHIFT + 6)] = this.epoch[0];
    const size = this.kObj[k];
    cnt[cb + C_ALLOCS]++;
    cnt[cb + C_REQ] += bytes;
    cnt[cb + C_ALLOC_B] += size;
    cnt[cb + C_CACHED] -= size;
    if (++cnt[cb + C_CLOCK] >= cnt[cb + C_REAP_AT]) this.reap(cpu);
    return this.base + obj * SLAB_CHUNK_BYTES;
  }

  /** kfree: 0, or a negative FreeError (nothing changed). */
  free(cpu: number, address: number, bytes: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return FreeError.BadCpu;
    const off = address - this.base;
    if (!(off >= 0 && off < this.poolBytes) || off % SLAB_CHUNK_BYTES !== 0) return FreeError.UnknownPointer;
    const obj = off / SLAB_CHUNK_BYTES;
    const page = obj >>> C_SHIFT;
    const pc = this.pgCache[page];
    if (pc === 0 || pc === PAGE_BLOCK) return FreeError.UnknownPointer;
    const k = pc - 1;
    const first = page & ~((1 << this.kGfp[k]) - 1);
    const oc = this.kObjCh[k];
    const d = obj - first * C - this.slColour[first] * this.kColCh[k] - this.kMgmtCh[k];
    if (d < 0 || d % oc !== 0 || d >= this.kNum[k] * oc) return FreeError.UnknownPointer;
    const st = this.objState[obj];
    if (st !== LIVE) return st === MGMT ? FreeError.UnknownPointer : FreeError.DoubleFree;
    if (this.reqBytes[obj] !== bytes) return FreeError.WrongSize;
    this.reqBytes[obj] = 0;
    const a = cpu * this.AS + 2 * k;
    if (this.ac[a] >= this.kLimit[k]) {
      this.gate();
      if (this.locking) lock(this.locks, 0);
      this.flusharray(cpu, k);
      if (this.locking) unlock(this.locks, 0);
    }
    const avail = this.ac[a];
    this.acEnt[cpu * this.ES + this.kEnt[k] + avail] = obj;
    this.ac[a] = avail + 1;
    this.objState[obj] = CACHED + cpu;
    this.segGen[page >>> 6] = this.epoch[0];
    const cb = cpu * CSTRIDE,
      cnt = this.cnt,
      size = this.kObj[k];
    cnt[cb + C_FREES]++;
    cnt[cb + C_REQ] -= bytes;
    cnt[cb + C_ALLOC_B] -= size;
    cnt[cb + C_CACHED] += size;
    if (++cnt[cb + C_CLOCK] >= cnt[cb + C_REAP_AT]) this.reap(cpu);
    return FREE_OK;
  }

  /** alloc_pages: 2^order pages straight from the zone (trace page events), their address or an AllocError. */
  allocPages(cpu: number, order: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return AllocError.BadCpu;
    const cb = cpu * CSTRIDE,
      cnt = this.cnt;
    if (!(Number.isInteger(order) && order >= 0 && order <= 10)) {
      cnt[cb + C_FAILS]++;
      return AllocError.BadSize;
    }
    this.gate();
    if (this.locking) lock(this.locks, 0);
    const f = this.zone.alloc(order);
    if (f >= 0) for (let q = f; q < f + (1 << order); q++) this.setPage(q, PAGE_BLOCK);
    if (this.locking) unlock(this.locks, 0);
    if (f < 0) {
      cnt[cb + C_FAILS]++;
      return AllocError.GrowFailed;
    }
    const bytes = SLAB_PAGE_BYTES << order;
    cnt[cb + C_ALLOCS]++;
    cnt[cb + C_REQ] += bytes;
    cnt[cb + C_ALLOC_B] += bytes;
    this.held(cpu, bytes);
    if (++cnt[cb + C_CLOCK] >= cnt[cb + C_REAP_AT]) this.reap(cpu);
    return this.base + f * SLAB_PAGE_BYTES;
  }

  /** free_pages of a block allocPages gave. */
  freePages(cpu: number, address: number, order: number): number {
    if (!(cpu >= 0 && cpu < this.cpus && (cpu | 0) === cpu)) return FreeError.BadCpu;
    const off = address - this.base;
    if (!(off >= 0 && off < this.poolBytes) || off % SLAB_PAGE_BYTES !== 0) return FreeError.UnknownPointer;
    const f = off / SLAB_PAGE_BYTES;
    const o = this.zone.usedOrder(f);
    if (this.pgCache[f] !== PAGE_BLOCK || o < 0) return FreeError.UnknownPointer;
    if (o !== order) return FreeError.WrongSize;
    this.gate();
    if (this.locking) lock(this.locks, 0);
    for (let q = f; q < f + (1 << o); q++) this.setPage(q, 0);
    this.zone.free(f, o);
    if (this.locking) unlock(this.locks, 0);
    const bytes = SLAB_PAGE_BYTES << o,
      cb = cpu * CSTRIDE,
      cnt = this.cnt;
    cnt[cb + C_FREES]++;
    cnt[cb + C_REQ] -= bytes;
    cnt[cb + C_ALLOC_B] -= bytes;
    this.held(cpu, -bytes);
    if (++cnt[cb + C_CLOCK] >= cnt[cb + C_REAP_AT]) this.reap(cpu);
    return FREE_OK;
  }

  private setPage(q: number, v: number): void {
    this.pgCache[q] = v;
    this.mark(q);
  }

  private held(cpu: number, bytes: number): void {
    this.cnt[cpu * CSTRIDE + C_HELD] += bytes;
    this.onHeldChange?.(bytes);
  }

  // ---- slab lists (struct list_head ops on the first pages' links) ----

  private listAdd(k: number, L: number, f: number, atTail: boolean): void {
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

  private listDel(k: number, f: number): void {
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
  private objAt(k: number, f: number, i: number): number {
    return f * C + this.slColour[f] * this.kColCh[k] + this.kMgmtCh[k] + i * this.kObjCh[k];
  }

  // ---- the slow paths; the caller holds the gate and the slab lock ----

  /** An object of cache k for a slab's management (kmem_cache_alloc on this CPU), or -1. */
  private allocObj(cpu: number, k: number): number {
    const a = cpu * this.AS + 2 * k;
    const avail = this.ac[a];
    let obj: number;
    if (avail > 0) {
      this.ac[a + 1] = 1;
      this.ac[a] = avail - 1;
      obj = this.acEnt[cpu * this.ES + this.kEnt[k] + avail - 1];
    } else obj = this.refill(cpu, k);
    if (obj >= 0) this.cnt[cpu * CSTRIDE + C_CACHED] -= this.kObj[k];
    return obj;
  }

  /**
   * cache_alloc_refill: refill cpu's empty array of cache k and pop one object (its chunk id), or -1.
   * The popped object still counts as cached: the caller takes it out of the count.
   */
  private refill(cpu: number, k: number): number {
    const ac = this.ac,
      e = this.acEnt,
      a = cpu * this.AS + 2 * k,
      at = cpu * this.ES + this.kEnt[k];
    const nb = k * NSTRIDE,
      n = this.node;
    const touchedBefore = n[nb + N_FREE_TOUCHED];
    const size = this.kObj[k];
    for (;;) {
      let bc = this.caches[k].batchcount;
      if (!ac[a + 1] && bc > BATCHREFILL_LIMIT) bc = BATCHREFILL_LIMIT;
      let avail = 0;
      const sh = this.shAvail[k];
      const nr = Math.min(sh, bc, this.kLimit[k]);
      if (nr > 0) {
        // transfer_objects: the shared array's newest nr entries, in order.
        const from = this.shOff[k] + sh - nr;
        for (let j = 0; j < nr; j++) {
          const obj = this.shEnt[from + j];
          e[at + j] = obj;
          this.setState(obj, CACHED + cpu);
        }
        this.shAvail[k] = sh - nr;
        avail = nr;
      } else {
        while (bc > 0) {
          let f = n[nb + 2 * L_PARTIAL] - 1;
          if (f < 0) {
            n[nb + N_FREE_TOUCHED] = 1;
            f = n[nb + 2 * L_FREE] - 1;
            if (f < 0) break;
          }
          const take = Math.min(bc, this.kNum[k] - this.slInuse[f]);
          for (let j = 0; j < take; j++) {
            const i = this.slFree[f];
            const bi = f * C + i;
            this.slFree[f] = this.bufctl[bi];
            const obj = this.objAt(k, f, i);
            e[at + avail++] = obj;
            this.setState(obj, CACHED + cpu);
          }
          this.slInuse[f] += take;
          bc -= take;
          this.listDel(k, f);
          this.listAdd(k, this.slFree[f] < 0 ? L_FULL : L_PARTIAL, f, false);
        }
        n[nb + N_FREE_OBJS] -= avail;
        this.cnt[cpu * CSTRIDE + C_CACHED] += avail * size;
      }
      if (avail === 0) {
        if (this.grow(cpu, k)) continue;
        n[nb + N_FREE_TOUCHED] = touchedBefore;
        return -1;
      }
      ac[a + 1] = 1;
      ac[a] = avail - 1;
      return e[at + avail - 1];
    }
  }

  private setState(obj: number, st: number): void {
    this.objState[obj] = st;
    this.mark(obj >>> C_SHIFT);
  }

  /** cache_grow: a new slab of cache k on its free list's tail; false (nothing changed) when no pages or management. */
  private grow(cpu: number, k: number): boolean {
    const c = this.caches[k],
      g = c.gfporder;
    const f = this.zone.alloc(g);
    if (f < 0) return false;
    let mgmt = -1;
    if (c.offSlab) {
      mgmt = this.allocObj(cpu, c.mgmtCache);
      if (mgmt < 0) {
        this.zone.free(f, g);
        return false;
      }
      this.setState(mgmt, MGMT);
      this.reqBytes[mgmt] = c.slabSize;
    }
    const nb = k * NSTRIDE;
    const colour = this.node[nb + N_COLOUR];
    this.node[nb + N_COLOUR] = colour + 1 >= c.colour ? 0 : colour + 1;
    for (let q = f; q < f + (1 << g); q++) this.setPage(q, k + 1);
    this.slColour[f] = colour;
    this.slInuse[f] = 0;
    this.slFree[f] = 0;
    this.slMgmt[f] = mgmt + 1;
    // cache_init_objs: bufctl[i] = i + 1, the last BUFCTL_END.
    const b = f * C;
    for (let i = 0; i < c.num; i++) this.bufctl[b + i] = i + 1 < c.num ? i + 1 : -1;
    for (let q = f; q <= f + ((c.num - 1) >>> C_SHIFT); q++) this.mark(q);
    this.listAdd(k, L_FREE, f, true);
    this.node[nb + N_FREE_OBJS] += c.num;
    this.held(cpu, SLAB_PAGE_BYTES << g);
    return true;
  }

  /** slab_destroy: the slab's pages back to the zone, then its off-slab management object freed on this CPU. */
  private destroy(cpu: number, k: number, f: number): void {
    const c = this.caches[k],
      g = c.gfporder;
    for (let q = f; q < f + (1 << g); q++) this.setPage(q, 0);
    const mgmt = this.slMgmt[f] - 1;
    this.slMgmt[f] = 0;
    this.zone.free(f, g);
    this.held(cpu, -(SLAB_PAGE_BYTES << g));
    if (mgmt >= 0) {
      this.reqBytes[mgmt] = 0;
      this.cacheFree(cpu, c.mgmtCache, mgmt);
    }
  }

  /** __cache_free inside a slow path (a management object). */
  private cacheFree(cpu: number, k: number, obj: number): void {
    const a = cpu * this.AS + 2 * k;
    if (this.ac[a] >= this.kLimit[k]) this.flusharray(cpu, k);
    const avail = this.ac[a];
    this.acEnt[cpu * this.ES + this.kEnt[k] + avail] = obj;
    this.ac[a] = avail + 1;
    this.setState(obj, CACHED + cpu);
    this.cnt[cpu * CSTRIDE + C_CACHED] += this.kObj[k];
  }

  /** cache_flusharray: the oldest batchcount entries to the shared array (as many as fit), else to their slabs. */
  private flusharray(cpu: number, k: number): void {
    const a = cpu * this.AS + 2 * k,
      at = cpu * this.ES + this.kEnt[k];
    let bc = this.caches[k].batchcount;
    const room = this.caches[k].sharedLimit - this.shAvail[k];
    if (room > 0) {
      if (bc > room) bc = room;
      const to = this.shOff[k] + this.shAvail[k];
      for (let j = 0; j < bc; j++) {
        const obj = this.acEnt[at + j];
        this.shEnt[to + j] = obj;
        this.setState(obj, SHARED);
      }
      this.shAvail[k] += bc;
    } else this.freeBlock(cpu, k, this.acEnt, at, bc);
    const left = this.ac[a] - bc;
    this.acEnt.copyWithin(at, at + bc, at + bc + left);
    this.ac[a] = left;
  }

  /** free_block: objects arr[from .. from + count) of cache k (out of an array) back to their slabs. */
  private freeBlock(cpu: number, k: number, arr: Int32Array, from: number, count: number): void {
    const c = this.caches[k],
      nb = k * NSTRIDE,
      n = this.node;
    this.cnt[cpu * CSTRIDE + C_CACHED] -= count * c.objBytes;
    for (let j = 0; j < count; j++) {
      const obj = arr[from + j];
      const f = (obj >>> C_SHIFT) & ~((1 << c.gfporder) - 1);
      const i = (obj - f * C - this.slColour[f] * c.colourChunks - c.mgmtChunks) / c.objChunks;
      this.listDel(k, f);
      this.bufctl[f * C + i] = this.slFree[f];
      this.slFree[f] = i;
      this.slInuse[f]--;
      this.setState(obj, FREE);
      this.mark(f + (i >>> C_SHIFT));
      n[nb + N_FREE_OBJS]++;
      if (this.slInuse[f] === 0) {
        if (n[nb + N_FREE_OBJS] > c.freeLimit) {
          n[nb + N_FREE_OBJS] -= c.num;
          this.destroy(cpu, k, f);
        } else this.listAdd(k, L_FREE, f, false);
      } else this.listAdd(k, L_PARTIAL, f, true);
    }
  }

  /** cache_reap on `cpu` (its clock just passed a multiple of 2 s). */
  private reap(cpu: number): void {
    const cb = cpu * CSTRIDE;
    this.cnt[cb + C_REAP_AT] += this.reapOps;
    const now = this.cnt[cb + C_CLOCK] / this.opsPerSecond;
    this.gate();
    if (this.locking) lock(this.locks, 0);
    for (let k = this.caches.length - 1; k >= 0; k--) {
      const c = this.caches[k];
      const a = cpu * this.AS + 2 * k;
      const avail = this.ac[a];
      if (avail > 0) {
        if (this.ac[a + 1]) this.ac[a + 1] = 0;
        else this.ac[a] = this.drain(cpu, k, this.acEnt, cpu * this.ES + this.kEnt[k], avail, c.limit);
      }
      if (this.nextReap[k] > now) continue;
      this.nextReap[k] = now + REAP_LIST_SECONDS;
      // The shared array's touched flag is never set in 2.6.18 (transfer_objects sets the CPU array's).
      if (this.shAvail[k] > 0)
        this.shAvail[k] = this.drain(cpu, k, this.shEnt, this.shOff[k], this.shAvail[k], c.sharedLimit);
      const nb = k * NSTRIDE;
      if (this.node[nb + N_FREE_TOUCHED]) this.node[nb + N_FREE_TOUCHED] = 0;
      else this.drainFreelist(cpu, k, Math.floor((c.freeLimit + 5 * c.num - 1) / (5 * c.num)));
    }
    if (this.locking) unlock(this.locks, 0);
  }

  /** drain_array's untouched case: (limit + 4) / 5 of the oldest entries (at most half, rounded up) to their slabs; the new avail. */
  private drain(cpu: number, k: number, arr: Int32Array, at: number, avail: number, limit: number): number {
    let tofree = Math.floor((limit + 4) / 5);
    if (tofree > avail) tofree = Math.floor((avail + 1) / 2);
    this.freeBlock(cpu, k, arr, at, tofree);
    arr.copyWithin(at, at + tofree, at + avail);
    return avail - tofree;
  }

  /** drain_freelist: destroy up to `tofree` slabs from the free list's tail. */
  private drainFreelist(cpu: number, k: number, tofree: number): void {
    const nb = k * NSTRIDE;
    for (let done = 0; done < tofree; done++) {
      const f = this.node[nb + 2 * L_FREE + 1] - 1;
      if (f < 0) return;
      this.listDel(k, f);
      this.node[nb + N_FREE_OBJS] -= this.caches[k].num;
      this.destroy(cpu, k, f);
    }
  }
}
