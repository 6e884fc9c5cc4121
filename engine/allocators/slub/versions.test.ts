/**
 * Each preset's kmalloc classes against the kernel's own tables, transcribed literally from the
 * sources of that version (file and lines cited), and the slab orders calculate_order gives.
 */
import { describe, expect, it } from 'vitest';
import { SlubAllocator } from './slub';
import { calculateOrder, SLUB_VERSIONS, type SlubPresetName } from './versions';

/** Linux v2.6.22 include/linux/slub_def.h lines 77-115, kmalloc_index() (KMALLOC_MIN_SIZE 8). */
function kmallocIndex2622(size: number): number {
  if (!size) return 0;
  if (size > 4 << 20) return -1; // KMALLOC_MAX_SIZE: 1 << KMALLOC_SHIFT_HIGH, 22 with MAX_ORDER 11
  if (size <= 8) return 3;
  if (size > 64 && size <= 96) return 1;
  if (size > 128 && size <= 192) return 2;
  if (size <= 8) return 3;
  if (size <= 16) return 4;
  if (size <= 32) return 5;
  if (size <= 64) return 6;
  if (size <= 128) return 7;
  if (size <= 256) return 8;
  if (size <= 512) return 9;
  if (size <= 1024) return 10;
  if (size <= 2 * 1024) return 11;
  if (size <= 4 * 1024) return 12;
  if (size <= 8 * 1024) return 13;
  if (size <= 16 * 1024) return 14;
  if (size <= 32 * 1024) return 15;
  if (size <= 64 * 1024) return 16;
  if (size <= 128 * 1024) return 17;
  if (size <= 256 * 1024) return 18;
  if (size <= 512 * 1024) return 19;
  if (size <= 1024 * 1024) return 20;
  if (size <= 2 * 1024 * 1024) return 21;
  if (size <= 4 * 1024 * 1024) return 22;
  return -1;
}

/**
 * Linux v3.6 mm/slub.c lines 3300-3324 size_index[24] (get_slab(), lines 3332-3350: sizes up to
 * 192 by (size - 1) / 8, larger ones by fls(size - 1)); v6.6 mm/slab_common.c lines 673-697 holds
 * the same table (kmalloc_slab(), lines 709-724).
 */
const SIZE_INDEX = [3, 4, 5, 5, 6, 6, 6, 6, 1, 1, 1, 1, 7, 7, 7, 7, 2, 2, 2, 2, 2, 2, 2, 2];
const fls = (x: number) => (x === 0 ? 0 : 32 - Math.clz32(x));
const getSlabIndex = (size: number) => (size <= 192 ? SIZE_INDEX[Math.floor((size - 1) / 8)] : fls(size - 1));

/** The object size of kmalloc_caches[index]: 96 and 192 at 1 and 2 (3.6 kmem_cache_init lines 3810-3825; 6.6 kmalloc_info, lines 805-828), else 1 << index. */
const sizeOfIndex = (i: number) => (i === 1 ? 96 : i === 2 ? 192 : 2 ** i);

/**
 * The largest cache: 3.6 include/linux/slub_def.h line 134 SLUB_MAX_SIZE (2 * PAGE_SIZE), caches
 * created for i < SLUB_PAGE_SHIFT (PAGE_SHIFT + 2, line 136; mm/slub.c line 3820); 6.6
 * include/linux/slab.h line 318 KMALLOC_SHIFT_HIGH (PAGE_SHIFT + 1) and KMALLOC_MAX_CACHE_SIZE.
 */
const MAX_CACHE: Record<SlubPresetName, number> = { '2.6.22': 4 << 20, '3.6-i386': 8192, '6.6-x86_64': 8192 };

function kernelClass(preset: SlubPresetName, size: number): number {
  if (preset === '2.6.22') return sizeOfIndex(kmallocIndex2622(size));
  return sizeOfIndex(getSlabIndex(size));
}

