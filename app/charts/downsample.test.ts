import { describe, expect, it } from 'vitest';
import { columnPoints } from './downsample';

describe('columnPoints', () => {
  it('keeps at most four points per column, ascending, with the first and the last', () => {
    const n = 4096;
    const px = (i: number) => (i / (n - 1)) * 400;
    const ys = Array.from({ length: n }, (_, i) => Math.sin(i / 7) + (i % 13) / 13);
    const kept = columnPoints(n, px, (i) => ys[i]);
    expect(kept.length).toBeLessThanOrEqual(4 * 401);
    expect(kept.length).toBeLessThan(n / 2);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(n - 1);
    for (let k = 1; k < kept.length; k++) expect(kept[k]).toBeGreaterThan(kept[k - 1]);
  });

  it('keeps every column extreme, so a one-point spike is drawn', () => {
    const n = 1000;
    const ys = new Array<number>(n).fill(0);
    ys[517] = 9;
    ys[733] = -4;
    const px = (i: number) => i / 10;
    const kept = columnPoints(n, px, (i) => ys[i]);
    expect(kept).toContain(517);
    expect(kept).toContain(733);
    // Each column's lowest and highest value among the kept points equal the series' own.
    const cols = new Map<number, number[]>();
    for (let i = 0; i < n; i++) cols.set(Math.round(px(i)), [...(cols.get(Math.round(px(i))) ?? []), ys[i]]);
    for (const [c, vs] of cols) {
      const got = kept.filter((i) => Math.round(px(i)) === c).map((i) => ys[i]);
      expect(Math.min(...got)).toBe(Math.min(...vs));
      expect(Math.max(...got)).toBe(Math.max(...vs));
    }
  });

  it('keeps every point when each has a column of its own, and handles 0 and 1 point', () => {
    expect(
      columnPoints(
        5,
        (i) => i * 3,
        (i) => i,
      ),
    ).toEqual([0, 1, 2, 3, 4]);
    expect(
      columnPoints(
        1,
        () => 0,
        () => 1,
      ),
    ).toEqual([0]);
    expect(
      columnPoints(
        0,
        () => 0,
        () => 1,
      ),
    ).toEqual([]);
  });
});
