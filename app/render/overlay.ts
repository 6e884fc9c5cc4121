/**
 * Overlays on a map (pure): sets of blocks drawn over the picture, outlined or tinted. What
 * the app marks on a map is always a set of address ranges of one allocator: the live blocks
 * of a call site, the largest free runs of a CPU that failed an allocation, the chunks it
 * could not use. This module turns such a set into device rectangles for the view shown; the
 * map worker strokes or fills them over the picture (map-painter.ts).
 *
 * Geometry (layout.ts): chunk k of the pool is page floor(k / C), row k mod C (C - 1 - row with
 * highFirst); page p is column p mod W of band floor(p / W). A block over several pages is one
 * rectangle per run of whole columns in a band plus its partial first and last columns. In the
 * sorted view rows no longer stand for chunks, so a block marks its pages' whole columns.
 * Only the ranges in view are visited (binary search per visible band), and rectangles that
 * fall in the same device pixel column are merged, so a frame's cost follows what is shown,
 * never the size of the set.
 */
import type { MapLayout } from './layout';
import type { ViewBox } from './view';

export type OverlayStyle = 'outline' | 'tint';

/** One set of blocks to mark on one map. */
export interface OverlayLayer {
  /** What the set is, for the page's data attribute and the legend, e.g. 'site', 'largest-free'. */
  name: string;
  /** Block starts and lengths in bytes, sorted by start, not overlapping: [start0, bytes0, start1, bytes1, ...]. */
  ranges: Float64Array;
  style: OverlayStyle;
  rgb: readonly [number, number, number];
  /** Opacity of a tint (default 0.55) or of an outline (default 1). */
  alpha?: number;
  /** A label per range (same order), drawn beside its rectangle when there is room, e.g. '2,048 B'. */
  labels?: readonly string[];
}

/** Where the pool sits: what turns an address into a chunk. */
export interface OverlayGeometry {
  baseAddress: number;
  pageBytes: number;
  chunkBytes: number;
}

/** Rectangles of one layer in device pixels: x, y, w, h per rectangle, and the range each marks. */
export interface OverlayRects {
  xywh: Float32Array;
  range: Int32Array;
  count: number;
  /** Ranges with at least one rectangle in view. */
  rangesInView: number;
  /** More rectangles than MAX_RECTS were in view: the rest are not drawn. */
  truncated: boolean;
}

/** At most this many rectangles per layer and frame (beyond, the picture would be solid anyway). */
export const MAX_RECTS = 50_000;

/** First range index whose end is after `addr` (ranges sorted, not overlapping). */
export function firstRangeAfter(ranges: Float64Array, addr: number): number {
  let lo = 0,
    hi = ranges.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[2 * mid] + ranges[2 * mid + 1] > addr) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The device rectangles of `layer`'s ranges within the view `box` (device units: view.ts
 * deviceBox) of w x h device pixels. Each rectangle is at least one device pixel each way.
 */