describe("each preset's kmalloc classes are the kernel's", () => {
  for (const preset of ['2.6.22', '3.6-i386', '6.6-x86_64'] as const) {
    it(`${preset}: every size up to the largest cache takes the kernel's cache; above it ${preset === '2.6.22' ? 'nothing' : 'kmalloc_large pages'}`, () => {
      const a = SlubAllocator.create(preset, 1, { pages: 64 });
      const v = SLUB_VERSIONS[preset];
      expect(v.maxCacheSize).toBe(MAX_CACHE[preset]);
      expect(v.kmallocSizes).toEqual(
        [...new Set(Array.from({ length: 23 }, (_, i) => sizeOfIndex(i)))]
          .filter((s) => s >= 8 && s <= MAX_CACHE[preset])
          .sort((x, y) => x - y),
      );
      for (let size = 1; size <= MAX_CACHE[preset]; size++) {
        const want = kernelClass(preset, size);
        if (a.handedOut(size) !== want) expect(`${size} -> ${a.handedOut(size)}`).toBe(`${size} -> ${want}`);
      }
      if (preset === '2.6.22') {
        expect(kmallocIndex2622(MAX_CACHE[preset] + 1)).toBe(-1);
        expect(a.handedOut(MAX_CACHE[preset] + 1)).toBe(0);
      } else {
        // kmalloc_order_trace: bytes_alloc = PAGE_SIZE << get_order(size)
        expect(a.handedOut(8193)).toBe(16384);
        expect(a.handedOut(4 << 20)).toBe(4 << 20);
        expect(a.handedOut((4 << 20) + 1)).toBe(0); // order 11: beyond the buddy allocator
      }
    });
  }
});

describe('calculate_order: slab orders and objects per slab', () => {
  const knobs = (preset: SlubPresetName, cpus: number) => ({
    minObjects: 0,
    maxOrder: SLUB_VERSIONS[preset].maxOrder,
    minOrder: 0,
    cpus,
  });
  // [size, order]: derived by hand from each version's calculate_order / slab_order.
  it('2.6.22: slub_min_objects 4, slub_max_order 1, waste up to 1/8 then 1/4', () => {
    const k = { ...knobs('2.6.22', 1), minObjects: 4 };
    const want: [number, number][] = [
      [8, 0],
      [96, 0],
      [192, 0],
      [1024, 0], // 4 objects fill a page
      [2048, 1], // 4 x 2048 = 8 KiB
      [4096, 1], // 4 objects would need order 2 > 1; 2 objects in order 1
      [8192, 1], // one object
      [16384, 2], // "Doh": beyond slub_max_order, get_order(size)
      [4 << 20, 10],
    ];
    for (const [size, order] of want) expect([size, calculateOrder(2622, size, k)]).toEqual([size, order]);
  });
  it('3.6 on 1 and 2 CPUs: min_objects 4 * (fls(cpus) + 1), fractions 1/16 .. 1/4', () => {
    const one: [number, number][] = [
      [8, 0],
      [512, 0], // 8 x 512 = 4 KiB
      [1024, 1],
      [2048, 2],
      [4096, 3],
      [8192, 3], // min_objects capped at the 4 that order 3 holds
    ];
    for (const [size, order] of one)
      expect([size, calculateOrder(36, size, knobs('3.6-i386', 1))]).toEqual([size, order]);
    const two: [number, number][] = [
      [1024, 2], // 12 objects: 12 KiB -> order 2, 16 objects (slabinfo "16 4")
      [2048, 3], // 12 x 2048 -> order 3, 16 objects
    ];
    for (const [size, order] of two)
      expect([size, calculateOrder(36, size, knobs('3.6-i386', 2))]).toEqual([size, order]);
  });
  it('6.6 on 8 CPUs: the objects per slab and pages per slab of x86_64 /proc/slabinfo', () => {
    const want: [number, number, number][] = [
      [8, 512, 1],
      [96, 42, 1],
      [192, 21, 1],
      [256, 32, 2],
      [512, 32, 4],
      [1024, 32, 8],
      [2048, 16, 8],
      [4096, 8, 8],
      [8192, 4, 8],
    ];
    for (const [size, objects, pages] of want) {
      const order = calculateOrder(66, size, knobs('6.6-x86_64', 8));
      expect([size, ((4096 << order) / size) | 0, 2 ** order]).toEqual([size, objects, pages]);
    }
  });
});
