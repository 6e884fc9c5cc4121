import { describe, expect, it } from 'vitest';
import { AllocError } from '../../core/types';
import { Pow2Allocator } from './pow2';

describe('pow2 explainFailure', () => {
  it("names the free slots of other classes, the other CPU's slabs and that the zone is empty", () => {
    // 4 pages: one order-2 block in the zone; each slab takes the smallest block there is.
    const a = new Pow2Allocator({ pages: 4, cpus: 2 });
    const b = a.base;
    expect(a.alloc(0, 32)).toBe(b); // page 0 (the block split: pages 1 and 2-3 stay free)
    expect(a.alloc(0, 2000)).toBe(b + 4096); // page 1: the 2048-byte class
    expect(a.alloc(1, 100)).toBe(b + 8192); // page 2, CPU 1's: the 128-byte class
    expect(a.alloc(0, 3000)).toBe(b + 12288); // page 3: the 4096-byte class, the zone's last page
    expect(a.alloc(0, 3000)).toBe(AllocError.NoSpace);
    const e = a.explainFailure(0, 3000);
    expect(e.rounded).toBe(4096);
    expect(e.sizeClass).toBe('4,096 B class');
    expect(e.largest).toEqual([
      { address: b + 4096 + 2048, bytes: 2048 },
      { address: b + 32, bytes: 32 },
      { address: b + 64, bytes: 32 },
      { address: b + 96, bytes: 32 },
      { address: b + 128, bytes: 32 },
    ]);
    expect(e.unusable.map((u) => [u.reason, u.bytes])).toEqual([
      ['other-classes', 2048 + 127 * 32],
      ['other-cpus', 31 * 128],
    ]);
    expect(e.unusable[0].spans).toEqual([
      { address: b + 32, bytes: 127 * 32 },
      { address: b + 4096 + 2048, bytes: 2048 },
    ]);
    expect(e.unusable[1].spans).toEqual([{ address: b + 8192 + 128, bytes: 31 * 128 }]);
    expect(e.refused).toBe(
      "the 4,096 B class has no free slot on CPU 0's slabs and the zone has no free block of order 0 or above (the zone is empty)",
    );
    expect(e.paragraph).toContain("3,968 B is free on other CPUs' memory");
  });

  it('names the zone fragments a class above a page cannot use', () => {
    const a = new Pow2Allocator({ pages: 4, cpus: 1 });
    expect(a.alloc(0, 100)).toBe(a.base); // page 0: pages 1 and 2-3 stay free
    expect(a.alloc(0, 10000)).toBe(AllocError.NoSpace); // the 16 KiB class needs order 2
    const e = a.explainFailure(0, 10000);
    expect(e.sizeClass).toBe('16 KiB class');
    expect(e.unusable.find((u) => u.reason === 'zone-fragments')?.bytes).toBe(3 * 4096);
    expect(e.refused).toContain('the zone has no free block of order 2 or above (its largest: order 1, 8,192 B)');
    expect(e.largest[0]).toEqual({ address: a.base + 8192, bytes: 8192 });
  });

  it('says a request above the largest class is too large', () => {
    const a = new Pow2Allocator({ pages: 2, cpus: 1 });
    const e = a.explainFailure(0, 200000);
    expect(e.rounded).toBe(0);
    expect(e.refused).toBe('too large: the largest class is 128 KiB');
    expect(e.largest).toEqual([{ address: a.base, bytes: 8192 }]);
  });
});
