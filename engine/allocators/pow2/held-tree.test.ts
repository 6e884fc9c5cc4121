import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HeldTree } from './held-tree';

describe('HeldTree', () => {
  it('has one word on top and pads each CPU to cache lines', () => {
    const t = new HeldTree(4094);
    expect(t.sizes).toEqual([128, 4, 1]);
    expect(t.stride).toBe(144);
    expect(new HeldTree(4_194_304).sizes).toEqual([131072, 4096, 128, 4, 1]);
    expect(new HeldTree(1).sizes).toEqual([1]);
  });
  it('lowestUnheld equals a brute-force search after random set/clear (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 31, 32, 33, 1024, 1025, 32 * 32 * 32 + 5),
        // Takes outnumber frees 3:1, so that long runs fill whole words and levels.
        fc.array(
          fc.tuple(
            fc.nat(3).map((x) => x > 0),
            fc.nat(),
          ),
          { maxLength: 2500, size: 'max' },
        ),
        (pages, ops) => {
          const t = new HeldTree(pages);
          const words = new Uint32Array(2 * t.stride); // two CPUs: the second must stay untouched
          const held = new Uint8Array(pages);
          for (const [take, x] of ops) {
            if (take) {
              const i = t.lowestUnheld(words, t.stride, pages);
              expect(i).toBe(held.indexOf(0));
              if (i >= 0) {
                t.set(words, t.stride, i);
                held[i] = 1;
              }
            } else if (held[x % pages]) {
              t.clear(words, t.stride, x % pages);
              held[x % pages] = 0;
            }
            expect(t.held(words, t.stride, x % pages)).toBe(held[x % pages] === 1);
          }
          expect(words.subarray(0, t.stride).every((w) => w === 0)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
  it('fills a CPU completely, then finds nothing; a count below the capacity ends the search early', () => {
    const t = new HeldTree(64);
    const w = new Uint32Array(t.stride);
    for (let i = 0; i < 64; i++) {
      expect(t.lowestUnheld(w, 0, 64)).toBe(i);
      t.set(w, 0, i);
    }
    expect(t.lowestUnheld(w, 0, 64)).toBe(-1);
    t.clear(w, 0, 40);
    expect(t.lowestUnheld(w, 0, 64)).toBe(40);
    expect(t.lowestUnheld(w, 0, 40)).toBe(-1);
  });
});
