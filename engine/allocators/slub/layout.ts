/**
 * Shared-memory layout of one SLUB instance (planLayout, core/layout.ts). P = pages, G = granules
 * of 8 bytes per page (512), N = cpus, NC = caches (the version's kmalloc caches, then up to
 * MAX_NAMED_CACHES named ones), CS = i32 slots per CPU in cpuSlab (NC * 4 rounded to a cache
 * line); perPage in brackets, none = a global field. Links and pointers hold index + 1, so that
 * 0 means none and a fresh instance writes nothing per page.
 *
 *   locks     i32[(NC+1)*16] [c*16] cache c's spinlock, standing for slab_lock and the node's
 *                            list_lock (taken on slow paths when several threads run); [NC*16] the
 *                            cache table's
 *   counters  f64[N*8]       per executing CPU: [0] allocs [1] frees [2] requested bytes
 *                            [3] allocated bytes [4] held bytes [5] cached bytes (free objects of
 *                            frozen slabs: Counters.pendingBytes)
 *   failures  f64[N*8]       failed allocs per executing CPU ([cpu*8])
 *   cpuSlab   i32[N*CS]      struct kmem_cache_cpu of CPU n, cache c at n*CS + c*4: [0] c->page
 *                            (the active slab's first page + 1) [1] c->freelist (object index + 1;
 *                            2.6.22's page->lockless_freelist) [2] c->partial (first page + 1)
 *                            [3] live objects of cache c allocated minus freed by this CPU
 *   cacheInfo i32[NC*16]     per cache: [0] object size [1] order [2] objects per slab
 *                            [3] fallback order (s->min) [4] its objects [5] min_partial
 *                            [6] per-CPU partial limit [7] named cache key (0: kmalloc) [8] 1 = in use
 *   nodeInfo  i32[NC*8]      struct kmem_cache_node of the one node: [0] partial list head + 1
 *                            [1] tail + 1 [2] nr_partial [3] nr_slabs [4] total objects
 *   meta      i32[16]        [0] caches in use (kmalloc ones + named ones created)
 *   zHead .. zHeadOf         the buddy zone (buddy/zone.ts)
 *   pgSlab    i32[P]   [1]   first page + 1 of the slab, large kmalloc or page block holding the
 *                            page; 0 = a page of the zone
 *   pgKind    u8[P]    [1]   at a block's first page: cache + 1, KIND_LARGE or KIND_PAGES
 *   sFree     i32[P]   [1]   at a slab's first page: page->freelist (object index + 1)
 *   sInuse    i32[P]   [1]   page->inuse (objects not on page->freelist); a large or page block:
 *                            its requested bytes
 *   sObjects  i32[P]   [1]   page->objects (of its order, which may be the fallback order)
 *   sNext     i32[P]   [1]   next slab on the node's partial list or the CPU's partial list (+1)
 *   sPrev     i32[P]   [1]   previous slab on the node's partial list (+1)
 *   sAux      i32[P]   [1]   a CPU partial list's slab: 3.6 page->pobjects, 6.6 slab->slabs
 *   sAux2     i32[P]   [1]   3.6 page->pages
 *   sFrozen   u8[P]    [1]   the CPU that froze the slab + 1 (its active or per-CPU partial slab)
 *   sList     u8[P]    [1]   LIST_NODE or LIST_CPU while on a partial list, else 0
 *   oLo, oHi  u8[P*G]  [G]   16 bits at each object's first granule (what the kernel keeps in
 *                            the object): a free object's next on its freelist (index + 1); a live
 *                            one LIVE | its requested bytes' low 15 bits (objects over 32767 bytes
 *                            keep the higher bits in the next granule). Two byte planes, because a
 *                            16-bit field over MAX_PAGES pages would exceed one buffer (layout.ts)
 * then the dirty-page buffer (core/dirty.ts): every write of a page-major field stamps its page.
 * Addresses: page p starts at baseAddress + p * pageBytes (doubles, never 32-bit bit operations).
 */
import { field, planLayout } from '../../core/layout';
import { zoneFields } from '../buddy/zone';
import { MAX_NAMED_CACHES, type SlubConfig } from './params';

export const LINE_I32 = 16;
export const CSTRIDE = 8;
export const C_ALLOCS = 0,
  C_FREES = 1,
  C_REQ = 2,
  C_ALLOC_B = 3,
  C_HELD = 4,
  C_CACHED = 5;
/** cpuSlab slots of one (CPU, cache). */
export const K_PAGE = 0,
  K_FREE = 1,
  K_PARTIAL = 2,
  K_LIVE = 3;
/** cacheInfo slots. */
export const I_SIZE = 0,
  I_ORDER = 1,
  I_OBJECTS = 2,
  I_MIN_ORDER = 3,
  I_MIN_OBJECTS = 4,
  I_MIN_PARTIAL = 5,
  I_CPU_PARTIAL = 6,
  I_KEY = 7,
  I_USED = 8,
  ISTRIDE = 16;
/** nodeInfo slots. */
export const N_HEAD = 0,
  N_TAIL = 1,
  N_PARTIAL = 2,
  N_SLABS = 3,
  N_OBJECTS = 4,
  NSTRIDE = 8;
export const KIND_LARGE = 254,
  KIND_PAGES = 255;
export const LIST_NODE = 1,
  LIST_CPU = 2;
export const GRANULE = 8;
export const LIVE = 0x8000;

export const cacheCount = (c: SlubConfig): number => c.version.kmallocSizes.length + MAX_NAMED_CACHES;
export const cpuStride = (nc: number): number => Math.ceil((nc * 4) / LINE_I32) * LINE_I32;

export function planOf(c: SlubConfig) {
  const P = c.pages,
    G = c.pageBytes / GRANULE,
    N = c.cpus,
    NC = cacheCount(c);
  return planLayout({
    locks: field('i32', (NC + 1) * LINE_I32),
    counters: field('f64', N * CSTRIDE),
    failures: field('f64', N * CSTRIDE),
    cpuSlab: field('i32', N * cpuStride(NC)),
    cacheInfo: field('i32', NC * ISTRIDE),
    nodeInfo: field('i32', NC * NSTRIDE),
    meta: field('i32', LINE_I32),
    ...zoneFields(P),
    pgSlab: field('i32', P, 1),
    pgKind: field('u8', P, 1),
    sFree: field('i32', P, 1),
    sInuse: field('i32', P, 1),
    sObjects: field('i32', P, 1),
    sNext: field('i32', P, 1),
    sPrev: field('i32', P, 1),
    sAux: field('i32', P, 1),
    sAux2: field('i32', P, 1),
    sFrozen: field('u8', P, 1),
    sList: field('u8', P, 1),
    oLo: field('u8', P * G, G),
    oHi: field('u8', P * G, G),
  });
}
export type SlubPlan = ReturnType<typeof planOf>;
