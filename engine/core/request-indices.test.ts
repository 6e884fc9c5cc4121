import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { freeHistogram, requestIndices, summaryOf } from './metrics';

const expand = (hist: readonly (readonly [number, number])[]): number[] =>
  hist.flatMap(([b, c]) => Array<number>(c).fill(b));

describe('requestIndices(summary | flat pairs, request)', () => {
  it('a summary, its expanded blocks and its flat pairs give the same indices', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1 << 16 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 1 << 15 }),
        (blocks, request) => {
          const summary = summaryOf(blocks);
          const hist = freeHistogram(summary);
          const want = requestIndices(summary, request);
          expect(requestIndices(summaryOf(expand(hist)), request)).toEqual(want);
          expect(requestIndices(Float64Array.from(hist.flat()), request)).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the definition cases: suitable block, lack of memory, fragmentation, nothing free', () => {
    expect(requestIndices(summaryOf([64, 64, 64, 2048]), 1500)).toEqual({
      unusable: (64 * 3 + 548) / (64 * 3 + 2048),
      fragmentation: -1,
    });
    // One 32-byte block: the request fails for lack of memory, index near 0.
    const lack = requestIndices(summaryOf([32]), 1500).fragmentation;
    expect(lack).toBeCloseTo(1 - (1 + 32 / 1500), 12);
    expect(Math.abs(lack)).toBeLessThan(0.05);
    // 100 blocks of 32 bytes (3200 free) cannot serve 1500: fragmentation, index near 1.
    const f = requestIndices(summaryOf(Array<number>(100).fill(32)), 1500);
    expect(f.fragmentation).toBeGreaterThan(0.95);
    expect(f.unusable).toBe(1);
    expect(requestIndices(summaryOf([]), 1500)).toEqual({ unusable: 1, fragmentation: 0 });
  });
});
