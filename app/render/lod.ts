/**
 * One view of the map into device pixels, at any zoom (pure, no DOM): the map worker's renderer.
 *
 * Each device pixel stands for the image rectangle it covers (view.ts) and is coloured from
 * what lies under it, by the share of each state (a blend of their colours, weighted by the
 * chunks) or by the worst state present (palette.ts WORST_FIRST):
 * - chunks (unsorted view, at most one row per pixel): the chunk states of the pages under the
 *   pixel at its row, from the detail of the pages in view (one page when pages are wider than
 *   a pixel: cells);
 * - proportions (sorted view, or more rows than pixels): each column stands for its pages'
 *   counts per state, stacked in SORTED_ORDER over the band's height as the seed's power-of-two
 *   picture; the pixel takes the part of that stack its rows cover. Counts come from the
 *   summary pyramid at the level whose nodes are no wider than a pixel, so a frame reads about
 *   one node per pixel column and band whatever the pool's size.
 * A pixel over several bands adds up each band's part. At one device pixel per cell the result
 * is exactly the native picture (one column per page, one pixel per chunk).
 */
import { SEGMENT_SHIFT as SEGMENT_SHIFT_ } from '../../engine/core/dirty';
import type { MapLayout } from '../map/layout';
import type { ViewBox } from '../map/view';
import { ABSENT_RGB, PALETTE, UNKNOWN_RGB, WORST_FIRST, isLittleEndian } from './palette';
import { SORTED_ORDER } from './render-map';
import { ABSENT as ABSENT_, PageSummaries, SLOTS as SLOTS_ } from './summaries';

// Module-local copies: an imported binding may compile to a getter (tsx, Vitest) that hot loops must not call.
const SEGMENT_SHIFT = SEGMENT_SHIFT_,
  ABSENT = ABSENT_,
  SLOTS = SLOTS_;

export type PixelMode = 'share' | 'worst';

export interface RenderOptions {
  highFirst: boolean;
  sorted: boolean;
  mode: PixelMode;
}

export interface RenderInput extends RenderOptions {
  layout: MapLayout;
  summaries: PageSummaries;
  /** Chunk states of 64-page segment `s` (page-major, C per page), or undefined when not loaded. */
  detail: (segment: number) => Uint8Array | undefined;
  /** The view in device units (view.ts deviceBox). */
  box: ViewBox;
  w: number;
  h: number;
}

/** Stack order of the proportions: SORTED_ORDER, then cells past the pool. */
const STACK: readonly number[] = [...SORTED_ORDER, ABSENT];
const SLOT_RGB: readonly (readonly [number, number, number])[] = Array.from({ length: SLOTS }, (_, s) =>
  s === ABSENT ? ABSENT_RGB : (PALETTE[s]?.rgb ?? UNKNOWN_RGB),
);
/** rank[slot]: larger = worse. */
const RANK = new Int8Array(SLOTS);
WORST_FIRST.forEach((s, i) => (RANK[s] = WORST_FIRST.length - i));
RANK[ABSENT] = 0;
/** Byte order of packed pixels, asked once (palette.ts pack asks per call). */
const LE = isLittleEndian();
const BY_RANK = new Int8Array(SLOTS + 1);
for (let s = 0; s < SLOTS; s++) BY_RANK[RANK[s]] = s;

