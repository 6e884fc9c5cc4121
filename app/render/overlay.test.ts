import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mapLayout } from './layout';
import { firstRangeAfter, overlayRects, toRanges, MAX_RECTS } from './overlay';

const g = { baseAddress: 0x100000, pageBytes: 4096, chunkBytes: 32 };
const C = 128;
const at = (page: number, chunk: number) => g.baseAddress + page * 4096 + chunk * 32;
const one = { x0: 0, y0: 0, sx: 1, sy: 1 };
const rects = (r: ReturnType<typeof overlayRects>) =>
  Array.from({ length: r.count }, (_, i) => Array.from(r.xywh.subarray(4 * i, 4 * i + 4)));

describe('overlayRects', () => {
  const L = mapLayout(8, C);

  it('a block within a page is its chunks rows in its page column (low-first and high-first)', () => {
    const ranges = Float64Array.from([at(2, 4), 3 * 32]);
    expect(rects(overlayRects(L, g, ranges, one, 8, C, { highFirst: false, sorted: false }))).toEqual([[2, 4, 1, 3]]);
    expect(rects(overlayRects(L, g, ranges, one, 8, C, { highFirst: true, sorted: false }))).toEqual([
      [2, C - 7, 1, 3],
    ]);
    // Sorted view: the whole column.
    expect(rects(overlayRects(L, g, ranges, one, 8, C, { highFirst: false, sorted: true }))).toEqual([[2, 0, 1, C]]);
  });

  it('a block over several pages: the tail of its first page, whole pages, the head of its last', () => {
    const ranges = Float64Array.from([at(1, 100), 4096 * 3]); // page 1 chunk 100 .. page 4 chunk 100
    expect(rects(overlayRects(L, g, ranges, one, 8, C, { highFirst: false, sorted: false }))).toEqual([
      [1, 100, 1, 28],
      [2, 0, 2, C],
      [4, 0, 1, 100],
    ]);
  });

  it('zoomed in, image units scale to device pixels; ranges out of view are not visited', () => {
    const ranges = Float64Array.from([at(0, 0), 32, at(5, 10), 64]);
    const box = { x0: 4, y0: 0, sx: 10, sy: 2 }; // columns 4.. at 10 px, rows at 2 px
    const r = overlayRects(L, g, ranges, box, 30, 256, { highFirst: false, sorted: false });
    expect(rects(r)).toEqual([[10, 20, 10, 4]]);
    expect(r.rangesInView).toBe(1);
  });

  it('zoomed out, every block keeps at least one device pixel and blocks in one pixel column merge', () => {
    const big = mapLayout(4096, C);
    const blocks = Array.from({ length: 64 }, (_, p) => ({ start: at(p, 0), bytes: 32 }));
    const r = overlayRects(big, g, toRanges(blocks), { x0: 0, y0: 0, sx: 1 / 64, sy: 1 / 4 }, 64, 32, {
      highFirst: false,
      sorted: false,
    });
    expect(r.rangesInView).toBe(64);
    // 64 separate blocks, each one pixel wide at x 0: they are separate ranges, so not merged into one,
    // but each is 1x1 device pixel at (0, 0).
    expect(rects(r).every(([x, y, w, h]) => x === 0 && y === 0 && w === 1 && h === 1)).toBe(true);
  });

  it('one multi-page block zoomed out is one rectangle per pixel column', () => {
    const big = mapLayout(4096, C);
    const ranges = Float64Array.from([at(0, 0), 4096 * 4096]);
    const r = overlayRects(big, g, ranges, { x0: 0, y0: 0, sx: 1 / 64, sy: 1 / 4 }, 64, 32, {
      highFirst: false,
      sorted: false,
    });
    expect(r.count).toBeLessThanOrEqual(3);
    expect(r.truncated).toBe(false);
  });

  it('bands: a page of the second band is drawn in its rows', () => {
    const L2 = mapLayout(5000, C);
    expect(L2.bands).toBe(2);
    const ranges = Float64Array.from([at(4096 + 3, 0), 32]);
    const r = overlayRects(L2, g, ranges, one, 4096, 2 * C, { highFirst: false, sorted: false });
    expect(rects(r)).toEqual([[3, C, 1, 1]]);
  });

  it('never more than MAX_RECTS rectangles; says so when more were in view', () => {
    const big = mapLayout(4096, C);
    const blocks = Array.from({ length: 4096 * 16 }, (_, k) => ({
      start: at(Math.floor(k / 16), (k % 16) * 8),
      bytes: 32,
    }));
    const r = overlayRects(big, g, toRanges(blocks), one, 4096, C, { highFirst: false, sorted: false });
    expect(r.count).toBe(MAX_RECTS);
    expect(r.truncated).toBe(true);
  });

  it('every chunk of every range in view is covered by a rectangle (property, 1:1 view)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(8 * C - 1), fc.integer({ min: 1, max: 3 * C })), { maxLength: 12 }),
        fc.boolean(),
        (blocks, highFirst) => {
          const ranges = toRanges(
            blocks.map(([k, n]) => ({ start: g.baseAddress + k * 32, bytes: Math.min(n, 8 * C - k) * 32 })),
          );
          const r = overlayRects(L, g, ranges, one, 8, C, { highFirst, sorted: false });
          const covered = new Uint8Array(8 * C);
          for (const [x, y, w, h] of rects(r))
            for (let px = x; px < x + w; px++)
              for (let py = y; py < y + h; py++) covered[px * C + (highFirst ? C - 1 - py : py)] = 1;
          for (let i = 0; i < ranges.length; i += 2) {
            const k0 = (ranges[i] - g.baseAddress) / 32;
            for (let k = k0; k < k0 + ranges[i + 1] / 32; k++) expect(covered[k]).toBe(1);
          }
          // ...and nothing else.
          const want = new Uint8Array(8 * C);
          for (let i = 0; i < ranges.length; i += 2) {
            const k0 = (ranges[i] - g.baseAddress) / 32;
            want.fill(1, k0, k0 + ranges[i + 1] / 32);
          }
          expect(Array.from(covered)).toEqual(Array.from(want));
        },
      ),
    );
  });
});

describe('toRanges / firstRangeAfter', () => {
  it('sorts and merges overlapping blocks; finds the first range ending after an address', () => {
    const r = toRanges([
      { start: 300, bytes: 10 },
      { start: 100, bytes: 50 },
      { start: 120, bytes: 50 },
      { start: 400, bytes: 0 },
    ]);
    expect(Array.from(r)).toEqual([100, 70, 300, 10]);
    expect(firstRangeAfter(r, 0)).toBe(0);
    expect(firstRangeAfter(r, 169)).toBe(0);
    expect(firstRangeAfter(r, 170)).toBe(1);
    expect(firstRangeAfter(r, 310)).toBe(2);
  });
});
