import { describe, expect, it } from 'vitest';
import { AllocError } from '../../core/types';
import { SlubAllocator } from './slub';

describe('SLUB explainFailure', () => {
  it("6.6: names another CPU's frozen slab, this CPU's slab of another cache and the empty zone", () => {
    const a = SlubAllocator.create('6.6-x86_64', 2, { pages: 2 });
    const base = a.geometry.baseAddress;
    expect(a.alloc(0, 2000)).toBe(base); // page 0: a kmalloc-2k slab of 2 objects, frozen on CPU 0
    expect(a.alloc(1, 100)).toBe(base + 4096); // page 1: a kmalloc-128 slab, frozen on CPU 1
    expect(a.alloc(1, 3000)).toBe(AllocError.NoSpace);
    const e = a.explainFailure(1, 3000);
    expect(e.rounded).toBe(4096);
    expect(e.sizeClass).toBe('kmalloc-4k, order-0 slabs');
    expect(e.unusable).toEqual([
      { reason: 'other-cpu-caches', bytes: 2048, spans: [{ address: base + 2048, bytes: 2048 }], truncated: false },
      {
        reason: 'other-classes',
        bytes: 31 * 128,
        spans: [{ address: base + 4096 + 128, bytes: 31 * 128 }],
        truncated: false,
      },
    ]);
    expect(e.refused).toBe(
      'new_slab of kmalloc-4k refused: the zone has no free block of order 0 or above (the zone is empty)',
    );
    expect(e.paragraph).toBe(
      'SLUB (6.6-x86_64) CPU 1: 3,000 B asked (4,096 B, kmalloc-4k, order-0 slabs); it has no free block in the ' +
        "zone; 2,048 B waits in other CPUs' caches; 3,968 B is free in other size classes; new_slab of kmalloc-4k " +
        'refused: the zone has no free block of order 0 or above (the zone is empty).',
    );
  });

  it('2.6.22: an order-1 cache fails beside a free page (a fragment) and says which order it needed', () => {
    const a = SlubAllocator.create('2.6.22', 1, { pages: 3 });
    const base = a.geometry.baseAddress;
    expect(a.alloc(0, 2000)).toBe(base); // kmalloc-2048: order-1 slabs, pages 0-1
    expect(a.alloc(0, 3000)).toBe(AllocError.NoSpace); // kmalloc-4096: order 1, only page 2 is free
    const e = a.explainFailure(0, 3000);
    expect(e.largest).toEqual([{ address: base + 8192, bytes: 4096 }]);
    expect(e.unusable.map((u) => [u.reason, u.bytes])).toEqual([
      ['other-classes', 3 * 2048],
      ['zone-fragments', 4096],
    ]);
    expect(e.refused).toBe(
      'new_slab of kmalloc-4096 refused: the zone has no free block of order 1 or above (its largest: order 0, 4,096 B)',
    );
  });
});
