/**
 * Shared-memory layout of one SLAB instance (planLayout, core/layout.ts). N = cpus, K = caches,
 * P = pages, C = 128 chunks of 32 bytes per page; perPage in brackets, none = a global field.
 * Per-CPU slots are a cache line apart (strides are multiples of 16 words): each CPU writes its
 * own on every op.
 *   locks     i32[16]      [0] the slab lock: every list, shared array and the zone (see slab.ts)
 *   counters  f64[N*16]    per executing CPU: allocs, frees, failed allocs, requested bytes,
 *                          allocated bytes, held bytes, cached bytes (objects in arrays), its
 *                          clock (ops done), the op count of its next cache_reap
 *   ac        i32[N*AS]    per CPU and cache (struct array_cache): [2k] avail, [2k+1] touched
 *   acEnt     i32[N*ES]    per CPU: cache k's entries at entOff[k] .. + limit (object chunk ids)
 *   shAvail   i32[K']      per cache: the shared array's avail (its limit is in caches.ts)
 *   shEnt     i32[sum]     per cache: the shared array's entries at shOff[k] .. + sharedLimit
 *   node      i32[K*16]    per cache (struct kmem_list3): full/partial/free list heads and tails
 *                          (first page + 1, 0 = none), free_objects, colour_next, free_touched,
 *                          and each list's length
 *   nextReap  f64[K]       per cache: l3->next_reap, in simulated seconds
 *   zHead .. zHeadOf       the buddy zone's fields (buddy/zone.ts)
 *   pgCache   u8[P]        [1] 0 = not the caches' (free in the zone), k + 1 = a page of a slab
 *                          of cache k, PAGE_BLOCK = a page of an allocPages block
 *   slNext    i32[P]       [1] at a slab's first page: the next slab on its list (page + 1)
 *   slPrev    i32[P]       [1] at a slab's first page: the previous slab (page + 1), 0 = head
 *   slInuse   i32[P]       [1] at a slab's first page: objects not free in the slab (inuse)
 *   slFree    i32[P]       [1] at a slab's first page: the first free object's index, -1 = none
 *   slColour  u8[P]        [1] at a slab's first page: its colour (offset = colour * colourOff)
 *   slList    u8[P]        [1] at a slab's first page: 1 full, 2 partial, 3 free, 0 none
 *   slMgmt    i32[P]       [1] at an off-slab slab's first page: its management object's chunk + 1
 *   bufctl    i32[P*C]     [C] kmem_bufctl_t of object i of the slab at page f: at chunk f*C + i
 *                          (the next free object's index, -1 = BUFCTL_END)
 *   objState  u8[P*C]      [C] at an object's first chunk: FREE (in its slab), LIVE, MGMT (an
 *                          off-slab slab's management), SHARED (in the shared array), or
 *                          CACHED + cpu (in that CPU's array)
 *   reqBytes  i32[P*C]     [C] at a live object's first chunk: the requested bytes; else 0
 * A fresh instance writes the zone's initial blocks and a few global words: nothing per page,
 * so a pool of millions of pages costs memory only where slabs are made.
 * Allocator.buffers ends with the dirty-page buffer (core/dirty.ts): every write of a
 * page-major field stamps its page's segment.
 * Object chunk ids (page * 128 + chunk) stay below 2^29; addresses are doubles.
 */
import { field, planLayout } from '../../core/layout';
import type { DirtyPages } from '../../core/dirty';
import type { BuddyZone } from '../buddy/zone';
import { zoneFields } from '../buddy/zone';
import type { CacheGeom } from './caches';

/** i32 words per cache line: per-CPU strides are multiples of it. */
export const LINE_WORDS = 16;
export const CSTRIDE = 16;
export const C_ALLOCS = 0,
  C_FREES = 1,
  C_FAILS = 2,
  C_REQ = 3,
  C_ALLOC_B = 4,
  C_HELD = 5,
  C_CACHED = 6,
  C_CLOCK = 7,
  C_REAP_AT = 8;

