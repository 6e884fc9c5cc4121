import { describe, expect, it } from 'vitest';
import { AllocError } from '../../core/types';
import { BuddyAllocator } from './buddy';

const P = { pages: 8, chunkBytes: 32, pageBytes: 4096, cpus: 1, baseAddress: 0x100000 };

describe('buddy explainFailure', () => {
  it('names the zone fragments below the order asked and the largest free blocks', () => {
    const a = new BuddyAllocator(P);
    const b = P.baseAddress;
    expect(a.alloc(0, 4096)).toBe(b); // page 0: pages 1 (order 0), 2-3 (order 1), 4-7 (order 2) stay free
    expect(a.alloc(0, 16384)).toBe(b + 4 * 4096);
    expect(a.alloc(0, 3 * 4096)).toBe(AllocError.NoSpace);
    const e = a.explainFailure(0, 3 * 4096);
    expect(e.rounded).toBe(16384);
    expect(e.sizeClass).toBe('order 2');
    expect(e.largest).toEqual([
      { address: b + 2 * 4096, bytes: 8192 },
      { address: b + 4096, bytes: 4096 },
    ]);
    expect(e.unusable).toEqual([
      { reason: 'zone-fragments', bytes: 12288, spans: [{ address: b + 4096, bytes: 12288 }], truncated: false },
    ]);
    expect(e.refused).toBe('the zone has no free block of order 2 or above (its largest: order 1, 8,192 B)');
    expect(e.paragraph).toBe(
      'buddy (page allocator) CPU 0: 12 KiB asked (16 KiB, order 2); 8,192 B is its largest free block; 12 KiB is ' +
        'free in the zone in blocks too small; the zone has no free block of order 2 or above (its largest: order 1, 8,192 B).',
    );
  });

  it('says when the request passes the largest order', () => {
    const e = new BuddyAllocator(P).explainFailure(0, 8 * 1024 * 1024);
    expect(e.rounded).toBe(0);
    expect(e.refused).toBe('too large: the largest block is order 10, 4 MiB');
    expect(e.unusable).toEqual([]);
  });
});