/** Reusable buffers of one canvas (grown on demand). */
export class RenderScratch {
  /** The prepared band's counts per pixel column, and their stack's normalised ends (STACK order). */
  agg = new Float32Array(0);
  ends = new Float32Array(0);
  /** The band whose `ends` are made (prepareEnds). */
  endsBand = -1;
  /** The whole stack of each column: its blended colour (r, g, b) and its worst rank. */
  full = new Float32Array(0);
  fullWorst = new Int8Array(0);
  band = -1;
  /** Rows over several bands: colour sums and worst ranks. */
  rowAcc = new Float32Array(0);
  rowWorst = new Int8Array(0);
  colA = new Float64Array(0);
  colB = new Float64Array(0);
  colEdge = new Uint8Array(0);
  /** Per pixel column: its first pyramid node (relative to the band's), how many, the first's and last's weights. */
  nodeFirst = new Int32Array(0);
  nodeCount = new Int32Array(0);
  weightFirst = new Float64Array(0);
  weightLast = new Float64Array(0);
  /** The level the node columns are for (-1: none yet this frame). */
  nodesLevel = -1;
  /** One pixel row's state per page column (chunk mode). */
  rowSlots = new Int8Array(0);
  /** Detail of one band's segments, by segment index within the band. */
  bandDetail: (Uint8Array | undefined)[] = [];
  detailBand = -1;
  /** The other band's buffers (the one prepared before). */
  private spare = {
    band: -1,
    endsBand: -1,
    agg: this.agg,
    ends: this.ends,
    full: this.full,
    fullWorst: this.fullWorst,
  };
  swap(): void {
    const o = this.spare;
    this.spare = {
      band: this.band,
      endsBand: this.endsBand,
      agg: this.agg,
      ends: this.ends,
      full: this.full,
      fullWorst: this.fullWorst,
    };
    ({
      band: this.band,
      endsBand: this.endsBand,
      agg: this.agg,
      ends: this.ends,
      full: this.full,
      fullWorst: this.fullWorst,
    } = o);
  }
  ensure(w: number): void {
    if (this.colA.length < w) {
      this.agg = new Float32Array(w * SLOTS);
      this.ends = new Float32Array(w * SLOTS);
      this.full = new Float32Array(w * 3);
      this.fullWorst = new Int8Array(w);
      this.spare = {
        band: -1,
        endsBand: -1,
        agg: new Float32Array(w * SLOTS),
        ends: new Float32Array(w * SLOTS),
        full: new Float32Array(w * 3),
        fullWorst: new Int8Array(w),
      };
      this.rowAcc = new Float32Array(w * 4);
      this.rowWorst = new Int8Array(w);
      this.colA = new Float64Array(w);
      this.colB = new Float64Array(w);
      this.colEdge = new Uint8Array(w);
      this.nodeFirst = new Int32Array(w);
      this.nodeCount = new Int32Array(w);
      this.weightFirst = new Float64Array(w);
      this.weightLast = new Float64Array(w);
    }
    this.band = -1;
    this.spare.band = -1;
    this.nodesLevel = -1;
    this.endsBand = -1;
    this.detailBand = -1;
  }
}

/** Pyramid level for a pixel `pagesPerPx` wide: the largest whose nodes are no wider, never across a band. */
export function levelFor(pagesPerPx: number, bandPages: number, top: number): number {
  const maxL = Math.min(top, Math.floor(Math.log2(bandPages) / 2));
  let l = 0;
  while (l < maxL && PageSummaries.span(l + 1) <= pagesPerPx) l++;
  return l;
}

/** Packed colour (palette.ts pack order), darkened by k; inlined by hand where it runs per pixel. */
const packRgb = (r: number, g: number, b: number, k: number): number => {
  const R = (r * k + 0.5) | 0,
    G = (g * k + 0.5) | 0,
    B = (b * k + 0.5) | 0;
  return LE ? ((255 << 24) | (B << 16) | (G << 8) | R) >>> 0 : ((R << 24) | (G << 16) | (B << 8) | 255) >>> 0;
};
/** A weighted count above this is a state present (partial nodes leave float dust where there is none). */
const PRESENT = 1e-6;
/** Bands thinner than this (device pixels) are drawn as their pages' blend, without their stacks. */
const FLAT_BAND_PX = 2;
/** Darkening of cell grid lines and of the first row of a band, where they are wide enough to read. */
const GRID = 0.8,
  BAND_LINE = 0.55;
const SLOT_PX = [1, GRID, BAND_LINE].map((k) => Uint32Array.from(SLOT_RGB, (c) => packRgb(c[0], c[1], c[2], k)));
const BG = packRgb(ABSENT_RGB[0], ABSENT_RGB[1], ABSENT_RGB[2], 1);

