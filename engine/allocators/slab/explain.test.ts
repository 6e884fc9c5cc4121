import { describe, expect, it } from 'vitest';
import { AllocError } from '../../core/types';
import { SlabAllocator } from './slab';

describe('SLAB explainFailure', () => {
  it("names the objects in another CPU's arrays, other caches' free objects and the empty zone", () => {
    // Two pages: size-2048 (off-slab, order 0, 2 objects) takes one, its management's size-64 slab the other.
    const a = new SlabAllocator({ preset: '2.6.18-x86_64', cpus: 2, pages: 2 });
    const base = a.geometry.baseAddress;
    expect(a.alloc(0, 2000)).toBe(base + 2048); // the refill moved both objects to CPU 0's array
    expect(a.alloc(1, 2000)).toBe(AllocError.GrowFailed);
    const e = a.explainFailure(1, 2000);
    expect(e.rounded).toBe(2048);
    expect(e.sizeClass).toBe('size-2048, order-0 slabs');
    expect(e.largest).toEqual([]);
    // CPU 0's array: object 0 of size-2048 and 15 size-64 objects (the management refill's batch).
    expect(e.unusable.map((u) => [u.reason, u.bytes])).toEqual([
      ['other-cpu-caches', 2048 + 15 * 64],
      ['other-classes', (59 - 16) * 64],
    ]);
    expect(e.unusable[0].spans[0]).toEqual({ address: base, bytes: 2048 });
    expect(e.refused).toBe(
      'cache_grow of size-2048 refused: the zone has no free block of order 0 or above (the zone is empty)',
    );
    expect(e.paragraph).toBe(
      'SLAB (2.6.18-x86_64) CPU 1: 2,000 B asked (2,048 B, size-2048, order-0 slabs); it has no free block in the ' +
        "zone; 3,008 B waits in other CPUs' caches; 2,752 B is free in other size classes; cache_grow of size-2048 " +
        'refused: the zone has no free block of order 0 or above (the zone is empty).',
    );
  });

  it('names the zone fragments below a cache order and the largest free blocks', () => {
    const a = new SlabAllocator({ preset: '2.6.18-x86_64', cpus: 1, pages: 3 });
    const order = a.caches.find((c) => c.name === 'size-131072')?.gfporder ?? -1;
    expect(order).toBe(5);
    const e = a.explainFailure(0, 100000);
    expect(e.largest.map((r) => r.bytes)).toEqual([8192, 4096]);
    expect(e.unusable).toEqual([
      {
        reason: 'zone-fragments',
        bytes: 12288,
        spans: [{ address: a.geometry.baseAddress, bytes: 12288 }],
        truncated: false,
      },
    ]);
    expect(e.refused).toContain('no free block of order 5 or above (its largest: order 1, 8,192 B)');
  });
});
