/**
 * The kmalloc general caches ("size-N") of Linux 2.6.18 as kmem_cache_init creates them: which
 * sizes exist, each cache's object size, alignment, slab order, objects per slab, where the slab
 * management lives, its colours, and the array-cache tunables. Pure arithmetic from the
 * parameters, computed once per instance (the allocator, the invariant checker and the tests
 * read it; nothing here is state).
 *
 * Source, all mm/slab.c of v2.6.18 unless named:
 * - include/linux/kmalloc_sizes.h: the sizes (CACHE(32) only with 4 KiB pages, CACHE(96) only if
 *   L1_CACHE_BYTES < 64, CACHE(192) only if L1_CACHE_BYTES < 128, up to CACHE(131072) with an
 *   MMU and at most 512 CPUs / 256 nodes);
 * - kmem_cache_init: every size is created with ARCH_KMALLOC_FLAGS = SLAB_HWCACHE_ALIGN and
 *   ARCH_KMALLOC_MINALIGN = 0; then enable_cpucache sets the tunables;
 * - kmem_cache_create: alignment (cache_line_size() halved while the object fits twice), off-slab
 *   management for objects of PAGE_SIZE >> 3 and more, moved back on-slab when the left-over
 *   holds it, colour_off = max(cache_line_size(), align), colour = left_over / colour_off, and
 *   slabp_cache = kmem_find_general_cachep(slab_size) for off-slab management;
 * - calculate_slab_order and cache_estimate: the smallest order holding an object, then up to
 *   slab_break_gfp_order, stopping when the left-over is at most 1/8 of the slab;
 *   slab_mgmt_size() = ALIGN(sizeof(struct slab) + num * sizeof(kmem_bufctl_t), align);
 * - enable_cpucache: limit 1 above 128 KiB, 8 above PAGE_SIZE, 24 above 1024, 54 above 256, else
 *   120; batchcount (limit + 1) / 2; shared 8 for objects up to PAGE_SIZE (CONFIG_SMP);
 * - alloc_kmemlist and cpuup_callback: free_limit = (1 + nr_cpus_node) * batchcount + num.
 *   Derived: the kmalloc caches are tuned in kmem_cache_init while only the boot CPU is online,
 *   and each further CPU's CPU_UP_PREPARE recomputes free_limit before that CPU is online, so a
 *   machine of n >= 2 CPUs ends with n * batchcount + num and a uniprocessor with
 *   2 * batchcount + num.
 * Our choices: slab_break_gfp_order is BREAK_GFP_ORDER_HI (1), as on any machine with more than
 * 32 MB (kmem_cache_init): the zone models the memory the caches draw on, not the whole
 * machine. The DMA caches ("size-N(DMA)") and the non-kmalloc caches are not modelled.
 */
import { SLAB_CHUNK_BYTES, SLAB_PAGE_BYTES, type SlabParams } from './params';

/** kmem_bufctl_t is an unsigned int. */
const BUFCTL_BYTES = 4;
/** MAX_GFP_ORDER with CONFIG_MMU and without CONFIG_LARGE_ALLOCS. */
const MAX_GFP_ORDER = 5;
/** BREAK_GFP_ORDER_HI: see the header (our choice). */
const SLAB_BREAK_GFP_ORDER = 1;
/** enable_cpucache: shared = 8 on SMP for objects up to PAGE_SIZE. */
const SHARED_FACTOR = 8;

/** include/linux/kmalloc_sizes.h of v2.6.18 with PAGE_SIZE 4096 and an MMU: the sizes for `l1Bytes`. */
export function kmallocSizes(l1Bytes: number): number[] {
  const sizes = [32, 64];
  if (l1Bytes < 64) sizes.push(96);
  sizes.push(128);
  if (l1Bytes < 128) sizes.push(192);
  for (let s = 256; s <= 131072; s *= 2) sizes.push(s);
  return sizes;
}

export interface CacheGeom {
  /** /proc/slabinfo's name: 'size-192'. */
  readonly name: string;
  /** cs_size: the largest request it serves. */
  readonly csSize: number;
  /** buffer_size: the object size, what kmalloc hands out (the trace's bytes_alloc). */
  readonly objBytes: number;
  readonly align: number;
  /** Slab management (struct slab and the bufctl array) in another cache. */
  readonly offSlab: boolean;
  readonly gfporder: number;
  /** Objects per slab (num). */
  readonly num: number;
  /** slab_size: management bytes (on-slab: aligned and inside the slab; off-slab: the object asked of mgmtCache). */
  readonly slabSize: number;
  readonly leftOver: number;
  /** Colours (offsets 0, colourOff, ... (colour - 1) * colourOff; colour_next wraps at colour). */
  readonly colour: number;
  readonly colourOff: number;
  readonly limit: number;
  readonly batchcount: number;
  /** The shared array's factor (tunables <sharedfactor>) and its limit, shared * batchcount. */
  readonly shared: number;
  readonly sharedLimit: number;
  readonly freeLimit: number;
  /** Index of slabp_cache for off-slab management, else -1. */
  readonly mgmtCache: number;
  /** In chunks: an object, the on-slab management (0 off-slab), one colour step. */
  readonly objChunks: number;
  readonly mgmtChunks: number;
  readonly colourChunks: number;
}