/** Fill `out` (w * h packed RGBA, palette.ts pack order) with the view. */
export function renderLod(inp: RenderInput, out: Uint32Array, scratch = new RenderScratch()): void {
  const { layout: L, box: b, w, h, highFirst } = inp;
  const C = L.chunksPerPage;
  scratch.ensure(w);
  const { colA, colB, colEdge } = scratch;
  const pagesPerPx = 1 / b.sx,
    rowsPerPx = 1 / b.sy;
  const chunks = !inp.sorted && rowsPerPx <= 1;
  const single = pagesPerPx <= 1;
  for (let x = 0; x < w; x++) {
    let a = b.x0 + x * pagesPerPx,
      e = a + pagesPerPx;
    if (single) e = (a = Math.floor(a + pagesPerPx / 2)) + 1;
    colA[x] = Math.max(0, Math.min(L.width, a));
    colB[x] = Math.max(0, Math.min(L.width, e));
    colEdge[x] = b.sx >= 8 && x > 0 && Math.floor(b.x0 + x / b.sx) !== Math.floor(b.x0 + (x - 1) / b.sx) ? 1 : 0;
  }
  const lvl = levelFor(pagesPerPx, L.bandPages, inp.summaries.top);
  const bandLines = L.bands > 1 && C * b.sy >= 6;
  let lastKey = -1;
  for (let y = 0; y < h; y++) {
    const row = out.subarray(y * w, (y + 1) * w);
    const iy0 = b.y0 + y * rowsPerPx,
      iy1 = Math.min(L.height, iy0 + rowsPerPx);
    if (iy0 >= L.height) {
      row.fill(BG);
      continue;
    }
    const prev = b.y0 + (y - 1) * rowsPerPx;
    const bandEdge = bandLines && y > 0 && Math.floor(iy0 / C) !== Math.floor(prev / C);
    const rowEdge = chunks && b.sy >= 8 && y > 0 && Math.floor(iy0) !== Math.floor(prev);
    const tone = bandEdge ? 2 : rowEdge ? 1 : 0;
    if (chunks) {
      const mid = (iy0 + iy1) / 2;
      const band = Math.floor(mid / C),
        r = Math.floor(mid) - band * C;
      // Zoomed in, consecutive pixel rows show the same chunk row: draw it once, copy it after.
      const key = (band * C + r) * 4 + tone;
      if (key === lastKey) row.set(out.subarray((y - 1) * w, y * w));
      else chunkRow(inp, scratch, row, band, highFirst ? C - 1 - r : r, lvl, tone, iy0 - band * C, iy1 - band * C);
      lastKey = key;
      continue;
    }
    const bA = Math.floor(iy0 / C),
      bB = Math.min(L.bands - 1, Math.ceil(iy1 / C) - 1);
    if (bA === bB) stackRow(inp, scratch, row, bA, lvl, iy0 - bA * C, iy1 - bA * C, tone);
    else multiBandRow(inp, scratch, row, bA, bB, lvl, iy0, iy1, tone);
  }
}

if (SLOTS !== 8) throw new Error(`lod.ts unrolls 8 slots per page, summaries have ${SLOTS}`);
/** Slot colours as a flat table (r, g, b per slot) for the unrolled loops. */
const RGB = Float64Array.from(SLOT_RGB.flatMap((c) => [...c]));

/**
 * Make the scratch hold band `band`'s per-column counts (pyramid level `lvl`), each column's
 * whole-stack colour and worst rank, and its stack's normalised ends. Unrolled over the 8 slots
 * into locals: this runs once per pixel column and band, the hottest loop of a zoomed-out frame.
 */
