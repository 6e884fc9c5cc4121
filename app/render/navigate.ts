/**
 * Keys and wheel movements as moves of the map's view (pure; view.ts does the geometry).
 *
 * Keys (the map must have focus): arrows pan by an eighth of the view, + and - zoom about its
 * centre by 1.5, 0 fits the whole map. The wheel zooms about the pointer: both directions, or
 * only the rows with Shift, or only the pages with Ctrl (a tall pool of thin bands and a wide
 * one of few bands both need one direction at times).
 */
import type { MapLayout } from './layout';
import { clampBox, fitBox, panBy, wheelFactor, zoomAt, type ViewBox, type ViewSize } from './view';

export const KEY_ZOOM = 1.5;
export const KEY_PAN = 1 / 8;

/** Where a key takes the view (clamped), or null for keys the map does not use. */
export function keyTarget(key: string, b: ViewBox, s: ViewSize, l: MapLayout): ViewBox | null {
  const cx = s.width / 2,
    cy = s.height / 2;
  let t: ViewBox;
  switch (key) {
    case 'ArrowLeft':
      t = panBy(b, s.width * KEY_PAN, 0);
      break;
    case 'ArrowRight':
      t = panBy(b, -s.width * KEY_PAN, 0);
      break;
    case 'ArrowUp':
      t = panBy(b, 0, s.height * KEY_PAN);
      break;
    case 'ArrowDown':
      t = panBy(b, 0, -s.height * KEY_PAN);
      break;
    case '+':
    case '=':
      t = zoomAt(b, cx, cy, KEY_ZOOM, KEY_ZOOM);
      break;
    case '-':
    case '_':
      t = zoomAt(b, cx, cy, 1 / KEY_ZOOM, 1 / KEY_ZOOM);
      break;
    case '0':
      t = fitBox(l, s);
      break;
    default:
      return null;
  }
  return clampBox(t, l, s);
}

export interface WheelLike {
  deltaX: number;
  deltaY: number;
  deltaMode: number;
  shiftKey: boolean;
  ctrlKey: boolean;
}

/** Zoom factors (pages, rows) of a wheel movement; some browsers turn Shift+wheel into deltaX. */
export function wheelZoom(e: WheelLike, s: ViewSize): { kx: number; ky: number } {
  const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? s.height : 1;
  const d = (e.deltaY || e.deltaX) * unit;
  const k = wheelFactor(d);
  if (e.shiftKey) return { kx: 1, ky: k };
  if (e.ctrlKey) return { kx: k, ky: 1 };
  return { kx: k, ky: k };
}

/** The view after a wheel movement at view point (vx, vy), clamped. */
export function wheelTarget(e: WheelLike, vx: number, vy: number, b: ViewBox, s: ViewSize, l: MapLayout): ViewBox {
  const { kx, ky } = wheelZoom(e, s);
  return clampBox(zoomAt(b, vx, vy, kx, ky), l, s);
}

/** One CSS pixel per chunk, about the view's centre. */
export function oneToOne(b: ViewBox, s: ViewSize, l: MapLayout): ViewBox {
  const cx = s.width / 2,
    cy = s.height / 2;
  return clampBox(zoomAt(b, cx, cy, 1 / b.sx, 1 / b.sy), l, s);
}

/** Ease-out of a smooth move's progress t in [0, 1]. */
export const easeOut = (t: number): number => 1 - (1 - t) ** 3;