export function overlayRects(
  layout: MapLayout,
  g: OverlayGeometry,
  ranges: Float64Array,
  box: ViewBox,
  w: number,
  h: number,
  opts: { highFirst: boolean; sorted: boolean },
): OverlayRects {
  const C = layout.chunksPerPage,
    W = layout.bandPages;
  const xywh: number[] = [];
  const idx: number[] = [];
  let truncated = false;
  const seen = new Set<number>();
  // Image rectangle in view.
  const ix0 = box.x0,
    ix1 = box.x0 + w / box.sx,
    iy0 = box.y0,
    iy1 = box.y0 + h / box.sy;
  const bandA = Math.max(0, Math.floor(iy0 / C)),
    bandB = Math.min(layout.bands - 1, Math.floor((iy1 - 1e-9) / C));
  let last = -1; // index in xywh of the previous rectangle, for merging
  const emit = (range: number, x0: number, x1: number, y0: number, y1: number) => {
    // Image -> device, at least one device pixel each way.
    let dx0 = (x0 - box.x0) * box.sx,
      dx1 = (x1 - box.x0) * box.sx,
      dy0 = (y0 - box.y0) * box.sy,
      dy1 = (y1 - box.y0) * box.sy;
    if (dx1 - dx0 < 1) {
      dx0 = Math.floor(dx0);
      dx1 = dx0 + 1;
    }
    if (dy1 - dy0 < 1) {
      dy0 = Math.floor(dy0);
      dy1 = dy0 + 1;
    }
    if (dx1 <= 0 || dy1 <= 0 || dx0 >= w || dy0 >= h) return;
    seen.add(range);
    // Merge with the previous rectangle of the same range when it covers the same pixel column
    // and the rows touch (zoomed out, consecutive pages of a block land in one column).
    if (last >= 0 && idx[last / 4] === range) {
      const px0 = xywh[last],
        pw = xywh[last + 2],
        py0 = xywh[last + 1],
        ph = xywh[last + 3];
      const sameCol = Math.floor(px0) === Math.floor(dx0) && Math.ceil(px0 + pw) === Math.ceil(dx1);
      const sameRows = py0 === dy0 && ph === dy1 - dy0;
      if (sameCol && dy0 <= py0 + ph + 1 && dy1 >= py0 - 1) {
        const ny0 = Math.min(py0, dy0),
          ny1 = Math.max(py0 + ph, dy1);
        xywh[last + 1] = ny0;
        xywh[last + 3] = ny1 - ny0;
        return;
      }
      if (sameRows && dx0 <= px0 + pw + 1e-6) {
        xywh[last + 2] = Math.max(px0 + pw, dx1) - px0;
        return;
      }
    }
    if (idx.length >= MAX_RECTS) {
      truncated = true;
      return;
    }
    last = xywh.length;
    xywh.push(dx0, dy0, dx1 - dx0, dy1 - dy0);
    idx.push(range);
  };
  /** Display rows [r0, r1) of chunks [c0, c1) of one page. */
  const rowsOf = (c0: number, c1: number): [number, number] =>
    opts.sorted ? [0, C] : opts.highFirst ? [C - c1, C - c0] : [c0, c1];

  for (let band = bandA; band <= bandB && !truncated; band++) {
    const colA = Math.max(0, Math.floor(ix0)),
      colB = Math.min(layout.width, Math.ceil(ix1));
    const pageA = band * W + colA,
      pageB = Math.min(layout.pages, band * W + colB);
    if (pageB <= pageA) continue;
    const addrA = g.baseAddress + pageA * g.pageBytes,
      addrB = g.baseAddress + pageB * g.pageBytes;
    const yBand = band * C;
    for (let i = firstRangeAfter(ranges, addrA); i < ranges.length / 2 && !truncated; i++) {
      const start = ranges[2 * i];
      if (start >= addrB) break;
      const end = start + ranges[2 * i + 1];
      const k0 = Math.floor((Math.max(start, addrA) - g.baseAddress) / g.chunkBytes),
        k1 = Math.ceil((Math.min(end, addrB) - g.baseAddress) / g.chunkBytes);
      const p0 = Math.floor(k0 / C),
        p1 = Math.floor((k1 - 1) / C);
      const col = (p: number) => p - band * W;
      if (p0 === p1) {
        const [r0, r1] = rowsOf(k0 - p0 * C, k1 - p0 * C);
        emit(i, col(p0), col(p0) + 1, yBand + r0, yBand + r1);
        continue;
      }
      // First page from chunk k0 to its end, whole pages between, last page to chunk k1.
      const [a0, a1] = rowsOf(k0 - p0 * C, C);
      emit(i, col(p0), col(p0) + 1, yBand + a0, yBand + a1);
      if (p1 - p0 > 1) emit(i, col(p0 + 1), col(p1), yBand, yBand + C);
      const [b0, b1] = rowsOf(0, k1 - p1 * C);
      emit(i, col(p1), col(p1) + 1, yBand + b0, yBand + b1);
    }
  }
  return {
    xywh: Float32Array.from(xywh),
    range: Int32Array.from(idx),
    count: idx.length,
    rangesInView: seen.size,
    truncated,
  };
}

/** Ranges as the sorted, non-overlapping pairs OverlayLayer wants, from blocks in any order (overlaps merged). */
export function toRanges(blocks: readonly { start: number; bytes: number }[]): Float64Array {
  const s = blocks.filter((b) => b.bytes > 0).sort((a, b) => a.start - b.start);
  const out: number[] = [];
  for (const b of s) {
    const n = out.length;
    if (n > 0 && b.start <= out[n - 2] + out[n - 1]) out[n - 1] = Math.max(out[n - 1], b.start + b.bytes - out[n - 2]);
    else out.push(b.start, b.bytes);
  }
  return Float64Array.from(out);
}
