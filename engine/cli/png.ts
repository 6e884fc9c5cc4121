/**
 * The seed's fragmentation pictures as PNG: one column per page, one pixel per
 * chunk, encoded with pngjs. Colours come from engine/core/palette.ts, shared
 * with the browser map so an exported file looks like the screen.
 */
import { PNG } from 'pngjs';
import type { Allocator } from '../core/types';
import { PALETTE } from '../core/palette';

export type Orientation = 'low-first' | 'high-first';

/** PNG bytes of the allocator's current chunk map. `high-first` is the seed's NTA orientation. */
export function mapPng(a: Allocator, orientation: Orientation = 'low-first'): Buffer {
  const { pages, pageBytes, chunkBytes } = a.geometry;
  const cpp = pageBytes / chunkBytes;
  const states = new Uint8Array(pages * cpp);
  a.snapshot(states);
  const png = new PNG({ width: pages, height: cpp });
  for (let page = 0; page < pages; page++) {
    for (let c = 0; c < cpp; c++) {
      const y = orientation === 'low-first' ? c : cpp - 1 - c;
      const rgb = PALETTE[states[page * cpp + c]] ?? 0;
      const o = (y * pages + page) * 4;
      png.data[o] = rgb >> 16;
      png.data[o + 1] = (rgb >> 8) & 255;
      png.data[o + 2] = rgb & 255;
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
