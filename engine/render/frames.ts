/**
 * Animation frames of a run, composed by pure code shared by the CLI (--animate) and the app's
 * export dialog, so both produce the same pixels for the same ops. A frame is the seed's
 * picture for every allocator, stacked: a column per page, a row per chunk (low addresses at
 * the top), one pixel per chunk, coloured by engine/core/palette.ts; above the maps the op
 * counter, above each map its allocator's label, in the 3x5 bitmap font (font.ts).
 *
 * Frames are index images (one byte per pixel, indices into FRAME_PALETTE): that is what the
 * GIF encoder takes without quantising (lossless), and indexToRgba gives canvases and PNGs.
 *
 * Large pools are refused rather than scaled: scaling would merge chunks and hide exactly the
 * holes the picture is for. A frame is at most FRAME_LIMITS wide and high.
 */
import { PALETTE } from '../core/palette';
import { drawText, GLYPH_H, textWidth } from './font';

/** Index of the background and of the text in FRAME_PALETTE (after the chunk states). */
export const BG = PALETTE.length;
export const INK = PALETTE.length + 1;

/** The frame's colours as [r, g, b]: the chunk states', then background and text; 16 entries (a GIF table). */
export const FRAME_PALETTE: readonly [number, number, number][] = (() => {
  const rgb = (c: number): [number, number, number] => [c >> 16, (c >> 8) & 255, c & 255];
  const p = PALETTE.map(rgb);
  p[BG] = rgb(0x101418);
  p[INK] = rgb(0xf0f0f0);
  while (p.length < 16) p.push([0, 0, 0]);
  return p;
})();

/** A frame may be at most this wide (pages) and high (chunks per page of all maps, with labels). */
export const FRAME_LIMITS = { width: 8192, height: 4096 } as const;
/** Frames per animation at most (1000 frames of two 4094x128 maps are about 1.2 GB of pixels to encode). */
export const MAX_FRAMES = 10000;

/** Text is drawn at this many pixels per font pixel. */
const SCALE = 2;
const PAD = 3;
/** Height of a text band: the glyphs and the padding above and below. */
const BAND = GLYPH_H * SCALE + 2 * PAD;

export interface FrameLane {
  label: string;
  pages: number;
  chunksPerPage: number;
  chunkBytes: number;
}

export interface FrameLayout {
  width: number;
  height: number;
  lanes: { caption: string; pages: number; chunksPerPage: number; mapY: number; captionY: number }[];
}

/** A lane of frames from an allocator's label and geometry (app and CLI alike). */
export function frameLane(label: string, g: { pages: number; pageBytes: number; chunkBytes: number }): FrameLane {
  return { label, pages: g.pages, chunksPerPage: g.pageBytes / g.chunkBytes, chunkBytes: g.chunkBytes };
}

/** Bytes of a lane's snapshot (Allocator.snapshot's `out`). */
export function laneStatesLength(l: FrameLane): number {
  return l.pages * l.chunksPerPage;
}

/** What is written above a map: its label and geometry. */
export function laneCaption(l: FrameLane): string {
  return `${l.label}: ${l.pages} pages x ${l.chunksPerPage} chunks of ${l.chunkBytes} B`;
}

/** The layout of the frames of these lanes; throws (with the sizes) when a frame would pass FRAME_LIMITS. */
export function frameLayout(lanes: readonly FrameLane[]): FrameLayout {
  let y = BAND;
  let width = textWidth(opText(0, 0), SCALE) + 2 * PAD;
  const out: FrameLayout['lanes'] = [];
  for (const l of lanes) {
    const caption = laneCaption(l);
    width = Math.max(width, l.pages, textWidth(caption, SCALE) + 2 * PAD);
    out.push({ caption, pages: l.pages, chunksPerPage: l.chunksPerPage, captionY: y + PAD, mapY: y + BAND });
    y += BAND + l.chunksPerPage;
  }
  const height = y + PAD;
  if (width > FRAME_LIMITS.width || height > FRAME_LIMITS.height) {
    const wide = lanes.reduce((m, l) => (l.pages > m.pages ? l : m), lanes[0]);
    throw new Error(
      `an animation frame would be ${width}x${height} pixels (one pixel per chunk, ${wide?.label ?? ''} has ${wide?.pages ?? 0} pages); ` +
        `frames may be at most ${FRAME_LIMITS.width}x${FRAME_LIMITS.height}: use fewer pages (maxPages, pages) or fewer allocators`,
    );
  }
  return { width, height, lanes: out };
}

function opText(op: number, last: number): string {
  return `op ${op} of ${last}`;
}

/** The ops frames show: from, from+every, ... up to `to`; a usage error (thrown) for bad values. */
export function frameOps(from: number, to: number, every: number): number[] {
  const ok = (n: number) => Number.isInteger(n) && n >= 0;
  if (!ok(from) || !ok(to) || !(ok(every) && every >= 1))
    throw new Error(`frames need whole numbers: from ${from} >= 0, to ${to} >= 0, every ${every} >= 1`);
  if (to < from) throw new Error(`the last frame's op (${to}) is before the first's (${from})`);
  const count = Math.floor((to - from) / every) + 1;
  if (count > MAX_FRAMES)
    throw new Error(
      `ops ${from} to ${to} every ${every} make ${count} frames; at most ${MAX_FRAMES}: raise every or narrow the range`,
    );
  return Array.from({ length: count }, (_, i) => from + i * every);
}

/**
 * Draw the frame at `op` (ops executed: the counter shows `op of last`) into `out` (width*height
 * bytes). `states[k]` is lane k's snapshot (Allocator.snapshot: page-major, a byte per chunk).
 */
export function composeFrame(
  layout: FrameLayout,
  op: number,
  last: number,
  states: readonly Uint8Array[],
  out: Uint8Array,
): void {
  const { width: W, height: H } = layout;
  out.fill(BG, 0, W * H);
  drawText(out, W, H, PAD, PAD, opText(op, last), INK, SCALE);
  layout.lanes.forEach((l, k) => {
    drawText(out, W, H, PAD, l.captionY, l.caption, INK, SCALE);
    const s = states[k];
    const C = l.chunksPerPage;
    for (let c = 0; c < C; c++) {
      const row = (l.mapY + c) * W;
      for (let p = 0; p < l.pages; p++) out[row + p] = s[p * C + c];
    }
  });
}

/** RGBA pixels of an index image into `out` (4 bytes a pixel): for canvases, PNG files and tests. */
export function indexToRgba(index: Uint8Array, out: Uint8Array | Uint8ClampedArray): void {
  const lut = new Uint32Array(256);
  // Little-endian RGBA words (every platform the app and the CLI run on).
  FRAME_PALETTE.forEach(([r, g, b], i) => (lut[i] = (255 << 24) | (b << 16) | (g << 8) | r));
  const words = new Uint32Array(out.buffer, out.byteOffset, index.length);
  for (let i = 0; i < index.length; i++) words[i] = lut[index[i]];
}
