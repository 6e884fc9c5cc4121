/**
 * The map as PNG files, made in the map worker (OffscreenCanvas.convertToBlob): the whole map
 * at one pixel per chunk, cut into tiles where one image would pass the browser's limits
 * (tiles.ts), or the view as shown. The page only downloads the blobs it is handed.
 */
import type { AllocatorSpec } from '../../engine/allocators/registry';
import type { Allocator } from '../../engine/core/types';
import type { MapLayout } from '../render/layout';
import { ABSENT_RGB } from '../render/palette';
import { renderMap, type MapView } from '../render/render-map';
import { slug } from './download';
import type { Tile } from './tiles';

/** Which part a file holds: the whole map (no suffix), one tile of it, or the view as shown. */
export type PngPart = { kind: 'whole' } | { kind: 'tile'; first: number; last: number } | { kind: 'view' };

export function pngName(workload: string, spec: AllocatorSpec, op: number, view: MapView, part: PngPart): string {
  const preset = spec.kind === 'nta' ? spec.preset : 'default';
  const mode = `${view.highFirst ? '_high-first' : ''}${view.sorted ? '_sorted' : ''}`;
  const which = part.kind === 'tile' ? `_pages-${part.first}-${part.last}` : part.kind === 'view' ? '_view' : '';
  return `fragscope_${slug(workload)}_${spec.kind}_${slug(preset)}_op${op}${mode}${which}.png`;
}

/**
 * One tile at one pixel per chunk: each band's states are read (pageStates) and drawn as the
 * seed's picture, a band at a time, so no copy of the whole tile's states is ever held.
 */
export async function tilePng(a: Allocator, l: MapLayout, t: Tile, view: MapView): Promise<Blob> {
  const C = l.chunksPerPage;
  const canvas = new OffscreenCanvas(t.width, t.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D context for an OffscreenCanvas');
  ctx.fillStyle = `rgb(${ABSENT_RGB.join(',')})`;
  ctx.fillRect(0, 0, t.width, t.height);
  const states = new Uint8Array(l.bandPages * C);
  for (let b = t.bandFirst; b < t.bandEnd; b++) {
    const first = b * l.bandPages,
      count = Math.min(l.bandPages, l.pages - first);
    if (count <= 0) break;
    const s = states.subarray(0, count * C);
    a.pageStates(first, count, s);
    const rgba = renderMap(s, { pages: count, chunksPerPage: C }, view);
    ctx.putImageData(new ImageData(rgba, count, C), 0, (b - t.bandFirst) * C);
  }
  return canvas.convertToBlob({ type: 'image/png' });
}

/** The view as shown (device pixels, palette.ts pack order). */
export async function viewPng(pixels: Uint32Array, w: number, h: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D context for an OffscreenCanvas');
  const rgba = new Uint8ClampedArray(w * h * 4);
  rgba.set(new Uint8Array(pixels.buffer, pixels.byteOffset, w * h * 4));
  ctx.putImageData(new ImageData(rgba, w, h), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}
