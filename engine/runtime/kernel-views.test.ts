import { describe, expect, it } from 'vitest';
import { createAllocator, parseAllocatorSpec } from '../allocators/registry';
import type { Allocator } from '../core/types';
import { cacheRanges, kernelView } from './kernel-views';

const PAGE = 4096;
const make = (name: string, pages = 256): Allocator =>
  createAllocator({ ...parseAllocatorSpec(name), overrides: { pages } } as ReturnType<typeof parseAllocatorSpec>, 2);

/** Bytes of each cache's ranges, by name (caches without pages left out). */
function bytesByCache(a: Allocator): Record<string, number> {
  const c = cacheRanges(a);
  if (!c) throw new Error('no cache ranges');
  const out: Record<string, number> = {};
  c.names.forEach((n, k) => {
    const r = c.ranges[k];
    let b = 0;
    for (let i = 0; i < r.length; i += 2) b += r[i + 1];
    if (b > 0) out[n] = b;
  });
  return out;
}

/** What /proc/slabinfo says each cache holds: slabs x pages per slab. */
function bytesBySlabinfo(a: Allocator): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of a.slabinfo?.() ?? []) if (r.numSlabs > 0) out[r.name] = r.numSlabs * r.pagesPerSlab * PAGE;
  return out;
}

describe('kernel views: slab pages by cache', () => {
  it.each(['slab:2.6.18-x86_64', 'slub:3.6-i386', 'slub:6.6-x86_64'])(
    '%s: each cache owns exactly the pages of its slabs; page blocks and kmalloc_large belong to none',
    (name) => {
      const a = make(name);
      const xs = [100, 100, 100, 700, 5000, 30].map((b) => a.alloc(0, b));
      expect(xs.every((x) => x >= 0)).toBe(true);
      a.allocPages?.(1, 2);
      if (name.startsWith('slub')) expect(a.alloc(1, 20000)).toBeGreaterThanOrEqual(0); // kmalloc_large on 3.6 and 6.6
      const got = bytesByCache(a);
      expect(got).toEqual(bytesBySlabinfo(a));
      // SLAB also has the cache of size-8192's off-slab management (kmem_cache_create's slabp_cache).
      const classes = {
        'slab:2.6.18-x86_64': ['size-128', 'size-1024', 'size-8192', 'size-32'],
        'slub:3.6-i386': ['kmalloc-128', 'kmalloc-1024', 'kmalloc-8192', 'kmalloc-32'],
        'slub:6.6-x86_64': ['kmalloc-128', 'kmalloc-1k', 'kmalloc-8k', 'kmalloc-32'],
      }[name];
      expect(Object.keys(got)).toEqual(expect.arrayContaining(classes ?? ['?']));
    },
  );

  it('adjacent slabs of one cache merge into one range, and the ranges are sorted by address', () => {
    const a = make('slab:2.6.18-x86_64');
    // size-128 holds 30 objects a slab on x86_64: 90 objects fill three one-page slabs in a row.
    for (let i = 0; i < 90; i++) expect(a.alloc(0, 128)).toBeGreaterThanOrEqual(0);
    const c = cacheRanges(a);
    const k = c?.names.indexOf('size-128') ?? -1;
    expect(Array.from(c?.ranges[k] ?? [])).toEqual([a.geometry.baseAddress, 3 * PAGE]);
  });

  it('a freed slab leaves its cache: free slabs beyond the limit go back to the zone (SLUB at once)', () => {
    const a = make('slub:3.6-i386');
    const x = a.alloc(0, 3000); // kmalloc-4096: 8 objects in an order-3 slab
    expect(bytesByCache(a)).toEqual({ 'kmalloc-4096': 8 * PAGE });
    for (let i = 0; i < 40; i++) a.free(0, a.alloc(0, 3000), 3000); // churn keeps one slab
    expect(a.free(0, x, 3000)).toBe(0);
    expect(bytesByCache(a)).toEqual(bytesBySlabinfo(a));
  });

  it('allocators without caches answer no ranges and no slabinfo', () => {
    const a = make('buddy');
    expect(cacheRanges(a)).toBeNull();
    expect(kernelView(a, true)).toEqual({ slabinfo: null, caches: null });
  });

  it('buddyinfo counts every free page of the zone: pages minus held', () => {
    for (const name of ['slab:2.6.18-i386', 'slub:2.6.22']) {
      const a = make(name);
      for (const b of [64, 900, 4000, 9000]) a.alloc(1, b);
      const info = a.buddyinfo?.() ?? [];
      expect(info).toHaveLength(11);
      const free = info.reduce((s, n, o) => s + n * 2 ** o, 0);
      expect(free * PAGE).toBe(256 * PAGE - a.counters().heldBytes);
    }
  });
});
