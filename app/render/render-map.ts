/**
 * Chunk-state bytes -> RGBA pixels (pure, no DOM).
 *
 * Coordinate spaces:
 *   state space: byte `page * chunksPerPage + chunk` of the states (Allocator.pageStates);
 *   image space: pixel (x, y) of a pages x chunksPerPage image, one column per
 *                page (x = page) and one pixel per chunk, as the seed's pictures.
 * Row y shows chunk y (low addresses first) or chunk chunksPerPage-1-y with
 * `highFirst`, the seed's NTA orientation ("higher addresses are first").
 * `sorted` draws each column as its totals per state (used first, free after),
 * as the seed's power-of-two picture does.
 */
import { ChunkState } from '../../engine/core/types';
import { packedLut } from './palette';

export interface MapGeometry {
  pages: number;
  chunksPerPage: number;
}

export interface MapView {
  highFirst: boolean;
  sorted: boolean;
}

/** Order of the states within a sorted column, top to bottom. */
export const SORTED_ORDER: readonly number[] = [
  ChunkState.Used,
  ChunkState.Mapped,
  ChunkState.Metadata,
  ChunkState.Waste,
  ChunkState.Postponed,
  ChunkState.PendingRemote,
  ChunkState.Cached,
  ChunkState.Free,
  ChunkState.Unheld,
];

const LUT = packedLut();

/** RGBA bytes of the map image (length pages * chunksPerPage * 4); reuses `out` when it fits. */
export function renderMap(
  states: Uint8Array,
  geo: MapGeometry,
  view: MapView,
  out?: Uint8ClampedArray<ArrayBuffer>,
): Uint8ClampedArray<ArrayBuffer> {
  const W = geo.pages,
    H = geo.chunksPerPage;
  if (states.length < W * H) throw new Error(`renderMap: ${states.length} state bytes, need ${W * H}`);
  const rgba = out && out.length === W * H * 4 ? out : new Uint8ClampedArray(W * H * 4);
  const px = new Uint32Array(rgba.buffer, rgba.byteOffset, W * H);
  if (!view.sorted) {
    for (let p = 0; p < W; p++) {
      const base = p * H;
      if (view.highFirst) for (let c = 0; c < H; c++) px[(H - 1 - c) * W + p] = LUT[states[base + c]];
      else for (let c = 0; c < H; c++) px[c * W + p] = LUT[states[base + c]];
    }
    return rgba;
  }
  const counts = new Uint32Array(256);
  for (let p = 0; p < W; p++) {
    columnCounts(states, p, H, counts);
    let y = 0;
    for (const code of SORTED_ORDER) {
      const colour = LUT[code];
      for (let n = counts[code]; n > 0; n--, y++) px[(view.highFirst ? H - 1 - y : y) * W + p] = colour;
    }
    // Codes outside SORTED_ORDER (none today) fill the rest.
    for (; y < H; y++) px[(view.highFirst ? H - 1 - y : y) * W + p] = LUT[255];
  }
  return rgba;
}

/** Counts of each state code in one page (column); `out` is cleared first. */
export function columnCounts(
  states: Uint8Array,
  page: number,
  chunksPerPage: number,
  out = new Uint32Array(256),
): Uint32Array {
  out.fill(0);
  const base = page * chunksPerPage;
  for (let c = 0; c < chunksPerPage; c++) out[states[base + c]]++;
  return out;
}

/** The chunk an image pixel shows (unsorted view), or null outside the image. */
export function chunkAt(
  x: number,
  y: number,
  geo: MapGeometry,
  highFirst: boolean,
): { page: number; chunk: number } | null {
  const page = Math.floor(x),
    row = Math.floor(y);
  if (page < 0 || page >= geo.pages || row < 0 || row >= geo.chunksPerPage) return null;
  return { page, chunk: highFirst ? geo.chunksPerPage - 1 - row : row };
}

/** Start and length (in chunks) of the run of equal state around `chunk` within its page. */
export function runAround(
  states: Uint8Array,
  geo: MapGeometry,
  page: number,
  chunk: number,
): { start: number; length: number } {
  const base = page * geo.chunksPerPage,
    s = states[base + chunk];
  let a = chunk,
    b = chunk;
  while (a > 0 && states[base + a - 1] === s) a--;
  while (b < geo.chunksPerPage - 1 && states[base + b + 1] === s) b++;
  return { start: a, length: b - a + 1 };
}
