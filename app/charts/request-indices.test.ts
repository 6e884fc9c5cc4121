import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { freeHistogram, requestIndices, summaryOf } from '../../engine/core/metrics';
import { indicesFromHistogram } from './request-indices';

const expand = (hist: readonly (readonly [number, number])[]): number[] =>
  hist.flatMap(([b, c]) => Array<number>(c).fill(b));

describe('indicesFromHistogram(hist, request)', () => {
  it("equals the engine's requestIndices on the expanded blocks (pairs and flat)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1 << 16 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 1 << 15 }),
        (blocks, request) => {
          const summary = summaryOf(blocks);
          const hist = freeHistogram(summary);
          const want = requestIndices(summary, request);
          expect(requestIndices(summaryOf(expand(hist)), request)).toEqual(want);
          expect(indicesFromHistogram(hist, request)).toEqual(want);
          expect(indicesFromHistogram(Float64Array.from(hist.flat()), request)).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the definition cases: suitable block, lack of memory, fragmentation, nothing free', () => {
    expect(
      indicesFromHistogram(
        [
          [64, 3],
          [2048, 1],
        ],
        1500,
      ),
    ).toEqual({ unusable: (64 * 3 + 548) / (64 * 3 + 2048), fragmentation: -1 });
    // One 32-byte block: the request fails for lack of memory, index near 0.
    const lack = indicesFromHistogram([[32, 1]], 1500).fragmentation;
    expect(lack).toBeCloseTo(1 - (1 + 32 / 1500), 12);
    expect(Math.abs(lack)).toBeLessThan(0.05);
    // 100 blocks of 32 bytes (3200 free) cannot serve 1500: fragmentation, index near 1.
    const f = indicesFromHistogram([[32, 100]], 1500);
    expect(f.fragmentation).toBeGreaterThan(0.95);
    expect(f.unusable).toBe(1);
    expect(indicesFromHistogram([], 1500)).toEqual({ unusable: 1, fragmentation: 0 });
  });
});
