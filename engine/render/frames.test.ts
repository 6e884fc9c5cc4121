import { describe, expect, it } from 'vitest';
import { createAllocator } from '../allocators/registry';
import { PALETTE } from '../core/palette';
import { ChunkState } from '../core/types';
import { drawText, textWidth } from './font';
import {
  BG,
  composeFrame,
  FRAME_LIMITS,
  FRAME_PALETTE,
  frameLane,
  frameLayout,
  frameOps,
  indexToRgba,
  INK,
  laneStatesLength,
} from './frames';
import { GifStream } from './gif';
import { decodeGif } from './test-gif';

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

describe('frameOps', () => {
  it('takes from, from+every, ... up to to, to included when it falls on a step', () => {
    expect(frameOps(0, 1000, 250)).toEqual([0, 250, 500, 750, 1000]);
    expect(frameOps(10, 35, 10)).toEqual([10, 20, 30]);
    expect(frameOps(5, 5, 1)).toEqual([5]);
  });
  it('refuses a reversed range, a zero step and too many frames', () => {
    expect(() => frameOps(10, 5, 1)).toThrow(/before the first/);
    expect(() => frameOps(0, 5, 0)).toThrow(/every 0 >= 1/);
    expect(() => frameOps(0, 1e9, 1)).toThrow(/at most 10000/);
  });
});

describe('font', () => {
  it('draws a glyph at scale 1 and 2 (the 3x5 "1" and its width)', () => {
    const out = new Uint8Array(4 * 5);
    drawText(out, 4, 5, 0, 0, '1', 9, 1);
    const rows = Array.from({ length: 5 }, (_, r) =>
      [...out.subarray(r * 4, r * 4 + 3)].map((v) => (v ? '#' : '.')).join(''),
    );
    expect(rows).toEqual(['.#.', '##.', '.#.', '.#.', '###']);
    expect(textWidth('ab', 2)).toBe(14);
    const big = new Uint8Array(6 * 10);
    drawText(big, 6, 10, 0, 0, 'x', 1, 2);
    expect(big.reduce((n, v) => n + v, 0)).toBe(9 * 4); // the 9 ink pixels of X, each 2x2
  });
});

describe('frame composer and GIF', () => {
  const specs = [{ kind: 'nta' as const, preset: 'blog' as const }, { kind: 'pow2' as const }];
  const allocs = specs.map((s) => createAllocator(s, 1));
  const lanes = allocs.map((a) => frameLane(a.label, a.geometry));

  it('stacks the maps at one pixel per chunk under the op counter and each label', () => {
    const l = frameLayout(lanes);
    expect(l.width).toBe(Math.max(...lanes.map((x) => x.pages)));
    const maps = lanes.reduce((n, x) => n + x.chunksPerPage, 0);
    expect(l.height).toBeGreaterThan(maps);
    // A state pattern: page p, chunk c of lane 0 is Used where (p + c) % 3 == 0.
    const states = lanes.map((x) => new Uint8Array(laneStatesLength(x)).fill(ChunkState.Free));
    const C = lanes[0].chunksPerPage;
    for (let p = 0; p < lanes[0].pages; p++)
      for (let c = 0; c < C; c++) if ((p + c) % 3 === 0) states[0][p * C + c] = ChunkState.Used;
    const out = new Uint8Array(l.width * l.height);
    composeFrame(l, 42, 100, states, out);
    const at = (x: number, y: number) => out[y * l.width + x];
    expect(at(7, l.lanes[0].mapY + 2)).toBe(ChunkState.Used); // (7 + 2) % 3 == 0
    expect(at(6, l.lanes[0].mapY + 2)).toBe(ChunkState.Free);
    expect(at(4, l.lanes[0].mapY + 2)).toBe(ChunkState.Used);
    expect(at(5, l.lanes[0].mapY + 2)).toBe(ChunkState.Free);
    expect(at(lanes[1].pages - 1, l.lanes[1].mapY + lanes[1].chunksPerPage - 1)).toBe(ChunkState.Free);
    // The counter and the labels are ink on the background, above the maps.
    const header = out.subarray(0, l.lanes[0].captionY * l.width);
    expect(new Set(header)).toEqual(new Set([BG, INK]));
    expect(FRAME_PALETTE.slice(0, PALETTE.length).map(([r, g, b]) => (r << 16) | (g << 8) | b)).toEqual(PALETTE);
  });

  it('refuses frames wider than the limit, naming the sizes', () => {
    const wide = { label: 'big', pages: FRAME_LIMITS.width + 1, chunksPerPage: 8, chunkBytes: 512 };
    expect(() => frameLayout([wide])).toThrow(/would be 8193x\d+ pixels .*big has 8193 pages.* at most 8192x4096/);
  });

  it('encodes frames losslessly: the decoded GIF has every frame, its size and its pixels', () => {
    const l = frameLayout(lanes);
    const states = lanes.map((x) => new Uint8Array(laneStatesLength(x)));
    const gif = new GifStream(l.width, l.height, 100);
    const parts: Uint8Array[] = [];
    const want: Uint8ClampedArray[] = [];
    for (let i = 0; i < 3; i++) {
      // Different content per frame: lane k's chunk j takes state (i + j + k) % 9.
      states.forEach((s, k) => s.forEach((_, j) => (s[j] = (i + j + k) % PALETTE.length)));
      const frame = new Uint8Array(l.width * l.height);
      composeFrame(l, i * 10, 20, states, frame);
      parts.push(gif.frame(frame));
      const rgba = new Uint8ClampedArray(frame.length * 4);
      indexToRgba(frame, rgba);
      want.push(rgba);
    }
    parts.push(gif.finish());
    const frames = decodeGif(concat(parts));
    expect(frames.map((f) => [f.width, f.height])).toEqual([
      [l.width, l.height],
      [l.width, l.height],
      [l.width, l.height],
    ]);
    frames.forEach((f, i) => expect(Buffer.from(f.rgba).equals(Buffer.from(want[i]))).toBe(true));
  });
});
