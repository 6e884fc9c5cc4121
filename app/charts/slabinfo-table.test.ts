import { describe, expect, it } from 'vitest';
import { createAllocator, parseAllocatorSpec } from '../../engine/allocators/registry';
import type { SlabinfoRow } from '../../engine/core/types';
import { arrayBytes, cellText, columnsFor, sortRows, withSlabs } from './slabinfo-table';

const slabRows = (): SlabinfoRow[] => {
  const a = createAllocator(parseAllocatorSpec('slab:2.6.18-x86_64'), 2);
  for (let i = 0; i < 40; i++) a.alloc(0, 100); // size-128: 30 a slab, so 2 slabs
  a.free(1, a.alloc(0, 1000), 1000); // size-1024: CPU 0's refill keeps 3 in its array, the free puts 1 in CPU 1's
  return a.slabinfo?.() ?? [];
};

describe('slabinfo table rows', () => {
  it("SLAB's rows bring the array caches' columns; SLUB's do not", () => {
    expect(columnsFor(slabRows()).map((c) => c.key)).toContain('cpuAvail');
    const slub = createAllocator(parseAllocatorSpec('slub:3.6-i386'), 2);
    slub.alloc(0, 100);
    const keys = columnsFor(slub.slabinfo?.() ?? []).map((c) => c.key);
    expect(keys).toContain('numSlabs');
    expect(keys).not.toContain('cpuAvail');
    expect(keys).not.toContain('limit');
  });

  it("cells: each CPU's array of its limit, the shared array of its limit, numbers with separators", () => {
    const rows = slabRows();
    const r128 = rows.find((r) => r.name === 'size-128');
    const r1k = rows.find((r) => r.name === 'size-1024');
    if (!r128 || !r1k) throw new Error('missing caches');
    expect(cellText(r128, 'numObjs')).toBe('60');
    expect(cellText(r128, 'activeSlabs')).toBe('2');
    expect(cellText(r1k, 'cpuAvail')).toBe('3/54 1/54');
    expect(cellText(r1k, 'sharedAvail')).toBe('0/216');
    expect(cellText({ ...r1k, numObjs: 123456 }, 'numObjs')).toBe('123,456');
  });

  it('sorts by a column either way, names in numeric order, ties in the allocator order', () => {
    const rows = slabRows();
    const names = sortRows(rows, 'name', false).map((r) => r.name);
    expect(names.indexOf('size-32')).toBeLessThan(names.indexOf('size-128'));
    expect(names.indexOf('size-128')).toBeLessThan(names.indexOf('size-1024'));
    const bySlabs = sortRows(withSlabs(rows, false), 'numSlabs', true);
    expect(bySlabs[0].name).toBe('size-128');
    expect(bySlabs.map((r) => r.numSlabs)).toEqual([...bySlabs.map((r) => r.numSlabs)].sort((a, b) => b - a));
    // Ties (every empty cache has 0 slabs) keep the kernel's cache order.
    const empty = rows.filter((r) => r.numSlabs === 0);
    expect(sortRows(empty, 'numSlabs', false)).toEqual(empty);
    const sums = sortRows(rows, 'cpuAvail', true).map((r) => (r.cpuAvail ?? []).reduce((a, b) => a + b, 0));
    expect(sums[0]).toBeGreaterThan(0);
    expect(sums).toEqual([...sums].sort((a, b) => b - a));
  });

  it('hides caches without slabs unless all are asked for', () => {
    const rows = slabRows();
    // size-64 holds size-1024's off-slab management.
    expect(withSlabs(rows, false).map((r) => r.name)).toEqual(['size-64', 'size-128', 'size-1024']);
    expect(withSlabs(rows, true)).toHaveLength(rows.length);
  });

  it("SLAB's array caches in bytes, per CPU and shared, add up to its pending bytes; SLUB has none", () => {
    const a = createAllocator(parseAllocatorSpec('slab:2.6.18-x86_64'), 2);
    const xs = Array.from({ length: 300 }, (_, i) => [a.alloc(i % 2, 64 + (i % 7) * 100), 64 + (i % 7) * 100]);
    for (const [x, b] of xs.slice(0, 250)) a.free(1, x, b); // CPU 1's arrays fill and flush to the shared arrays
    const split = arrayBytes(a.slabinfo?.() ?? []);
    if (!split) throw new Error('no arrays');
    expect(split.perCpu).toHaveLength(2);
    expect(split.perCpu[1]).toBeGreaterThan(0);
    expect(split.shared).toBeGreaterThan(0);
    expect(split.perCpu[0] + split.perCpu[1] + split.shared).toBe(a.counters().pendingBytes);
    const slub = createAllocator(parseAllocatorSpec('slub:3.6-i386'), 2);
    slub.alloc(0, 100);
    expect(arrayBytes(slub.slabinfo?.() ?? [])).toBeNull();
  });
});
