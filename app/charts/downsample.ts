/**
 * The points of a long series worth drawing in a chart a few hundred units wide.
 *
 * Why: the metric history keeps up to 4,096 points per allocator, and a chart draws each series
 * as an SVG path in a box 460 units wide; a path of thousands of points costs its building, the
 * browser's parsing, layout and paint, every redraw, for nothing the eye can see. Per unit-wide
 * column only four points change the drawn line: the first and last (where it enters and leaves)
 * and the lowest and highest (its vertical extent), so a spike is never lost.
 */

/**
 * Indices of points 0..n-1, ascending, to draw: per column (Math.round of `px(i)`, the point's
 * x in chart units; x never decreases with i) the first, lowest, highest and last point.
 */
export function columnPoints(n: number, px: (i: number) => number, y: (i: number) => number): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < n) {
    const col = Math.round(px(i));
    const first = i;
    let lo = i,
      hi = i;
    let j = i + 1;
    for (; j < n && Math.round(px(j)) === col; j++) {
      const v = y(j);
      if (v < y(lo)) lo = j;
      if (v > y(hi)) hi = j;
    }
    const last = j - 1;
    // In index order, each once (first <= lo, hi <= last).
    const a = Math.min(lo, hi),
      b = Math.max(lo, hi);
    out.push(first);
    if (a !== first) out.push(a);
    if (b !== a && b !== first) out.push(b);
    if (last !== b && last !== first) out.push(last);
    i = j;
  }
  return out;
}
