import { describe, expect, it } from 'vitest';
import { cellAt, mapLayout, pageAt } from './layout';
import { keyTarget, oneToOne, wheelTarget, wheelZoom } from './navigate';
import {
  clampBox,
  deviceBox,
  deviceSize,
  fitBox,
  hoverAt,
  imageToView,
  lerpBox,
  MAX_SCALE,
  panBy,
  pixelRect,
  pixelScale,
  showsChunks,
  viewToImage,
  zoomAt,
} from './view';

const size = { width: 1000, height: 256, dpr: 2 };

describe('mapLayout(pages, chunksPerPage)', () => {
  it("keeps the seed's 4,094 pages in one band of 4096 (today's picture)", () => {
    expect(mapLayout(4094, 128)).toEqual({
      pages: 4094,
      chunksPerPage: 128,
      bandPages: 4096,
      bands: 1,
      width: 4094,
      height: 128,
    });
  });
  it('widens bands up to 16384 pages so the image stays at least 4 times wider than tall', () => {
    expect(mapLayout(262_144, 128)).toMatchObject({ bandPages: 16384, bands: 16, width: 16384, height: 2048 });
    expect(mapLayout(4_194_304, 128)).toMatchObject({ bandPages: 16384, bands: 256, height: 32768 });
    expect(mapLayout(8000, 128)).toMatchObject({ bandPages: 4096, bands: 2, height: 256 });
    expect(mapLayout(100_000, 64)).toMatchObject({ bandPages: 8192, bands: 13 });
    expect(mapLayout(100_000, 32)).toMatchObject({ bandPages: 4096, bands: 25 });
  });
  it('finds the page and chunk of an image point, absent past the pool', () => {
    const l = mapLayout(5000, 4);
    expect(pageAt(l, 3.7, 1)).toBe(4099);
    expect(pageAt(l, 904, 1)).toBe(-1);
    expect(cellAt(l, 10.2, 5.5, false)).toEqual({ page: 4106, band: 1, row: 1, chunk: 1 });
    expect(cellAt(l, 10.2, 5.5, true)).toEqual({ page: 4106, band: 1, row: 1, chunk: 2 });
    expect(cellAt(l, -1, 0, false)).toBeNull();
    expect(cellAt(l, 0, 8, false)).toBeNull();
  });
});

