/**
 * The renderer's pixel rows (lod.ts): a row within one band (proportions), a row over several
 * bands, and a row of chunks.
 */
import {
  ABSENT,
  BAND_LINE,
  BG,
  BY_RANK,
  FLAT_BAND_PX,
  GRID,
  RANK,
  RGB,
  RenderScratch,
  SEGMENT_SHIFT,
  SLOT_PX,
  SLOT_RGB,
  SLOTS,
  SLOT_OF,
  STACK,
  packRgb,
  type RenderInput,
} from './lod-core';
import { prepareBand, prepareEnds, stackInto } from './lod-bands';

/** Rows [r0, r1) of one band (more rows than pixels, or the sorted view): each column's proportions. */
export function stackRow(
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
export function multiBandRow(
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
export function chunkRow(
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
    for (; c < segEnd; c++)
      slots[c] = base + c >= L.pages ? ABSENT : states ? SLOT_OF[states[(c & mask) * C + chunk]] : -1;
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
