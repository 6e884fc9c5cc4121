/**
 * What differs between the three SLUB versions modelled, each fact with the kernel file and
 * function it comes from (read in v2.6.22.19, v3.6 and v6.6.57 trees; the stable releases do not
 * touch these lines). One home for the tables: the allocator, its tests and docs/models.md read
 * them here.
 *
 * - 2.6.22 (x86, 4 KiB pages): the first SLUB. kmalloc caches 8 .. 4 MiB, all served by slabs
 *   (include/linux/slub_def.h kmalloc_index; KMALLOC_SHIFT_HIGH = MAX_ORDER + PAGE_SHIFT - 1 = 22 in
 *   include/linux/slab.h), no kmalloc_large; slub_max_order 1 and slub_min_objects 4 for
 *   PAGE_SHIFT <= 12 (mm/slub.c DEFAULT_MAX_ORDER, DEFAULT_MIN_OBJECTS); waste fraction 1/8..1/4
 *   (calculate_order); MIN_PARTIAL 2; no per-CPU partial lists; the lockless freelist lives in the
 *   active slab's struct page (page->lockless_freelist), which the model keeps per CPU (only that
 *   CPU uses it).
 * - 3.6 on i386: kmalloc-8 .. kmalloc-8192 with 96 and 192 (KMALLOC_MIN_SIZE 8: x86 has no
 *   ARCH_DMA_MINALIGN; kmem_cache_init creates KMALLOC_SHIFT_LOW .. SLUB_PAGE_SHIFT - 1); above
 *   SLUB_MAX_SIZE = 2 * PAGE_SIZE kmalloc_large takes 2^get_order(size) pages (slub_def.h);
 *   slub_max_order = PAGE_ALLOC_COSTLY_ORDER (3), slub_min_objects = 4 * (fls(nr_cpu_ids) + 1),
 *   waste fraction 1/16..1/4 (calculate_order); min_partial = ilog2(size) / 2 clamped to 5..10
 *   (set_min_partial); per-CPU partial lists always built in, cpu_partial objects 30/13/6/2 by
 *   object size (kmem_cache_open).
 * - 6.6 on x86_64: the same kmalloc classes (mm/slab_common.c kmalloc_info, KMALLOC_SHIFT_HIGH =
 *   PAGE_SHIFT + 1 in include/linux/slab.h), kmalloc_large above KMALLOC_MAX_CACHE_SIZE (8192);
 *   min_objects from num_present_cpus(); calc_slab_order starts at get_order(min_objects * size);
 *   MAX_ORDER is 10 and inclusive (include/linux/mmzone.h); CONFIG_SLUB_CPU_PARTIAL with 120/52/24/6
 *   objects turned into slabs (set_cpu_partial, slub_set_cpu_partial); empty slabs are kept while
 *   nr_partial < min_partial (3.6: <=).
 */
import { orderOf } from '../buddy/zone';

export const SLUB_PRESETS = ['2.6.22', '3.6-i386', '6.6-x86_64'] as const;
export type SlubPresetName = (typeof SLUB_PRESETS)[number];
/** Which version's code paths run. */
export type SlubCode = 2622 | 36 | 66;

/** x86's PAGE_SIZE (PAGE_SHIFT 12) in every preset. */
export const PAGE_BYTES = 4096;
const PAGE_SHIFT = 12;
/** Objects per slab at most (mm/slub.c MAX_OBJS_PER_PAGE, 3.6 and 6.6: page->objects is 15 bits). */
export const MAX_OBJS_PER_PAGE = 32767;

export interface SlubVersion {
  readonly preset: SlubPresetName;
  readonly code: SlubCode;
  /** Object sizes of the kmalloc caches, ascending: a request takes the smallest that fits. */
  readonly kmallocSizes: readonly number[];
  /** Requests above this skip the caches (kmalloc_large), or are TooLarge without `largePath`. */
  readonly maxCacheSize: number;
  readonly largePath: boolean;
  /** Boot parameter defaults: slub_max_order, slub_min_objects (0: from the CPU count). */
  readonly maxOrder: number;
  readonly minObjects: number;
  /** Per-CPU partial lists exist (3.6: always; 6.6: CONFIG_SLUB_CPU_PARTIAL, default y on SMP). */
  readonly cpuPartial: boolean;
  /** Words for labels: 'Linux 3.6 (i386)'. */
  readonly title: string;
}

/** 8, 16, 32, 64, 96, 128, 192, 256, ... up to `max`: kmalloc_index's caches (96 and 192 with KMALLOC_MIN_SIZE 8). */
function kmallocSizes(max: number): number[] {
  const s = [8, 16, 32, 64, 96, 128, 192];
  for (let x = 256; x <= max; x *= 2) s.push(x);
  return s;
}

export const SLUB_VERSIONS: { readonly [P in SlubPresetName]: SlubVersion } = {
  '2.6.22': {
    preset: '2.6.22',
    code: 2622,
    kmallocSizes: kmallocSizes(4 << 20),
    maxCacheSize: 4 << 20,
    largePath: false,
    maxOrder: 1,
    minObjects: 4,
    cpuPartial: false,
    title: 'Linux 2.6.22',
  },
  '3.6-i386': {
    preset: '3.6-i386',
    code: 36,
    kmallocSizes: kmallocSizes(8192),
    maxCacheSize: 2 * PAGE_BYTES,
    largePath: true,
    maxOrder: 3,
    minObjects: 0,
    cpuPartial: true,
    title: 'Linux 3.6 (i386)',
  },
  '6.6-x86_64': {
    preset: '6.6-x86_64',
    code: 66,
    kmallocSizes: kmallocSizes(8192),
    maxCacheSize: 2 * PAGE_BYTES,
    largePath: true,
    maxOrder: 3,
    minObjects: 0,
    cpuPartial: true,
    title: 'Linux 6.6 (x86_64)',
  },
};

