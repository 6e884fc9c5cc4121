/**
 * The diff of two allocators at one op: per address, where one has free memory and the other
 * does not. Allocators differ in chunk size, page size and pool, so the comparison is made on
 * byte addresses over the range both pools cover (the larger base to the smaller end), in cells
 * of the finer chunk size (the two sizes' greatest common divisor when neither divides the
 * other): a cell takes the state of the chunk that holds it in each allocator. The picture is
 * the seed's: a column per page of the smaller page size, a row per cell, low addresses on top.
 *
 * "Free" is memory that holds no allocation and no allocator data: Free, Cached (free, in one
 * CPU's cache) and Unheld (a page the allocator has not taken yet: still available to it).
 * Everything else is not free: used, rounding waste, pending remote frees (not yet usable),
 * mapped, postponed, metadata.
 */
import { ChunkState } from '../core/types';
import { drawText, GLYPH_H } from './font';

export interface DiffSide {
  label: string;
  chunkBytes: number;
  pageBytes: number;
  pages: number;
  baseAddress: number;
  /** Allocator.snapshot: a byte per chunk, page-major. */
  states: Uint8Array;
}

/** Cell classes, the index of each in DIFF_PALETTE. */
export const DiffCell = { BothFree: 0, BothUsed: 1, OnlyAFree: 2, OnlyBFree: 3, Background: 4, Ink: 5 } as const;

/** Both-free and both-used neutral greys; A's free memory blue, B's orange (apart for colour-blind eyes). */
export const DIFF_PALETTE: readonly [number, number, number][] = [
  [0x4a, 0x50, 0x58],
  [0x1c, 0x1f, 0x24],
  [0x2f, 0x8c, 0xff],
  [0xff, 0x9f, 0x1c],
  [0x10, 0x14, 0x18],
  [0xf0, 0xf0, 0xf0],
];

const FREE = new Set<number>([ChunkState.Free, ChunkState.Cached, ChunkState.Unheld]);

export interface DiffResult {
  width: number;
  height: number;
  /** Index image (DIFF_PALETTE): the caption band on top, then the map. */
  index: Uint8Array;
  /** Rows of the caption band above the map. */
  top: number;
  cellBytes: number;
  columnBytes: number;
  /** First byte address compared and bytes compared. */
  start: number;
  bytes: number;
  /** Bytes of each class (BothFree, BothUsed, OnlyAFree, OnlyBFree). */
  counts: [number, number, number, number];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const SCALE = 2;
const PAD = 3;

/** The caption burnt into an exported diff (the UI shows the same words beside it). */
export function diffCaption(a: string, b: string, op: number): string {
  return `op ${op}: blue = free in ${a} only, orange = free in ${b} only`;
}

export function computeDiff(a: DiffSide, b: DiffSide, op: number): DiffResult {
  const cellBytes = gcd(a.chunkBytes, b.chunkBytes);
  const columnBytes = Math.min(a.pageBytes, b.pageBytes);
  const start = Math.max(a.baseAddress, b.baseAddress);
  const end = Math.min(a.baseAddress + a.pages * a.pageBytes, b.baseAddress + b.pages * b.pageBytes);
  if (end <= start)
    throw new Error(`${a.label} and ${b.label} share no addresses: their pools do not overlap, nothing to compare`);
  const width = Math.floor((end - start) / columnBytes);
  const rows = columnBytes / cellBytes;
  const top = GLYPH_H * SCALE + 2 * PAD;
  const height = top + rows;
  const index = new Uint8Array(width * height).fill(DiffCell.Background);
  drawText(index, width, height, PAD, PAD, diffCaption(a.label, b.label, op), DiffCell.Ink, SCALE);
  const counts: DiffResult['counts'] = [0, 0, 0, 0];
  // Chunk index of a byte offset from each pool's base; states are page-major, a page's chunks in order.
  const offA = start - a.baseAddress,
    offB = start - b.baseAddress;
  for (let col = 0; col < width; col++) {
    for (let r = 0; r < rows; r++) {
      const at = col * columnBytes + r * cellBytes;
      const fa = FREE.has(a.states[Math.floor((offA + at) / a.chunkBytes)]);
      const fb = FREE.has(b.states[Math.floor((offB + at) / b.chunkBytes)]);
      const c = fa ? (fb ? DiffCell.BothFree : DiffCell.OnlyAFree) : fb ? DiffCell.OnlyBFree : DiffCell.BothUsed;
      index[(top + r) * width + col] = c;
      counts[c] += cellBytes;
    }
  }
  return { width, height, index, top, cellBytes, columnBytes, start, bytes: width * columnBytes, counts };
}

/** RGBA of a diff's index image. */
export function diffRgba(d: DiffResult, out: Uint8Array | Uint8ClampedArray): void {
  for (let i = 0; i < d.index.length; i++) {
    const [r, g, b] = DIFF_PALETTE[d.index[i]];
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = 255;
  }
}