function prepareBand(inp: RenderInput, s: RenderScratch, band: number, lvl: number): void {
  if (s.band === band) return;
  // The band before stays at hand: a pixel row over two bands asks for both, row after row.
  s.swap();
  if (s.band === band) return;
  s.band = band;
  s.endsBand = -1;
  const { agg, ends, full, fullWorst, nodeFirst, nodeCount, weightFirst, weightLast } = s;
  const w = inp.w;
  if (s.nodesLevel !== lvl) columnNodes(s, w, lvl);
  // Bands start on node boundaries (a node is never wider than a band): the same offsets serve every band.
  const base = (band * inp.layout.bandPages) / PageSummaries.span(lvl),
    counts = inp.summaries.levels[lvl];
  const [r0, g0, b0, r1, g1, b1, r2, g2, b2, r3, g3, b3, r4, g4, b4, r5, g5, b5, r6, g6, b6, r7, g7, b7] = RGB;
  for (let x = 0; x < w; x++) {
    const k = nodeCount[x];
    let c0 = 0,
      c1 = 0,
      c2 = 0,
      c3 = 0,
      c4 = 0,
      c5 = 0,
      c6 = 0,
      c7 = 0;
    if (k > 0) {
      // Every node whole, then the first and last ones' uncovered parts taken off.
      const n0 = (base + nodeFirst[x]) * 8;
      for (let no = n0, end = n0 + k * 8; no < end; no += 8) {
        c0 += counts[no];
        c1 += counts[no + 1];
        c2 += counts[no + 2];
        c3 += counts[no + 3];
        c4 += counts[no + 4];
        c5 += counts[no + 5];
        c6 += counts[no + 6];
        c7 += counts[no + 7];
      }
      const fa = 1 - weightFirst[x],
        fb = 1 - weightLast[x],
        nb = n0 + (k - 1) * 8;
      if (fa > 0) {
        c0 -= fa * counts[n0];
        c1 -= fa * counts[n0 + 1];
        c2 -= fa * counts[n0 + 2];
        c3 -= fa * counts[n0 + 3];
        c4 -= fa * counts[n0 + 4];
        c5 -= fa * counts[n0 + 5];
        c6 -= fa * counts[n0 + 6];
        c7 -= fa * counts[n0 + 7];
      }
      if (fb > 0) {
        c0 -= fb * counts[nb];
        c1 -= fb * counts[nb + 1];
        c2 -= fb * counts[nb + 2];
        c3 -= fb * counts[nb + 3];
        c4 -= fb * counts[nb + 4];
        c5 -= fb * counts[nb + 5];
        c6 -= fb * counts[nb + 6];
        c7 -= fb * counts[nb + 7];
      }
    }
    const o = x * 8;
    agg[o] = c0;
    agg[o + 1] = c1;
    agg[o + 2] = c2;
    agg[o + 3] = c3;
    agg[o + 4] = c4;
    agg[o + 5] = c5;
    agg[o + 6] = c6;
    agg[o + 7] = c7;
    const total = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7;
    if (total <= 0) {
      ends[o + 7] = -1;
      continue;
    }
    const inv = 1 / total;
    full[x * 3] = (c0 * r0 + c1 * r1 + c2 * r2 + c3 * r3 + c4 * r4 + c5 * r5 + c6 * r6 + c7 * r7) * inv;
    full[x * 3 + 1] = (c0 * g0 + c1 * g1 + c2 * g2 + c3 * g3 + c4 * g4 + c5 * g5 + c6 * g6 + c7 * g7) * inv;
    full[x * 3 + 2] = (c0 * b0 + c1 * b1 + c2 * b2 + c3 * b3 + c4 * b4 + c5 * b5 + c6 * b6 + c7 * b7) * inv;
    let worst = 0;
    if (c0 > PRESENT) worst = RANK[0];
    if (c1 > PRESENT && RANK[1] > worst) worst = RANK[1];
    if (c2 > PRESENT && RANK[2] > worst) worst = RANK[2];
    if (c3 > PRESENT && RANK[3] > worst) worst = RANK[3];
    if (c4 > PRESENT && RANK[4] > worst) worst = RANK[4];
    if (c5 > PRESENT && RANK[5] > worst) worst = RANK[5];
    if (c6 > PRESENT && RANK[6] > worst) worst = RANK[6];
    fullWorst[x] = worst;
    ends[o + 7] = 1;
  }
}

