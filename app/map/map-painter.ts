/**
 * Draws a MapModel's view into the map worker's canvas, and keeps the map fluid while the
 * view moves: a frame over its budget makes the next ones, while the view keeps moving, use
 * fewer columns (each drawn 2 to 4 device pixels wide), and the map is drawn at full
 * resolution again as soon as the view is still. A still map is always exact.
 */
import { renderLod, RenderScratch, type RenderOptions } from '../render/lod';
import { overlayRects, type OverlayGeometry, type OverlayLayer } from '../render/overlay';
import type { MapModel } from './map-model';
import { segmentsInView } from './map-model';
import { deviceBox, deviceSize, showsChunks, visibleRect, type ViewBox, type ViewSize } from '../render/view';

/** A moving frame aims at this many milliseconds of drawing. */
export const MOVING_BUDGET_MS = 10;
/** Columns are drawn at most this many device pixels wide while moving. */
export const MAX_COARSE = 4;

/** How coarse the next moving frame is, after one that took `ms` at coarseness `q`. */
export function nextCoarseness(ms: number, q: number): number {
  return Math.max(1, Math.min(MAX_COARSE, Math.ceil((ms * q) / MOVING_BUDGET_MS)));
}

export class MapPainter {
  private readonly ctx: OffscreenCanvasRenderingContext2D;
  private image: ImageData | null = null;
  /** The last full-resolution picture (palette.ts pack order). */
  pixels = new Uint32Array(0);
  private small: { canvas: OffscreenCanvas; ctx: OffscreenCanvasRenderingContext2D; image: ImageData } | null = null;
  private readonly scratch = new RenderScratch();
  /** Columns per drawn column of the next moving frame. */
  private q = 1;
  /** The picture on screen is a coarse one (to be drawn again once the view is still). */
  coarse = false;

  constructor(private readonly canvas: OffscreenCanvas) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('the canvas gives no 2D context in the map worker');
    this.ctx = ctx;
  }

  /**
   * Draw `box` (CSS units) of the model; `moving`: the view is changing. Returns the draw time,
   * the coarseness used and, when chunks could not all be read, why (a note for the page).
   */
  draw(
    model: MapModel,
    box: ViewBox,
    size: ViewSize,
    options: RenderOptions,
    moving: boolean,
    overlays: readonly OverlayLayer[] = [],
  ): { ms: number; q: number; note: string | null; overlay: string } {
    const t0 = performance.now();
    const { w, h } = deviceSize(size);
    if (this.canvas.width !== w || this.canvas.height !== h || !this.image) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.image = new ImageData(w, h);
      this.pixels = new Uint32Array(this.image.data.buffer);
    }
    let note: string | null = null;
    if (showsChunks(box, size, options.sorted)) {
      const r = visibleRect(box, size);
      const C = model.layout.chunksPerPage;
      const segs = segmentsInView(model.layout, r.ix0, r.ix1, Math.floor(r.iy0 / C), Math.floor(r.iy1 / C));
      if (!model.ensureDetail(segs))
        note = `${(segs.length * 64).toLocaleString('en')} pages in view are too many to read chunk by chunk: columns show their proportions; zoom in for chunks`;
    }
    const q = moving ? this.q : 1;
    const d = deviceBox(box, size);
    const input = {
      ...options,
      layout: model.layout,
      summaries: model.summaries,
      detail: (s: number) => model.detailOf(s),
      h,
    };
    if (q === 1) {
      renderLod({ ...input, box: d, w }, this.pixels, this.scratch);
      this.ctx.putImageData(this.image, 0, 0);
    } else {
      const wq = Math.ceil(w / q);
      const sm = this.smallCanvas(wq, h);
      renderLod({ ...input, box: { ...d, sx: d.sx / q }, w: wq }, new Uint32Array(sm.image.data.buffer), this.scratch);
      sm.ctx.putImageData(sm.image, 0, 0);
      this.ctx.imageSmoothingEnabled = false;
      this.ctx.drawImage(sm.canvas, 0, 0, wq, h, 0, 0, wq * q, h);
    }
    this.coarse = q > 1;
    const overlay = this.drawOverlays(model, d, w, h, options, overlays);
    const ms = performance.now() - t0;
    if (moving) this.q = nextCoarseness(ms, q);
    return { ms, q, note, overlay };
  }

  /**
   * The overlays over the picture just drawn (canvas strokes and fills, so `pixels` keeps the
   * bare picture). Returns what was shown: 'name:ranges in view' per layer.
   */
  private drawOverlays(
    model: MapModel,
    d: ViewBox,
    w: number,
    h: number,
    options: RenderOptions,
    layers: readonly OverlayLayer[],
  ): string {
    if (layers.length === 0) return '';
    const g: OverlayGeometry = model.allocator.geometry;
    const ctx = this.ctx;
    const shown: string[] = [];
    for (const layer of layers) {
      const r = overlayRects(model.layout, g, layer.ranges, d, w, h, options);
      const [R, G, B] = layer.rgb;
      const colour = `rgb(${R}, ${G}, ${B})`;
      ctx.save();
      if (layer.style === 'tint') {
        ctx.globalAlpha = layer.alpha ?? 0.55;
        ctx.fillStyle = colour;
        for (let i = 0; i < r.count; i++)
          ctx.fillRect(r.xywh[4 * i], r.xywh[4 * i + 1], r.xywh[4 * i + 2], r.xywh[4 * i + 3]);
      } else {
        ctx.globalAlpha = layer.alpha ?? 1;
        ctx.strokeStyle = colour;
        ctx.fillStyle = colour;
        ctx.lineWidth = 2;
        for (let i = 0; i < r.count; i++) {
          const [x, y, rw, rh] = r.xywh.subarray(4 * i, 4 * i + 4);
          // Too small to outline: filled, so that it still shows.
          if (rw < 6 || rh < 6) ctx.fillRect(x, y, Math.max(rw, 2), Math.max(rh, 2));
          else ctx.strokeRect(x + 1, y + 1, rw - 2, rh - 2);
        }
      }
      if (layer.labels) {
        ctx.globalAlpha = 1;
        ctx.font = '11px system-ui, sans-serif';
        ctx.textBaseline = 'top';
        const labelled = new Set<number>();
        for (let i = 0; i < r.count; i++) {
          const k = r.range[i];
          const text = layer.labels[k];
          if (!text || labelled.has(k)) continue;
          labelled.add(k);
          const x = Math.min(Math.max(0, r.xywh[4 * i]), w - 60),
            y = Math.min(Math.max(0, r.xywh[4 * i + 1] + r.xywh[4 * i + 3] + 2), h - 13);
          ctx.fillStyle = 'rgba(0, 0, 0, 0.7)';
          ctx.fillRect(x, y, ctx.measureText(text).width + 6, 13);
          ctx.fillStyle = colour;
          ctx.fillText(text, x + 3, y + 1);
        }
      }
      ctx.restore();
      shown.push(`${layer.name}:${r.rangesInView}${r.truncated ? '+' : ''}`);
    }
    return shown.join(',');
  }

  private smallCanvas(w: number, h: number) {
    if (!this.small || this.small.image.width !== w || this.small.image.height !== h) {
      const canvas = new OffscreenCanvas(w, h);
      const ctx = canvas.getContext('2d', { alpha: false });
      if (!ctx) throw new Error('no 2D context for an OffscreenCanvas');
      this.small = { canvas, ctx, image: new ImageData(w, h) };
    }
    return this.small;
  }
}