describe('view.ts: image <-> view <-> device', () => {
  const l = mapLayout(262_144, 128);
  it('converts image and view points both ways, and view to device by dpr', () => {
    const b = { x0: 100, y0: 50, sx: 0.5, sy: 2 };
    expect(viewToImage(b, 10, 20)).toEqual({ ix: 120, iy: 60 });
    expect(imageToView(b, 120, 60)).toEqual({ vx: 10, vy: 20 });
    expect(deviceSize(size)).toEqual({ w: 2000, h: 512 });
    expect(deviceBox(b, size)).toEqual({ x0: 100, y0: 50, sx: 1, sy: 4 });
    expect(pixelRect(b, size, 3, 1)).toEqual({ ix0: 103, ix1: 104, iy0: 50.25, iy1: 50.5 });
  });
  it('fits the whole image, clamps scales to [fit, MAX_SCALE] and the box to the image', () => {
    const f = fitBox(l, size);
    expect(f).toEqual({ x0: 0, y0: 0, sx: 1000 / 16384, sy: 256 / 2048 });
    expect(clampBox({ x0: -5, y0: -5, sx: f.sx / 2, sy: f.sy / 2 }, l, size)).toEqual(f);
    const c = clampBox({ x0: 1e9, y0: 1e9, sx: 1000, sy: 1000 }, l, size);
    expect(c).toEqual({ sx: MAX_SCALE, sy: MAX_SCALE, x0: 16384 - 1000 / MAX_SCALE, y0: 2048 - 256 / MAX_SCALE });
  });
  it('zooms about a view point (the image point under it stays) and pans by view pixels', () => {
    const b = { x0: 10, y0: 10, sx: 1, sy: 1 };
    const z = zoomAt(b, 200, 100, 4, 2);
    expect(viewToImage(z, 200, 100)).toEqual(viewToImage(b, 200, 100));
    expect(z.sx).toBe(4);
    expect(panBy(b, 30, -20)).toEqual({ x0: -20, y0: 30, sx: 1, sy: 1 });
  });
  it('moves smoothly: scales geometrically, ends exactly at the target', () => {
    const a = { x0: 0, y0: 0, sx: 1, sy: 1 },
      b = { x0: 100, y0: 20, sx: 4, sy: 16 };
    expect(lerpBox(a, b, size, 0)).toEqual(a);
    const end = lerpBox(a, b, size, 1);
    for (const k of ['x0', 'y0', 'sx', 'sy'] as const) expect(end[k]).toBeCloseTo(b[k], 9);
    expect(lerpBox(a, b, size, 0.5).sx).toBeCloseTo(2, 9);
  });
  it('hoverAt: the pixel under the pointer, the cell, and the tooltip that fits the zoom', () => {
    const s1 = { width: 100, height: 100, dpr: 1 };
    const h = hoverAt({ x0: 10, y0: 0, sx: 2, sy: 4 }, s1, 5.5, 9, false);
    expect(h.kind).toBe('chunk');
    expect(h.query).toEqual({ ix0: 12.5, ix1: 13, iy0: 2.25, iy1: 2.5, cx: 12.75, cy: 2.25 });
    expect(hoverAt({ x0: 0, y0: 0, sx: 2, sy: 0.5 }, s1, 1, 1, true).kind).toBe('column');
    expect(hoverAt({ x0: 0, y0: 0, sx: 2, sy: 0.5 }, s1, 1, 1, false).kind).toBe('summary');
    expect(hoverAt({ x0: 0, y0: 0, sx: 0.25, sy: 4 }, s1, 1, 1, false).kind).toBe('summary');
  });
  it('says when chunks are drawn (one row per device pixel or less, unsorted)', () => {
    expect(pixelScale({ x0: 0, y0: 0, sx: 0.25, sy: 1 }, size)).toEqual({ pagesPerPx: 2, rowsPerPx: 0.5 });
    expect(showsChunks({ x0: 0, y0: 0, sx: 1, sy: 0.5 }, size, false)).toBe(true);
    expect(showsChunks({ x0: 0, y0: 0, sx: 1, sy: 0.25 }, size, false)).toBe(false);
    expect(showsChunks({ x0: 0, y0: 0, sx: 1, sy: 1 }, size, true)).toBe(false);
  });
});

describe('navigate.ts: keys and wheel', () => {
  const l = mapLayout(262_144, 128);
  const mid = { x0: 5000, y0: 500, sx: 1, sy: 1 };
  it('arrows pan by an eighth of the view, + and - zoom about the centre, 0 fits', () => {
    expect(keyTarget('ArrowRight', mid, size, l)?.x0).toBe(5125);
    expect(keyTarget('ArrowUp', mid, size, l)?.y0).toBe(468);
    const z = keyTarget('+', mid, size, l)!;
    expect(z.sx).toBe(1.5);
    expect(viewToImage(z, 500, 128).ix).toBeCloseTo(viewToImage(mid, 500, 128).ix, 9);
    expect(keyTarget('0', mid, size, l)).toEqual(fitBox(l, size));
    expect(keyTarget('x', mid, size, l)).toBeNull();
  });
  it('wheel up zooms in both ways, Shift only the rows, Ctrl only the pages; lines count 16 px', () => {
    const base = { deltaX: 0, deltaY: -100, deltaMode: 0, shiftKey: false, ctrlKey: false };
    const k = Math.exp(0.2);
    expect(wheelZoom(base, size)).toEqual({ kx: k, ky: k });
    expect(wheelZoom({ ...base, shiftKey: true }, size)).toEqual({ kx: 1, ky: k });
    expect(wheelZoom({ ...base, deltaY: 0, deltaX: -100, shiftKey: true }, size)).toEqual({ kx: 1, ky: k });
    expect(wheelZoom({ ...base, ctrlKey: true }, size)).toEqual({ kx: k, ky: 1 });
    expect(wheelZoom({ ...base, deltaY: -1, deltaMode: 1 }, size).kx).toBeCloseTo(Math.exp(0.032), 12);
    const t = wheelTarget(base, 300, 100, mid, size, l);
    expect(viewToImage(t, 300, 100).ix).toBeCloseTo(viewToImage(mid, 300, 100).ix, 9);
  });
  it('1:1 puts one CSS pixel on each chunk', () => {
    expect(oneToOne({ x0: 0, y0: 0, sx: 0.1, sy: 0.2 }, size, l)).toMatchObject({ sx: 1, sy: 1 });
  });
});
