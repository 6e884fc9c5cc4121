import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ABSENT, PageSummaries, SLOTS } from './summaries';

/** Counts per slot of pages [a, b) of `states` (C per page), the slow way. */
function naive(states: Uint8Array, C: number, pages: number, a: number, b: number): number[] {
  const out = new Array<number>(SLOTS).fill(0);
  for (let p = a; p < b; p++) {
    if (p >= pages) out[ABSENT] += C;
    else for (let c = 0; c < C; c++) out[states[p * C + c]]++;
  }
  return out;
}

describe('PageSummaries', () => {
  it('addRange equals a recount for any range after any updates (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 700 }),
        fc.constantFrom(1, 3, 4, 128),
        fc.array(fc.tuple(fc.nat(), fc.nat(8), fc.nat(8)), { maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 8 }),
        (pages, C, writes, ranges) => {
          const padded = Math.ceil(pages / 256) * 256;
          const s = new PageSummaries(pages, padded, C);
          const states = new Uint8Array(pages * C).fill(1);
          s.initVirgin(() => 1);
          for (const [at, v, w] of writes) {
            const seg = (at % Math.ceil(pages / 64)) * 64;
            const n = Math.min(64, pages - seg);
            const chunk = states.subarray(seg * C, (seg + n) * C);
            for (let i = 0; i < chunk.length; i++) chunk[i] = i % 3 === 0 ? v : w;
            s.update(seg, n, chunk.slice());
          }
          for (const [x, y] of ranges) {
            const a = x % (padded + 1),
              b = a + (y % (padded - a + 1));
            const got = new Array<number>(SLOTS).fill(0);
            s.addRange(a, b, got);
            expect(got).toEqual(naive(states, C, pages, a, b));
          }
          expect(s.total(1) + s.total(ABSENT)).toBe(naive(states, C, pages, 0, padded)[1] + (padded - pages) * C);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('initVirgin fills every level as summing every page would, for any runs of states (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1500 }),
        fc.integer({ min: 0, max: 600 }),
        fc.constantFrom(1, 3, 128),
        fc.array(fc.tuple(fc.nat(), fc.nat(12)), { maxLength: 6 }),
        (pages, pad, C, cuts) => {
          const padded = pages + pad;
          // A step function: state by the last cut at or below the page (codes past 8 land in ABSENT).
          const steps = cuts.map(([at, v]) => [at % pages, v] as const).sort((x, y) => x[0] - y[0]);
          const virgin = (p: number) => steps.reduce((v, [at, w]) => (p >= at ? w : v), 1);
          const s = new PageSummaries(pages, padded, C);
          s.initVirgin((p) => (p % 5) + 2); // counts from before must go
          s.initVirgin(virgin);
          // The slow way: every page at level 0, every node summed from its children.
          const want = new PageSummaries(pages, padded, C);
          const L0 = want.levels[0];
          for (let p = 0; p < padded; p++) L0[p * SLOTS + (p < pages ? Math.min(virgin(p), ABSENT) : ABSENT)] = C;
          for (let l = 1; l <= want.top; l++) {
            const child = want.levels[l - 1];
            for (let i = 0; i < child.length; i++)
              want.levels[l][(Math.floor(i / SLOTS) >> 2) * SLOTS + (i % SLOTS)] += child[i];
          }
          s.levels.forEach((L, l) => expect(Array.from(L)).toEqual(Array.from(want.levels[l])));
          // The fingerprint of the same states written page by page.
          const w = new PageSummaries(pages, padded, C);
          w.initVirgin(() => 0);
          w.update(
            0,
            pages,
            Uint8Array.from({ length: pages * C }, (_, i) => virgin(Math.floor(i / C))),
          );
          expect(s.fingerprint()).toBe(w.fingerprint());
        },
      ),
      { numRuns: 80 },
    );
  });

  it('the fingerprint follows the content: a virgin page and one written with the same states agree', () => {
    const C = 128,
      pages = 200;
    const a = new PageSummaries(pages, 256, C),
      b = new PageSummaries(pages, 256, C);
    a.initVirgin((p) => (p < 100 ? 1 : 0));
    b.initVirgin(() => 0);
    expect(b.fingerprint()).not.toBe(a.fingerprint());
    const states = new Uint8Array(128 * C);
    states.fill(1, 0, 100 * C);
    b.update(64, 64, states.subarray(64 * C)); // pages 64..127: 36 free then unheld
    b.update(0, 64, states.subarray(0, 64 * C));
    expect(b.fingerprint()).toBe(a.fingerprint());
    // One chunk differs: another fingerprint; written back: the same again.
    const one = states.slice(0, 64 * C);
    one[5 * C + 7] = 2;
    b.update(0, 64, one);
    expect(b.fingerprint()).not.toBe(a.fingerprint());
    b.update(0, 64, states.subarray(0, 64 * C));
    expect(b.fingerprint()).toBe(a.fingerprint());
  });

  it('the fingerprint tells apart the same pages in another order', () => {
    const C = 4;
    const a = new PageSummaries(64, 64, C),
      b = new PageSummaries(64, 64, C);
    a.initVirgin(() => 0);
    b.initVirgin(() => 0);
    const s = new Uint8Array(64 * C);
    s.set([2, 1, 1, 1], 0);
    a.update(0, 64, s);
    s.set([1, 1, 1, 1], 0);
    s.set([2, 1, 1, 1], C);
    b.update(0, 64, s);
    expect(a.fingerprint()).not.toBe(b.fingerprint());
  });

  it('refuses an update that is not whole segments', () => {
    const s = new PageSummaries(200, 256, 4);
    expect(() => s.update(10, 64, new Uint8Array(64 * 4))).toThrow(/whole 64-page segments/);
    expect(() => s.update(128, 72, new Uint8Array(72 * 4))).not.toThrow(); // runs to the pool's end
  });

  it('counters widen with the counts they hold', () => {
    const s = new PageSummaries(4096, 4096, 128);
    expect(s.levels[0]).toBeInstanceOf(Uint8Array);
    expect(s.levels[1]).toBeInstanceOf(Uint16Array);
    expect(s.levels[s.top]).toBeInstanceOf(Uint32Array);
    expect(s.levels[s.top].length).toBe(SLOTS);
  });
});
