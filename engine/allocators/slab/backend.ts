/**
 * SLAB's slow paths (mm/slab.c of v2.6.18), behind the fast paths of core.ts: the caller has
 * called gate() and holds the slab lock (one lock for every cache: the kernel's per-cache
 * list_lock nests from an off-slab cache into its management cache; one lock cannot deadlock).
 * What each function does is in core.ts's header and above each method.
 */
import { lock, unlock } from '../../core/lock';
import { SlabBase, REAP_LIST_SECONDS } from './base';
import {
  C,
  C_CACHED,
  C_CLOCK,
  C_REAP_AT,
  C_SHIFT,
  CACHED,
  CSTRIDE,
  FREE,
  L_FREE,
  L_FULL,
  L_PARTIAL,
  MGMT,
  NSTRIDE,
  N_COLOUR,
  N_FREE_OBJS,
  N_FREE_TOUCHED,
  SHARED,
} from './layout';
import { SLAB_PAGE_BYTES } from './params';

/** BATCHREFILL_LIMIT. */
const BATCHREFILL_LIMIT = 16;

export class SlabBackend extends SlabBase {
  /** An object of cache k for a slab's management (kmem_cache_alloc on this CPU), or -1. */
  protected allocObj(cpu: number, k: number): number {
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
  protected refill(cpu: number, k: number): number {
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

  /** cache_grow: a new slab of cache k on its free list's tail; false (nothing changed) when no pages or management. */
  protected grow(cpu: number, k: number): boolean {
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
  protected destroy(cpu: number, k: number, f: number): void {
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
  protected cacheFree(cpu: number, k: number, obj: number): void {
    const a = cpu * this.AS + 2 * k;
    if (this.ac[a] >= this.kLimit[k]) this.flusharray(cpu, k);
    const avail = this.ac[a];
    this.acEnt[cpu * this.ES + this.kEnt[k] + avail] = obj;
    this.ac[a] = avail + 1;
    this.setState(obj, CACHED + cpu);
    this.cnt[cpu * CSTRIDE + C_CACHED] += this.kObj[k];
  }

  /** cache_flusharray: the oldest batchcount entries to the shared array (as many as fit), else to their slabs. */
  protected flusharray(cpu: number, k: number): void {
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
  protected freeBlock(cpu: number, k: number, arr: Int32Array, from: number, count: number): void {
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
  protected reap(cpu: number): void {
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
  protected drain(cpu: number, k: number, arr: Int32Array, at: number, avail: number, limit: number): number {
    let tofree = Math.floor((limit + 4) / 5);
    if (tofree > avail) tofree = Math.floor((avail + 1) / 2);
    this.freeBlock(cpu, k, arr, at, tofree);
    arr.copyWithin(at, at + tofree, at + avail);
    return avail - tofree;
  }

  /** drain_freelist: destroy up to `tofree` slabs from the free list's tail. */
  protected drainFreelist(cpu: number, k: number, tofree: number): void {
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
