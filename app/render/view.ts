/**
 * The map's coordinate spaces and the conversions between them: the one home of both (pure).
 *
 *   image  (ix, iy): columns and rows of the map's image (layout.ts: a column per page, a row
 *                    per chunk, bands of pages stacked);
 *   view   (vx, vy): CSS pixels of the canvas, origin at its top-left corner;
 *   device (dx, dy): the canvas's backing pixels, view * dpr (devicePixelRatio, applied only here).
 *
 * A ViewBox says which part of the image the view shows: image point (x0, y0) sits at the view's
 * origin and one image unit is sx by sy CSS pixels, so ix = x0 + vx / sx and iy = y0 + vy / sy.
 * Scales run from "fit" (the whole image fills the view, each axis on its own) up to MAX_SCALE.
 */
import type { MapLayout } from './layout';

export interface ViewBox {
  x0: number;
  y0: number;
  sx: number;
  sy: number;
}

/** The view's size in CSS pixels and the device pixel ratio. */
export interface ViewSize {
  width: number;
  height: number;
  dpr: number;
}

/** CSS pixels per image unit at most ("pixels become cells"). */
export const MAX_SCALE = 64;

export const viewToImage = (b: ViewBox, vx: number, vy: number) => ({ ix: b.x0 + vx / b.sx, iy: b.y0 + vy / b.sy });
export const imageToView = (b: ViewBox, ix: number, iy: number) => ({ vx: (ix - b.x0) * b.sx, vy: (iy - b.y0) * b.sy });
export const viewToDevice = (s: ViewSize, vx: number, vy: number) => ({ dx: vx * s.dpr, dy: vy * s.dpr });
export const deviceToView = (s: ViewSize, dx: number, dy: number) => ({ vx: dx / s.dpr, vy: dy / s.dpr });

/** Device pixels of the canvas backing store (what the renderer fills). */
export function deviceSize(s: ViewSize): { w: number; h: number } {
  return { w: Math.max(1, Math.round(s.width * s.dpr)), h: Math.max(1, Math.round(s.height * s.dpr)) };
}

/** The box in device units: image point at device origin and device pixels per image unit. */
export function deviceBox(b: ViewBox, s: ViewSize): ViewBox {
  return { x0: b.x0, y0: b.y0, sx: b.sx * s.dpr, sy: b.sy * s.dpr };
}

/** The image rectangle device pixel (dx, dy) covers: [ix0, ix1) x [iy0, iy1). */
export function pixelRect(b: ViewBox, s: ViewSize, dx: number, dy: number) {
  const d = deviceBox(b, s);
  const ix0 = d.x0 + Math.floor(dx) / d.sx,
    iy0 = d.y0 + Math.floor(dy) / d.sy;
  return { ix0, ix1: ix0 + 1 / d.sx, iy0, iy1: iy0 + 1 / d.sy };
}

/** The whole image in the view. */
export function fitBox(l: MapLayout, s: ViewSize): ViewBox {
  return { x0: 0, y0: 0, sx: s.width / l.width, sy: s.height / l.height };
}

/** Scales within [fit, MAX_SCALE] and the shown part within the image. */
export function clampBox(b: ViewBox, l: MapLayout, s: ViewSize): ViewBox {
  const f = fitBox(l, s);
  const sx = Math.min(Math.max(f.sx, MAX_SCALE), Math.max(f.sx, b.sx)),
    sy = Math.min(Math.max(f.sy, MAX_SCALE), Math.max(f.sy, b.sy));
  const x0 = Math.min(Math.max(0, b.x0), Math.max(0, l.width - s.width / sx)),
    y0 = Math.min(Math.max(0, b.y0), Math.max(0, l.height - s.height / sy));
  return { x0, y0, sx, sy };
}

/** Zoom by kx, ky about view point (vx, vy): the image point under it stays under it. */
export function zoomAt(b: ViewBox, vx: number, vy: number, kx: number, ky: number): ViewBox {
  const { ix, iy } = viewToImage(b, vx, vy);
  const sx = b.sx * kx,
    sy = b.sy * ky;
  return { sx, sy, x0: ix - vx / sx, y0: iy - vy / sy };
}

/** Move the picture by (dvx, dvy) CSS pixels (a drag to the right shows what was to the left). */
export function panBy(b: ViewBox, dvx: number, dvy: number): ViewBox {
  return { ...b, x0: b.x0 - dvx / b.sx, y0: b.y0 - dvy / b.sy };
}

/** The zoom factor of a wheel movement (deltaY in pixels; up zooms in). */
export const wheelFactor = (deltaY: number): number => Math.exp(-deltaY * 0.002);

/**
 * Between two boxes at t in [0, 1] for smooth moves: scales geometrically (a zoom feels even),
 * the view's centre linearly in image space.
 */
export function lerpBox(a: ViewBox, b: ViewBox, s: ViewSize, t: number): ViewBox {
  const sx = a.sx * Math.pow(b.sx / a.sx, t),
    sy = a.sy * Math.pow(b.sy / a.sy, t);
  const ca = { x: a.x0 + s.width / 2 / a.sx, y: a.y0 + s.height / 2 / a.sy },
    cb = { x: b.x0 + s.width / 2 / b.sx, y: b.y0 + s.height / 2 / b.sy };
  const cx = ca.x + (cb.x - ca.x) * t,
    cy = ca.y + (cb.y - ca.y) * t;
  return { sx, sy, x0: cx - s.width / 2 / sx, y0: cy - s.height / 2 / sy };
}

/** The image rectangle the view shows. */
export function visibleRect(b: ViewBox, s: ViewSize): { ix0: number; iy0: number; ix1: number; iy1: number } {
  return { ix0: b.x0, iy0: b.y0, ix1: b.x0 + s.width / b.sx, iy1: b.y0 + s.height / b.sy };
}

/**
 * What one device pixel shows at this zoom: 'cell' one chunk (or less) of one page; 'rows' one
 * page column or less across but several rows; 'summary' several pages across. Rows per pixel
 * above 1 draw each column as its pages' proportions (sorted per state), as the seed's
 * power-of-two picture, since the rows cannot all be shown.
 */
export function pixelScale(b: ViewBox, s: ViewSize): { pagesPerPx: number; rowsPerPx: number } {
  return { pagesPerPx: 1 / (b.sx * s.dpr), rowsPerPx: 1 / (b.sy * s.dpr) };
}

/** Whether the chunk states themselves are drawn (else each column's proportions). */
export function showsChunks(b: ViewBox, s: ViewSize, sorted: boolean): boolean {
  return !sorted && pixelScale(b, s).rowsPerPx <= 1;
}

/** What the tooltip of a device pixel describes: one chunk, one page's column (sorted view), or many pages. */
export type HoverKind = 'chunk' | 'column' | 'summary';

/**
 * The hover under view point (vx, vy): the image rectangle its device pixel covers, the image
 * point itself (the cell under the pointer) and what kind of tooltip fits that zoom.
 */
export function hoverAt(b: ViewBox, s: ViewSize, vx: number, vy: number, sorted: boolean) {
  const r = pixelRect(b, s, vx * s.dpr, vy * s.dpr);
  const { ix, iy } = viewToImage(b, vx, vy);
  const onePage = pixelScale(b, s).pagesPerPx <= 1;
  const kind: HoverKind = onePage && showsChunks(b, s, sorted) ? 'chunk' : onePage && sorted ? 'column' : 'summary';
  return { query: { ...r, cx: ix, cy: iy }, kind };
}
