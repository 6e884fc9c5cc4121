import { describe, expect, it } from 'vitest';
import { ChunkState } from '../../engine/core/types';
import { chunkAt, columnCounts, renderMap, runAround } from './render-map';
import { PALETTE } from './palette';

const geo = { pages: 3, chunksPerPage: 4 };
// page 0: used used free free; page 1: all free; page 2: free used waste unheld
const states = new Uint8Array([2, 2, 1, 1, 1, 1, 1, 1, 1, 2, 3, 0]);
const rgbAt = (img: Uint8ClampedArray, x: number, y: number) => {
  const i = (y * geo.pages + x) * 4;
  return [img[i], img[i + 1], img[i + 2], img[i + 3]];
};
const rgbOf = (code: number) => [...PALETTE[code].rgb, 255];

describe('renderMap(states, geometry, view)', () => {
  it('draws one column per page and one pixel per chunk, low addresses first', () => {
    const img = renderMap(states, geo, { highFirst: false, sorted: false });
    expect(img.length).toBe(3 * 4 * 4);
    expect(rgbAt(img, 0, 0)).toEqual(rgbOf(ChunkState.Used));
    expect(rgbAt(img, 0, 3)).toEqual(rgbOf(ChunkState.Free));
    expect(rgbAt(img, 2, 2)).toEqual(rgbOf(ChunkState.Waste));
    expect(rgbAt(img, 2, 3)).toEqual(rgbOf(ChunkState.Unheld));
  });

  it('highFirst puts the highest chunk of each page in row 0 (seed NTA orientation)', () => {
    const img = renderMap(states, geo, { highFirst: true, sorted: false });
    expect(rgbAt(img, 0, 0)).toEqual(rgbOf(ChunkState.Free));
    expect(rgbAt(img, 0, 3)).toEqual(rgbOf(ChunkState.Used));
    expect(rgbAt(img, 2, 0)).toEqual(rgbOf(ChunkState.Unheld));
  });

  it('sorted draws each column as its totals: used first, free after', () => {
    const img = renderMap(states, geo, { highFirst: false, sorted: true });
    // page 2: free used waste unheld -> used, waste, free, unheld
    expect([0, 1, 2, 3].map((y) => rgbAt(img, 2, y))).toEqual(
      [ChunkState.Used, ChunkState.Waste, ChunkState.Free, ChunkState.Unheld].map(rgbOf),
    );
  });

  it('reuses the output array when it has the right size', () => {
    const out = new Uint8ClampedArray(3 * 4 * 4);
    expect(renderMap(states, geo, { highFirst: false, sorted: false }, out)).toBe(out);
  });

  it('renders the blog geometry (4094 x 128) quickly', () => {
    const big = { pages: 4094, chunksPerPage: 128 };
    const s = new Uint8Array(big.pages * big.chunksPerPage).map((_, i) => (i * 7) % 3);
    const out = new Uint8ClampedArray(big.pages * big.chunksPerPage * 4);
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) renderMap(s, big, { highFirst: i % 2 === 0, sorted: false }, out);
    expect((performance.now() - t0) / 10).toBeLessThan(50);
  });
});

describe('chunkAt / columnCounts / runAround', () => {
  it('maps pixels back to page and chunk in both orientations', () => {
    expect(chunkAt(1.5, 0.2, geo, false)).toEqual({ page: 1, chunk: 0 });
    expect(chunkAt(1.5, 0.2, geo, true)).toEqual({ page: 1, chunk: 3 });
    expect(chunkAt(3, 0, geo, false)).toBeNull();
  });
  it('counts states per page and finds runs', () => {
    const c = columnCounts(states, 0, 4);
    expect([c[1], c[2]]).toEqual([2, 2]);
    expect(runAround(states, geo, 0, 1)).toEqual({ start: 0, length: 2 });
    expect(runAround(states, geo, 1, 2)).toEqual({ start: 0, length: 4 });
  });
});
