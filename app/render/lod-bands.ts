/**
 * The renderer's per-band work (lod.ts): for each pixel column, the counts of the band's pages
 * under it from one pyramid level, their blend and worst state, and their stack of proportions.
 */
import { PageSummaries } from './summaries';
import { PRESENT, RANK, RGB, RenderScratch, SLOTS, SLOT_RGB, STACK, type RenderInput } from './lod-core';

/**
 * Make the scratch hold band `band`'s per-column counts (pyramid level `lvl`), each column's
 * whole-stack colour and worst rank, and its stack's normalised ends. Unrolled over the 10 slots
 * into locals: this runs once per pixel column and band, the hottest loop of a zoomed-out frame.
 */
export function prepareBand(inp: RenderInput, s: RenderScratch, band: number, lvl: number): void {
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
  const [
    r0,
    g0,
    b0,
    r1,
    g1,
    b1,
    r2,
    g2,
    b2,
    r3,
    g3,
    b3,
    r4,
    g4,
    b4,
    r5,
    g5,
    b5,
    r6,
    g6,
    b6,
    r7,
    g7,
    b7,
    r8,
    g8,
    b8,
    r9,
    g9,
    b9,
  ] = RGB;
  for (let x = 0; x < w; x++) {
    const k = nodeCount[x];
    let c0 = 0,
      c1 = 0,
      c2 = 0,
      c3 = 0,
      c4 = 0,
      c5 = 0,
      c6 = 0,
      c7 = 0,
      c8 = 0,
      c9 = 0;
    if (k > 0) {
      // Every node whole, then the first and last ones' uncovered parts taken off.
      const n0 = (base + nodeFirst[x]) * 10;
      for (let no = n0, end = n0 + k * 10; no < end; no += 10) {
        c0 += counts[no];
        c1 += counts[no + 1];
        c2 += counts[no + 2];
        c3 += counts[no + 3];
        c4 += counts[no + 4];
        c5 += counts[no + 5];
        c6 += counts[no + 6];
        c7 += counts[no + 7];
        c8 += counts[no + 8];
        c9 += counts[no + 9];
      }
      const fa = 1 - weightFirst[x],
        fb = 1 - weightLast[x],
        nb = n0 + (k - 1) * 10;
      if (fa > 0) {
        c0 -= fa * counts[n0];
        c1 -= fa * counts[n0 + 1];
        c2 -= fa * counts[n0 + 2];
        c3 -= fa * counts[n0 + 3];
        c4 -= fa * counts[n0 + 4];
        c5 -= fa * counts[n0 + 5];
        c6 -= fa * counts[n0 + 6];
        c7 -= fa * counts[n0 + 7];
        c8 -= fa * counts[n0 + 8];
        c9 -= fa * counts[n0 + 9];
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
        c8 -= fb * counts[nb + 8];
        c9 -= fb * counts[nb + 9];
      }
    }
    const o = x * 10;
    agg[o] = c0;
    agg[o + 1] = c1;
    agg[o + 2] = c2;
    agg[o + 3] = c3;
    agg[o + 4] = c4;
    agg[o + 5] = c5;
    agg[o + 6] = c6;
    agg[o + 7] = c7;
    agg[o + 8] = c8;
    agg[o + 9] = c9;
    const total = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9;
    if (total <= 0) {
      ends[o + 9] = -1;
      continue;
    }
    const inv = 1 / total;
    full[x * 3] =
      (c0 * r0 + c1 * r1 + c2 * r2 + c3 * r3 + c4 * r4 + c5 * r5 + c6 * r6 + c7 * r7 + c8 * r8 + c9 * r9) * inv;
    full[x * 3 + 1] =
      (c0 * g0 + c1 * g1 + c2 * g2 + c3 * g3 + c4 * g4 + c5 * g5 + c6 * g6 + c7 * g7 + c8 * g8 + c9 * g9) * inv;
    full[x * 3 + 2] =
      (c0 * b0 + c1 * b1 + c2 * b2 + c3 * b3 + c4 * b4 + c5 * b5 + c6 * b6 + c7 * b7 + c8 * b8 + c9 * b9) * inv;
    let worst = 0;
    if (c0 > PRESENT) worst = RANK[0];
    if (c1 > PRESENT && RANK[1] > worst) worst = RANK[1];
    if (c2 > PRESENT && RANK[2] > worst) worst = RANK[2];
    if (c3 > PRESENT && RANK[3] > worst) worst = RANK[3];
    if (c4 > PRESENT && RANK[4] > worst) worst = RANK[4];
    if (c5 > PRESENT && RANK[5] > worst) worst = RANK[5];
    if (c6 > PRESENT && RANK[6] > worst) worst = RANK[6];
    if (c7 > PRESENT && RANK[7] > worst) worst = RANK[7];
    if (c8 > PRESENT && RANK[8] > worst) worst = RANK[8];
    fullWorst[x] = worst;
    ends[o + 9] = 1;
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
export function prepareEnds(s: RenderScratch, w: number): void {
  if (s.endsBand === s.band) return;
  s.endsBand = s.band;
  const { agg, ends } = s;
  for (let x = 0; x < w; x++) {
    const o = x * SLOTS;
    if (ends[o + SLOTS - 1] < 0) continue;
    let total = 0;
    for (let k = 0; k < SLOTS; k++) total += agg[o + k];
    let cum = 0;
    for (let j = 0; j < SLOTS; j++) {
      cum += agg[o + STACK[j]];
      ends[o + j] = cum / total;
    }
  }
}

/**
 * Column x's stack over [f0, f1) (fractions of the band's height, top down), into acc[4x..]
 * weighted by `wgt`, or its worst rank into worst[x]; false when the column has no pages.
 */
export function stackInto(
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
