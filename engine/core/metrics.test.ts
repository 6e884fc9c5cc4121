import { describe, expect, it } from 'vitest';
import { computeMetrics, freeHistogram, requestIndices } from './metrics';
import { NtaAllocator } from '../allocators/nta/nta';

describe('requestIndices(blocks, request)', () => {
  it('a suitable block: fragmentation index -1, unusable = the share below request-sized units', () => {
    expect(requestIndices([4096, 64, 64], 1000)).toEqual({ unusable: (4224 - 4000) / 4224, fragmentation: -1 });
  });
  it('enough free memory but only in small pieces: fragmentation index near 1', () => {
    const r = requestIndices(Array(100).fill(32), 256);
    expect(r.unusable).toBe(1);
    expect(r.fragmentation).toBeCloseTo(1 - (1 + 3200 / 256) / 100, 12);
    expect(r.fragmentation).toBeGreaterThan(0.8);
  });
  it('too little free memory in total: fragmentation index near 0', () => {
    expect(requestIndices([32], 4096).fragmentation).toBeCloseTo(1 - (1 + 32 / 4096), 12);
  });
  it('nothing free: unusable 1', () => {
    expect(requestIndices([], 64)).toEqual({ unusable: 1, fragmentation: 0 });
  });
});

describe('computeMetrics(allocator)', () => {
  it('derives every ratio from counters and free blocks', () => {
    const a = new NtaAllocator({ preset: 'blog', regions: 2, maxPages: 2 });
    a.alloc(0, 100); // 4 chunks = 128 B
    const m = computeMetrics(a);
    expect(m).toMatchObject({
      requestedBytes: 100,
      allocatedBytes: 128,
      heldBytes: 8192,
      freeBytes: 8192 - 128,
      largestFreeBytes: 4096,
    });
    expect(m.internalFragmentation).toBeCloseTo(1 - 100 / 128, 12);
    expect(m.externalFragmentation).toBeCloseTo(1 - 4096 / (8192 - 128), 12);
    expect(m.utilisation).toBeCloseTo(100 / 8192, 12);
    expect(freeHistogram(a.freeBlocks())).toEqual([
      [3968, 1],
      [4096, 1],
    ]);
  });
});
