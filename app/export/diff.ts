/** The diff view as a PNG file (one pixel per cell, its caption burnt in: engine/render/diff.ts). */
import { diffRgba, type DiffResult } from '../../engine/render/diff';

export async function diffPng(d: DiffResult): Promise<Blob> {
  const canvas = new OffscreenCanvas(d.width, d.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D context for an OffscreenCanvas');
  const image = new ImageData(d.width, d.height);
  diffRgba(d, image.data);
  ctx.putImageData(image, 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}