/** node fields per cache. Lists: FULL, PARTIAL, FREE; head at 2L, tail at 2L + 1, length at N_LEN + L. */
export const NSTRIDE = 16;
export const L_FULL = 0,
  L_PARTIAL = 1,
  L_FREE = 2;
export const N_FREE_OBJS = 6,
  N_COLOUR = 7,
  N_FREE_TOUCHED = 8,
  N_LEN = 9;

/** objState codes. FREE is 0 so that a destroyed slab's stale bytes read as free. */
export const FREE = 0,
  LIVE = 1,
  MGMT = 2,
  SHARED = 3,
  CACHED = 4;
/** pgCache of an allocPages block's pages. */
export const PAGE_BLOCK = 255;
/** Chunks per page. */
export const C = 128;
export const C_SHIFT = 7;

const up16 = (n: number) => Math.ceil(n / LINE_WORDS) * LINE_WORDS;

/** Where each cache's entries start in a CPU's part of acEnt and in shEnt, and the strides. */
export function arrayOffsets(caches: readonly CacheGeom[]) {
  const entOff: number[] = [],
    shOff: number[] = [];
  let e = 0,
    s = 0;
  for (const c of caches) {
    entOff.push(e);
    shOff.push(s);
    e += c.limit;
    s += c.sharedLimit;
  }
  return { entOff, shOff, AS: up16(2 * caches.length), ES: up16(e), SH: Math.max(1, s) };
}

export function planOf(pages: number, cpus: number, caches: readonly CacheGeom[]) {
  const K = caches.length;
  const o = arrayOffsets(caches);
  return planLayout({
    locks: field('i32', LINE_WORDS),
    counters: field('f64', cpus * CSTRIDE),
    ac: field('i32', cpus * o.AS),
    acEnt: field('i32', cpus * o.ES),
    shAvail: field('i32', up16(K)),
    shEnt: field('i32', o.SH),
    node: field('i32', K * NSTRIDE),
    nextReap: field('f64', K),
    ...zoneFields(pages),
    pgCache: field('u8', pages, 1),
    slNext: field('i32', pages, 1),
    slPrev: field('i32', pages, 1),
    slInuse: field('i32', pages, 1),
    slFree: field('i32', pages, 1),
    slColour: field('u8', pages, 1),
    slList: field('u8', pages, 1),
    slMgmt: field('i32', pages, 1),
    bufctl: field('i32', pages * C, C),
    objState: field('u8', pages * C, C),
    reqBytes: field('i32', pages * C, C),
  });
}
export type SlabPlan = ReturnType<typeof planOf>;

/** What the page-state, block, slabinfo and invariant modules read of an instance. */
export interface SlabState {
  readonly P: number;
  readonly cpus: number;
  readonly caches: readonly CacheGeom[];
  readonly entOff: readonly number[];
  readonly shOff: readonly number[];
  readonly AS: number;
  readonly ES: number;
  readonly base: number;
  readonly dirty: DirtyPages;
  readonly zone: BuddyZone;
  readonly zCount: Int32Array;
  readonly cnt: Float64Array;
  readonly ac: Int32Array;
  readonly acEnt: Int32Array;
  readonly shAvail: Int32Array;
  readonly shEnt: Int32Array;
  readonly node: Int32Array;
  readonly nextReap: Float64Array;
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
}

/** The first page of the slab holding `page` (slabs are buddy blocks, aligned to their size). */
export function slabFirst(s: SlabState, page: number): number {
  const g = s.caches[s.pgCache[page] - 1].gfporder;
  return page & ~((1 << g) - 1);
}

/** Chunk id of object `i` of the slab at page `first` of cache `k`. */
export function objChunk(s: SlabState, k: number, first: number, i: number): number {
  const c = s.caches[k];
  return first * C + s.slColour[first] * c.colourChunks + c.mgmtChunks + i * c.objChunks;
}
