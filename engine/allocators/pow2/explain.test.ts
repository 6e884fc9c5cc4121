import { describe, expect, it } from 'vitest';
import { AllocError } from '../../core/types';
import { Pow2Allocator } from './pow2';

describe('pow2 explainFailure', () => {
  it("names the free slots of other classes, the other CPU's pages and that no page is left", () => {
    const a = new Pow2Allocator({ pages: 4, cpus: 2 });
    const b = a.base;
    expect(a.alloc(0, 32)).toBe(b); // page 0: the 32-byte class
    expect(a.alloc(0, 2000)).toBe(b + 4096); // page 1: the 2048-byte class
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
      ['other-cpus', 8192],
    ]);
    expect(e.unusable[0].spans).toEqual([
      { address: b + 32, bytes: 127 * 32 },
      { address: b + 4096 + 2048, bytes: 2048 },
    ]);
    expect(e.unusable[1].spans).toEqual([{ address: b + 8192, bytes: 8192 }]);
    expect(e.paragraph).toBe(
      'pow2 (SLAB-like) CPU 0: 3,000 B asked (4,096 B class); 2,048 B is its largest free slot; 6,112 B is free in ' +
        "other size classes; 8,192 B is free on other CPUs' memory; the 4,096 B class has no free slot on CPU 0 and " +
        'none of its 2 pages is left to dedicate.',
    );
  });

  it('says a request above a page is too large', () => {
    const a = new Pow2Allocator({ pages: 2, cpus: 1 });
    const e = a.explainFailure(0, 5000);
    expect(e.rounded).toBe(0);
    expect(e.refused).toBe('too large: the largest class is 4,096 B');
    expect(e.largest).toEqual([
      { address: a.base, bytes: 4096 },
      { address: a.base + 4096, bytes: 4096 },
    ]);
  });
});
