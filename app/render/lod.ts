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
 * A pixel over several bands adds up each band's part (a band under 2 pixels tall counts as its
 * blend). A node the pixel covers in part counts by the part covered, as if its pages were alike,
 * so a worst state can show one pixel off its page when zoomed out. At one device pixel per cell
 * the result is exactly the native picture (one column per page, one pixel per chunk).
 * The work is split: lod-core.ts (input, colour tables, buffers), lod-bands.ts (a band's columns),
 * lod-rows.ts (pixel rows).
 */
import { PageSummaries } from './summaries';
import { BG, RenderScratch, type RenderInput } from './lod-core';
import { chunkRow, multiBandRow, stackRow } from './lod-rows';

export { RenderScratch, type PixelMode, type RenderInput, type RenderOptions } from './lod-core';

/** Pyramid level for a pixel `pagesPerPx` wide: the largest whose nodes are no wider, never across a band. */
export function levelFor(pagesPerPx: number, bandPages: number, top: number): number {
  const maxL = Math.min(top, Math.floor(Math.log2(bandPages) / 2));
  let l = 0;
  while (l < maxL && PageSummaries.span(l + 1) <= pagesPerPx) l++;
  return l;
}

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
