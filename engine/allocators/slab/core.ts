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
import { SlabBackend } from './backend';
import {
  C,
  C_ALLOCS,
  C_ALLOC_B,
  C_CACHED,
  C_CLOCK,
  C_FAILS,
  C_FREES,
  C_REAP_AT,
  C_REQ,
  C_SHIFT,
  CACHED,
  CSTRIDE,
  LIVE,
  MGMT,
  PAGE_BLOCK,
} from './layout';
import { SLAB_CHUNK_BYTES, SLAB_PAGE_BYTES } from './params';

export class SlabCore extends SlabBackend {
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
}