/** Per pixel column, the pyramid nodes (level `lvl`, relative to a band's first) under it and the first and last one's weights. */
function columnNodes(s: RenderScratch, w: number, lvl: number): void {
  s.nodesLevel = lvl;
  const span = PageSummaries.span(lvl);
  const { colA, colB, nodeFirst, nodeCount, weightFirst, weightLast } = s;
  for (let x = 0; x < w; x++) {
    const pa = colA[x],
      pb = colB[x];
    if (pb <= pa) {
      nodeCount[x] = 0;
      continue;
    }
    const n0 = Math.floor(pa / span),
      n1 = Math.ceil(pb / span);
    nodeFirst[x] = n0;
    nodeCount[x] = n1 - n0;
    weightFirst[x] = (Math.min(pb, (n0 + 1) * span) - pa) / span;
    // One node: its one weight is weightFirst's (prepareBand takes 1 - weight off each end).
    weightLast[x] = n1 - n0 === 1 ? 1 : (pb - Math.max(pa, (n1 - 1) * span)) / span;
  }
}

/** The prepared band's stacks as normalised run ends (STACK order), made when a row needs part of a stack. */
function prepareEnds(s: RenderScratch, w: number): void {
  if (s.endsBand === s.band) return;
  s.endsBand = s.band;
  const { agg, ends } = s;
  for (let x = 0; x < w; x++) {
    const o = x * 8;
    if (ends[o + 7] < 0) continue;
    let total = 0;
    for (let k = 0; k < 8; k++) total += agg[o + k];
    let cum = 0;
    for (let j = 0; j < 8; j++) {
      cum += agg[o + STACK[j]];
      ends[o + j] = cum / total;
    }
  }
}

/**
 * Column x's stack over [f0, f1) (fractions of the band's height, top down), into acc[4x..]
 * weighted by `wgt`, or its worst rank into worst[x]; false when the column has no pages.
 */
function stackInto(
  s: RenderScratch,
  x: number,
  f0: number,
  f1: number,
  wgt: number,
  acc: Float32Array,
  worst: Int8Array,
): boolean {
  const ends = s.ends,
    o = x * SLOTS;
  if (ends[o + SLOTS - 1] < 0) return false;
  let prev = 0;
  const k = wgt / (f1 - f0);
  for (let j = 0; j < SLOTS && prev < f1; j++) {
    const end = ends[o + j];
    if (end > prev) {
      const ov = Math.min(f1, end) - Math.max(f0, prev);
      if (ov > 0) {
        const slot = STACK[j];
        if (RANK[slot] > worst[x]) worst[x] = RANK[slot];
        const c = SLOT_RGB[slot],
          m = ov * k;
        acc[x * 4] += c[0] * m;
        acc[x * 4 + 1] += c[1] * m;
        acc[x * 4 + 2] += c[2] * m;
      }
      prev = end;
    }
  }
  acc[x * 4 + 3] += wgt;
  return true;
}

/** Rows [r0, r1) of one band (more rows than pixels, or the sorted view): each column's proportions. */
function stackRow(
  inp: RenderInput,
  s: RenderScratch,
  row: Uint32Array,
  band: number,
  lvl: number,
  r0: number,
  r1: number,
  tone: number,
): void {
  const C = inp.layout.chunksPerPage;
  prepareBand(inp, s, band, lvl);
  const f0 = inp.highFirst ? 1 - r1 / C : r0 / C,
    f1 = inp.highFirst ? 1 - r0 / C : r1 / C;
  const worstMode = inp.mode === 'worst';
  const whole = f0 <= 0 && f1 >= 1;
  if (!whole) prepareEnds(s, inp.w);
  const { ends, full, fullWorst, colEdge } = s;
  for (let x = 0; x < inp.w; x++) {
    const o = x * SLOTS,
      t = tone || colEdge[x];
    if (ends[o + SLOTS - 1] < 0) {
      row[x] = BG;
      continue;
    }
    const k = t === 2 ? BAND_LINE : t === 1 ? GRID : 1;
    if (whole) {
      row[x] = worstMode
        ? SLOT_PX[t][BY_RANK[fullWorst[x]]]
        : packRgb(full[x * 3], full[x * 3 + 1], full[x * 3 + 2], k);
      continue;
    }
    // The runs of the stack that [f0, f1) overlaps: usually one (a pure colour) or two.
    let prev = 0,
      r = 0,
      g = 0,
      bl = 0,
      worst = 0,
      runs = 0,
      last = 0;
    for (let j = 0; j < SLOTS && prev < f1; j++) {
      const end = ends[o + j];
      if (end <= prev) continue;
      const ov = Math.min(f1, end) - Math.max(f0, prev);
      prev = end;
      if (ov <= 0) continue;
      const slot = STACK[j];
      runs++;
      last = slot;
      if (RANK[slot] > worst) worst = RANK[slot];
      const c = SLOT_RGB[slot];
      r += c[0] * ov;
      g += c[1] * ov;
      bl += c[2] * ov;
    }
    if (runs === 1) row[x] = SLOT_PX[t][last];
    else if (worstMode) row[x] = SLOT_PX[t][BY_RANK[worst]];
    else {
      const span = f1 - f0;
      row[x] = packRgb(r / span, g / span, bl / span, k);
    }
  }
}