/** fls(): the 1-based index of the highest set bit, 0 for 0. */
export const fls = (x: number): number => (x <= 0 ? 0 : 32 - Math.clz32(x));
const ilog2 = (x: number): number => fls(x) - 1;
/** get_order(): the smallest order of pages holding `bytes`. */
export const getOrder = (bytes: number): number => orderOf(bytes, PAGE_BYTES);

/** The boot parameters calculate_order reads, and the CPU count. */
export interface OrderKnobs {
  minObjects: number;
  maxOrder: number;
  minOrder: number;
  cpus: number;
}

/** slab_order() (2.6.22, 3.6) / calc_slab_order() (6.6), mm/slub.c. */
function slabOrder(
  code: SlubCode,
  size: number,
  minObjects: number,
  maxOrder: number,
  fract: number,
  minOrder: number,
) {
  if (code !== 2622 && Math.floor((PAGE_BYTES << minOrder) / size) > MAX_OBJS_PER_PAGE)
    return getOrder(size * MAX_OBJS_PER_PAGE) - 1;
  const start = code === 66 ? getOrder(minObjects * size) : fls(minObjects * size - 1) - PAGE_SHIFT;
  let order = Math.max(minOrder, start);
  for (; order <= maxOrder; order++) {
    const slab = PAGE_BYTES * 2 ** order;
    if (code !== 66 && slab < minObjects * size) continue;
    if (slab % size <= Math.floor(slab / fract)) break;
  }
  return order;
}

/**
 * calculate_order() of mm/slub.c: the slab order of a cache of `size`-byte objects, or -1 when no
 * order up to the buddy allocator's largest fits one object. 2.6.22 tries min_objects, halving,
 * with waste fractions 1/8 and 1/4; 3.6 and 6.6 start from 4 * (fls(cpus) + 1) objects (capped
 * at what slub_max_order holds), decrementing, with fractions 1/16, 1/8, 1/4.
 */
export function calculateOrder(code: SlubCode, size: number, k: OrderKnobs): number {
  const first = code === 2622 ? 8 : 16;
  let minObjects = k.minObjects > 0 ? k.minObjects : code === 2622 ? 4 : 4 * (fls(k.cpus) + 1);
  if (code !== 2622) minObjects = Math.min(minObjects, Math.floor((PAGE_BYTES << k.maxOrder) / size));
  while (minObjects > 1) {
    for (let fraction = first; fraction >= 4; fraction = Math.floor(fraction / 2)) {
      const order = slabOrder(code, size, minObjects, k.maxOrder, fraction, k.minOrder);
      if (order <= k.maxOrder) return order;
    }
    minObjects = code === 2622 ? Math.floor(minObjects / 2) : minObjects - 1;
  }
  let order = slabOrder(code, size, 1, k.maxOrder, 1, k.minOrder);
  if (order <= k.maxOrder) return order;
  // "Doh this slab cannot be placed using slub_max_order": up to MAX_ORDER (2.6.22: <= 11;
  // 3.6: < 11; 6.6: <= 10, MAX_ORDER being inclusive there). The zone's largest block is order 10.
  const kernelMax = code === 66 ? 10 : 11;
  order = slabOrder(code, size, 1, kernelMax, 1, k.minOrder);
  const ok = code === 36 ? order < kernelMax : order <= kernelMax;
  return ok && order <= 10 ? order : -1;
}

/**
 * Empty slabs kept on a node's partial list: 2.6.22 MIN_PARTIAL (2, only when a CPU slab is
 * deactivated: __slab_free discards an empty slab at once); 3.6 and 6.6 set_min_partial():
 * ilog2(size) / 2 clamped to MIN_PARTIAL 5 .. MAX_PARTIAL 10.
 */
export function minPartial(code: SlubCode, size: number): number {
  if (code === 2622) return 2;
  return Math.min(10, Math.max(5, Math.floor(ilog2(size) / 2)));
}

/**
 * The per-CPU partial limit: 3.6 s->cpu_partial in objects (kmem_cache_open: 2 for objects of
 * PAGE_SIZE and more, 6 from 1024, 13 from 256, else 30); 6.6 s->cpu_partial_slabs, from 6, 24,
 * 52 or 120 objects as DIV_ROUND_UP(objects * 2, objects per slab) (set_cpu_partial,
 * slub_set_cpu_partial). 0 without per-CPU partial lists (3.6: cpu_partial set to 0 in sysfs).
 */
export function cpuPartialLimit(code: SlubCode, size: number, objects: number, on: boolean): number {
  if (!on || code === 2622) return 0;
  const tier = size >= PAGE_BYTES ? 0 : size >= 1024 ? 1 : size >= 256 ? 2 : 3;
  if (code === 36) return [2, 6, 13, 30][tier];
  return Math.ceil(([6, 24, 52, 120][tier] * 2) / objects);
}
