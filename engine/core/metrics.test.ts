import { describe, expect, it } from 'vitest';
import { computeMetrics, freeHistogram, requestIndices, summaryOf } from './metrics';
import { createAllocator } from '../allocators/registry';

describe('requestIndices(summary, request)', () => {
  it('a suitable block: fragmentation index -1, unusable = the share below request-sized units', () => {
    expect(requestIndices(summaryOf([4096, 64, 64]), 1000)).toEqual({
      unusable: (4224 - 4000) / 4224,
      fragmentation: -1,
    });
  });
  it('enough free memory but only in small pieces: fragmentation index near 1', () => {
    const r = requestIndices(summaryOf(Array(100).fill(32)), 256);
    expect(r.unusable).toBe(1);
    expect(r.fragmentation).toBeCloseTo(1 - (1 + 3200 / 256) / 100, 12);
    expect(r.fragmentation).toBeGreaterThan(0.8);
  });
  it('too little free memory in total: fragmentation index near 0', () => {
    expect(requestIndices(summaryOf([32]), 4096).fragmentation).toBeCloseTo(1 - (1 + 32 / 4096), 12);
  });
  it('nothing free: unusable 1', () => {
    expect(requestIndices(summaryOf([]), 64)).toEqual({ unusable: 1, fragmentation: 0 });
  });
});

describe('computeMetrics(allocator)', () => {
  it('derives every ratio from counters and free blocks', () => {
    const a = createAllocator({ kind: 'nta', preset: 'blog', overrides: { regions: 2, maxPages: 2 } }, 1);
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
    expect(freeHistogram(a.freeSummary())).toEqual([
      [3968, 1],
      [4096, 1],
    ]);
  });
});

describe('summaryOf(blocks)', () => {
  it('counts each size once, sorted by size', () => {
    expect(summaryOf([64, 4096, 64, 32])).toEqual({ bytes: [32, 64, 4096], counts: [1, 2, 1] });
    expect(freeHistogram(summaryOf([64, 4096, 64]))).toEqual([
      [64, 2],
      [4096, 1],
    ]);
  });
});