/**
 * A pixel row over several bands: each band's part of its stacks, weighted by the rows it covers;
 * a band less than FLAT_BAND_PX tall counts as its whole blend (its stack cannot show in it).
 */
function multiBandRow(
  inp: RenderInput,
  s: RenderScratch,
  row: Uint32Array,
  bA: number,
  bB: number,
  lvl: number,
  iy0: number,
  iy1: number,
  tone: number,
): void {
  const C = inp.layout.chunksPerPage;
  s.rowAcc.fill(0, 0, inp.w * 4);
  s.rowWorst.fill(0, 0, inp.w);
  const flat = C * inp.box.sy < FLAT_BAND_PX;
  for (let band = bA; band <= bB; band++) {
    const r0 = Math.max(0, iy0 - band * C),
      r1 = Math.min(C, iy1 - band * C);
    if (r1 <= r0) continue;
    prepareBand(inp, s, band, lvl);
    const wgt = r1 - r0;
    if (flat || (r0 <= 0 && r1 >= C)) {
      // The band's whole stack (or a band too thin for its stack to show): its blend, its worst.
      const { full, fullWorst, ends, rowAcc: acc, rowWorst: worst } = s;
      for (let x = 0; x < inp.w; x++) {
        if (ends[x * SLOTS + SLOTS - 1] < 0) continue;
        acc[x * 4] += full[x * 3] * wgt;
        acc[x * 4 + 1] += full[x * 3 + 1] * wgt;
        acc[x * 4 + 2] += full[x * 3 + 2] * wgt;
        acc[x * 4 + 3] += wgt;
        if (fullWorst[x] > worst[x]) worst[x] = fullWorst[x];
      }
      continue;
    }
    prepareEnds(s, inp.w);
    const f0 = inp.highFirst ? 1 - r1 / C : r0 / C,
      f1 = inp.highFirst ? 1 - r0 / C : r1 / C;
    for (let x = 0; x < inp.w; x++) stackInto(s, x, f0, f1, wgt, s.rowAcc, s.rowWorst);
  }
  writeRow(inp, s, row, tone);
}

/** rowAcc / rowWorst to pixels. */
function writeRow(inp: RenderInput, s: RenderScratch, row: Uint32Array, tone: number): void {
  const { rowAcc: acc, rowWorst: worst, colEdge } = s;
  const worstMode = inp.mode === 'worst';
  for (let x = 0; x < inp.w; x++) {
    const wsum = acc[x * 4 + 3];
    const t = tone || colEdge[x];
    if (wsum <= 0) row[x] = BG;
    else if (worstMode) row[x] = SLOT_PX[t][BY_RANK[worst[x]]];
    else {
      const k = t === 2 ? BAND_LINE : t === 1 ? GRID : 1;
      row[x] = packRgb(acc[x * 4] / wsum, acc[x * 4 + 1] / wsum, acc[x * 4 + 2] / wsum, k);
    }
  }
}