const alignUp = (x: number, a: number) => Math.ceil(x / a) * a;

/** sizeof(struct slab): list_head, colouroff, s_mem (words), inuse, free (4 bytes each), nodeid (2), padded to a word. */
export function slabHeaderBytes(wordBytes: number): number {
  return alignUp(4 * wordBytes + 4 + 4 + 2, wordBytes);
}

/** cache_estimate: objects and left-over bytes of a slab of 2^order pages. */
function cacheEstimate(order: number, size: number, align: number, offSlab: boolean, header: number) {
  const slab = SLAB_PAGE_BYTES << order;
  if (offSlab) {
    const num = Math.floor(slab / size);
    return { num, leftOver: slab - num * size };
  }
  let num = Math.floor((slab - header) / (size + BUFCTL_BYTES));
  if (alignUp(header + num * BUFCTL_BYTES, align) + num * size > slab) num--;
  return { num, leftOver: slab - num * size - alignUp(header + num * BUFCTL_BYTES, align) };
}

/** calculate_slab_order. */
function slabOrder(size: number, align: number, offSlab: boolean, header: number) {
  let best = { order: 0, num: 0, leftOver: 0 };
  for (let order = 0; order <= MAX_GFP_ORDER; order++) {
    const e = cacheEstimate(order, size, align, offSlab, header);
    if (e.num === 0) continue;
    if (offSlab && e.num > Math.floor((size - header) / BUFCTL_BYTES)) break;
    best = { order, num: e.num, leftOver: e.leftOver };
    if (order >= SLAB_BREAK_GFP_ORDER) break;
    if (e.leftOver * 8 <= SLAB_PAGE_BYTES << order) break;
  }
  return best;
}

/** The caches in creation order (cs_size ascending), each as kmem_cache_create and enable_cpucache leave it. */
export function kmallocCaches(p: Pick<SlabParams, 'l1Bytes' | 'lineBytes' | 'wordBytes' | 'cpus'>): CacheGeom[] {
  const header = slabHeaderBytes(p.wordBytes);
  const out: CacheGeom[] = [];
  for (const csSize of kmallocSizes(p.l1Bytes)) {
    let size = alignUp(csSize, p.wordBytes);
    let align = p.lineBytes;
    while (size <= align / 2) align /= 2;
    let offSlab = size >= SLAB_PAGE_BYTES >> 3;
    size = alignUp(size, align);
    const o = slabOrder(size, align, offSlab, header);
    let leftOver = o.leftOver;
    let slabSize = alignUp(o.num * BUFCTL_BYTES + header, align);
    if (offSlab && leftOver >= slabSize) {
      offSlab = false;
      leftOver -= slabSize;
    }
    if (offSlab) slabSize = o.num * BUFCTL_BYTES + header;
    const colourOff = Math.max(p.lineBytes, align);
    const limit = size > 131072 ? 1 : size > SLAB_PAGE_BYTES ? 8 : size > 1024 ? 24 : size > 256 ? 54 : 120;
    const batchcount = Math.floor((limit + 1) / 2);
    const shared = size <= SLAB_PAGE_BYTES ? SHARED_FACTOR : 0;
    const mgmtCache = offSlab ? out.findIndex((c) => c.csSize >= slabSize) : -1;
    if (offSlab && mgmtCache < 0)
      throw new Error(`no general cache holds the ${slabSize}-byte management of size-${csSize}`);
    out.push({
      name: `size-${csSize}`,
      csSize,
      objBytes: size,
      align,
      offSlab,
      gfporder: o.order,
      num: o.num,
      slabSize,
      leftOver,
      colour: Math.floor(leftOver / colourOff),
      colourOff,
      limit,
      batchcount,
      shared,
      sharedLimit: shared * batchcount,
      freeLimit: (1 + Math.max(1, p.cpus - 1)) * batchcount + o.num,
      mgmtCache,
      objChunks: size / SLAB_CHUNK_BYTES,
      mgmtChunks: offSlab ? 0 : slabSize / SLAB_CHUNK_BYTES,
      colourChunks: colourOff / SLAB_CHUNK_BYTES,
    });
  }
  return out;
}

/** __find_general_cachep: for each ceil(bytes / 32), the index of the first cache with cs_size >= bytes. */
export function sizeLookup(caches: readonly CacheGeom[]): Uint8Array {
  const max = caches[caches.length - 1].csSize;
  const t = new Uint8Array(max / SLAB_CHUNK_BYTES + 1);
  let k = 0;
  for (let i = 0; i < t.length; i++) {
    while (caches[k].csSize < i * SLAB_CHUNK_BYTES) k++;
    t[i] = k;
  }
  return t;
}
