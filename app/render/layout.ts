/**
 * Where each page and chunk sits in the map's image (pure).
 *
 * Pages are laid out in bands of W pages: one column per page, one row per chunk, as the
 * seed's pictures; band b holds pages [b*W, (b+1)*W) and rows [b*C, (b+1)*C). W is a power of
 * two from 4096 (the seed's 4,094-page pool is exactly one band, so its picture is unchanged)
 * up to 16384, the smallest that keeps the image at least 4 times wider than tall, as the
 * map's canvas is: a fitted map then zooms alike in both directions. 16384 columns also keep a
 * band within one exported PNG's side (32,767 px).
 *
 * Image space: x = column within the band (0 <= x < width), y = b*C + display row. A display
 * row is chunk r (low addresses first) or chunk C-1-r with `highFirst` (the seed's NTA
 * orientation). Cells past the last page (the tail of the last band) are "absent".
 */

export const MIN_BAND_PAGES = 4096;
export const MAX_BAND_PAGES = 16384;

export interface MapLayout {
  /** Pages of the pool. */
  pages: number;
  chunksPerPage: number;
  /** W: pages per band (a power of two). */
  bandPages: number;
  bands: number;
  /** Image width in columns: min(pages, W). */
  width: number;
  /** Image height in rows: bands * chunksPerPage. */
  height: number;
}

export function mapLayout(pages: number, chunksPerPage: number): MapLayout {
  if (!(pages >= 1) || !(chunksPerPage >= 1)) throw new Error(`mapLayout: ${pages} pages of ${chunksPerPage} chunks`);
  let w = MIN_BAND_PAGES;
  while (w < MAX_BAND_PAGES && pages > w && Math.ceil(pages / w) * chunksPerPage > w / 4) w *= 2;
  const bands = Math.ceil(pages / w);
  return { pages, chunksPerPage, bandPages: w, bands, width: Math.min(pages, w), height: bands * chunksPerPage };
}

/** The page in column `x` of band `band`, or -1 past the last page (or outside the image). */
export function pageAt(l: MapLayout, x: number, band: number): number {
  if (x < 0 || x >= l.width || band < 0 || band >= l.bands) return -1;
  const p = band * l.bandPages + Math.floor(x);
  return p < l.pages ? p : -1;
}

/** The chunk a display row shows (unsorted view). */
export function chunkOfRow(l: MapLayout, row: number, highFirst: boolean): number {
  return highFirst ? l.chunksPerPage - 1 - row : row;
}

/** The cell under image point (ix, iy): its page (-1 when absent), band, display row and chunk. */
export function cellAt(
  l: MapLayout,
  ix: number,
  iy: number,
  highFirst: boolean,
): { page: number; band: number; row: number; chunk: number } | null {
  if (ix < 0 || iy < 0 || ix >= l.width || iy >= l.height) return null;
  const band = Math.floor(iy / l.chunksPerPage);
  const row = Math.floor(iy) - band * l.chunksPerPage;
  return { page: pageAt(l, ix, band), band, row, chunk: chunkOfRow(l, row, highFirst) };
}

/** Pages of band `band` in columns [x0, x1) (whole columns), clipped to the pool: [first, end) or null. */
export function bandPages(l: MapLayout, band: number, x0: number, x1: number): { first: number; end: number } | null {
  const a = Math.max(0, Math.floor(x0)),
    b = Math.min(l.width, Math.ceil(x1));
  const first = band * l.bandPages + a,
    end = Math.min(l.pages, band * l.bandPages + b);
  return end > first ? { first, end } : null;
}