/** A pixel row showing chunk `chunk` of band `band`'s pages; columns without loaded detail show proportions. */
function chunkRow(
  inp: RenderInput,
  s: RenderScratch,
  row: Uint32Array,
  band: number,
  chunk: number,
  lvl: number,
  tone: number,
  r0: number,
  r1: number,
): void {
  const L = inp.layout,
    C = L.chunksPerPage,
    base = band * L.bandPages;
  const { colA, colB, colEdge } = s;
  if (s.detailBand !== band) {
    s.detailBand = band;
    const d = s.bandDetail,
      perBand = Math.max(1, L.bandPages >>> SEGMENT_SHIFT);
    d.length = perBand;
    d.fill(undefined);
    const first = Math.floor(colA[0]) >>> SEGMENT_SHIFT,
      last = Math.min(perBand - 1, Math.max(0, Math.ceil(colB[inp.w - 1]) - 1) >>> SEGMENT_SHIFT);
    const seg0 = base >>> SEGMENT_SHIFT;
    for (let k = first; k <= last; k++) d[k] = inp.detail(seg0 + k);
  }
  // This row's state of every page in view (ABSENT past the pool, -1 without detail), read once.
  const d = s.bandDetail;
  const mask = (1 << SEGMENT_SHIFT) - 1;
  if (s.rowSlots.length < L.bandPages) s.rowSlots = new Int8Array(L.bandPages);
  const slots = s.rowSlots;
  const cFirst = Math.floor(colA[0]),
    cEnd = Math.min(L.width, Math.ceil(colB[inp.w - 1]));
  for (let c = cFirst; c < cEnd;) {
    const states = d[c >>> SEGMENT_SHIFT];
    const segEnd = Math.min(cEnd, ((c >>> SEGMENT_SHIFT) + 1) << SEGMENT_SHIFT);
    for (; c < segEnd; c++) slots[c] = base + c >= L.pages ? ABSENT : states ? states[(c & mask) * C + chunk] & 7 : -1;
  }
  const worstMode = inp.mode === 'worst';
  for (let x = 0; x < inp.w; x++) {
    const c0 = colA[x],
      c1 = colB[x];
    if (c1 <= c0) {
      row[x] = BG;
      continue;
    }
    const t = tone || colEdge[x];
    const a = Math.floor(c0),
      e = Math.ceil(c1);
    if (e - a === 1) {
      // One page under the pixel: its chunk's colour.
      const slot = slots[a];
      if (slot >= 0) {
        row[x] = SLOT_PX[t][slot];
        continue;
      }
    } else {
      // Several: their blend, or the worst of them.
      let r = 0,
        g = 0,
        bl = 0,
        worst = 0,
        c = a;
      for (; c < e; c++) {
        const slot = slots[c];
        if (slot < 0) break;
        if (RANK[slot] > worst) worst = RANK[slot];
        r += RGB[slot * 3];
        g += RGB[slot * 3 + 1];
        bl += RGB[slot * 3 + 2];
      }
      if (c === e) {
        const n = e - a;
        row[x] = worstMode
          ? SLOT_PX[t][BY_RANK[worst]]
          : packRgb(r / n, g / n, bl / n, t === 2 ? BAND_LINE : t ? GRID : 1);
        continue;
      }
    }
    // No detail here (past the budget): the column's proportions over the same rows.
    prepareBand(inp, s, band, lvl);
    prepareEnds(s, inp.w);
    s.rowAcc.fill(0, x * 4, x * 4 + 4);
    s.rowWorst[x] = 0;
    const f0 = inp.highFirst ? 1 - r1 / C : r0 / C,
      f1 = inp.highFirst ? 1 - r0 / C : r1 / C;
    stackInto(s, x, Math.max(0, f0), Math.min(1, f1), 1, s.rowAcc, s.rowWorst);
    const acc = s.rowAcc,
      wsum = acc[x * 4 + 3];
    if (wsum <= 0) row[x] = BG;
    else if (worstMode) row[x] = SLOT_PX[t][BY_RANK[s.rowWorst[x]]];
    else
      row[x] = packRgb(
        acc[x * 4] / wsum,
        acc[x * 4 + 1] / wsum,
        acc[x * 4 + 2] / wsum,
        t === 2 ? BAND_LINE : t ? GRID : 1,
      );
  }
}
