/**
 * How the whole map is cut into PNG tiles at one pixel per chunk (pure).
 *
 * One image would do where the browser allows it: a canvas is at most 32,767 pixels a side and
 * about 268 million pixels in all (Chromium's limits). Past them, the map goes out in tiles of
 * whole bands (layout.ts), so each tile is a contiguous page range and its file name says which:
 * pages 0-524287, 524288-1048575, ... A tile holds at most TILE_AREA pixels, well inside the
 * limit, so its pixels (4 bytes each) and its PNG encoding stay bearable in a worker.
 */
import type { MapLayout } from '../render/layout';

export const MAX_CANVAS_SIDE = 32767;
export const MAX_CANVAS_AREA = 268_435_456;
/** Pixels per tile at most: 2^26 (256 MiB of RGBA): 32 bands of 16384 pages x 128 chunks. */
export const TILE_AREA = 2 ** 26;

export interface Tile {
  /** Bands [bandFirst, bandEnd) and the pages they hold [pageFirst, pageEnd). */
  bandFirst: number;
  bandEnd: number;
  pageFirst: number;
  pageEnd: number;
  width: number;
  height: number;
}

/** The tiles of the whole map: one when it fits the browser's limits, else bands grouped by TILE_AREA. */
export function planTiles(l: MapLayout): Tile[] {
  const C = l.chunksPerPage;
  if (C > MAX_CANVAS_SIDE || l.width > MAX_CANVAS_SIDE)
    throw new Error(
      `a band of ${l.width} pages x ${C} chunks exceeds the ${MAX_CANVAS_SIDE}-pixel side of one PNG at one pixel per chunk`,
    );
  const whole = l.width * l.height <= MAX_CANVAS_AREA && l.height <= MAX_CANVAS_SIDE;
  const perTile = whole
    ? l.bands
    : Math.max(1, Math.min(Math.floor(MAX_CANVAS_SIDE / C), Math.floor(TILE_AREA / (l.width * C))));
  const tiles: Tile[] = [];
  for (let b = 0; b < l.bands; b += perTile) {
    const e = Math.min(l.bands, b + perTile);
    tiles.push({
      bandFirst: b,
      bandEnd: e,
      pageFirst: b * l.bandPages,
      pageEnd: Math.min(l.pages, e * l.bandPages),
      width: l.width,
      height: (e - b) * C,
    });
  }
  return tiles;
}
