import { describe, expect, it } from 'vitest';
import { ChunkState } from '../../engine/core/types';
import { mapLayout } from './layout';
import { renderLod, levelFor, type PixelMode } from './lod';
import { ABSENT_RGB, PALETTE, pack } from './palette';
import { renderMap } from './render-map';
import { PageSummaries } from './summaries';

const { Unheld, Free, Used, Waste, PendingRemote, Cached, Metadata } = ChunkState;

/** Summaries and detail of a pool whose chunk states are `states` (pages * C bytes). */
function pool(pages: number, C: number, states: Uint8Array) {
  const layout = mapLayout(pages, C);
  const summaries = new PageSummaries(pages, layout.bands * layout.bandPages, C);
  summaries.initVirgin(() => Unheld);
  summaries.update(0, pages, states);
  const detail = (s: number) => states.subarray(s * 64 * C, Math.min(states.length, (s + 1) * 64 * C));
  return { layout, summaries, detail };
}

function render(
  p: Omit<ReturnType<typeof pool>, 'detail'> & { detail: (s: number) => Uint8Array | undefined },
  box: { x0: number; y0: number; sx: number; sy: number },
  w: number,
  h: number,
  opts: { highFirst?: boolean; sorted?: boolean; mode?: PixelMode } = {},
): Uint32Array {
  const out = new Uint32Array(w * h);
  renderLod(
    { ...p, box, w, h, highFirst: opts.highFirst ?? false, sorted: opts.sorted ?? false, mode: opts.mode ?? 'share' },
    out,
  );
  return out;
}

const px = (code: number) => {
  const c = PALETTE[code].rgb;
  return pack(c[0], c[1], c[2], 255);
};
const rgb = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff];

describe('renderLod(input, out)', () => {
  // page 0: used used free free; page 1: all free; page 2: free used waste unheld
  const states = new Uint8Array([2, 2, 1, 1, 1, 1, 1, 1, 1, 2, 3, 0]);
  const small = pool(3, 4, states);

  it('at one device pixel per cell equals the native picture, in every orientation and order', () => {
    for (const highFirst of [false, true])
      for (const sorted of [false, true]) {
        const native = renderMap(states, { pages: 3, chunksPerPage: 4 }, { highFirst, sorted });
        const got = render(small, { x0: 0, y0: 0, sx: 1, sy: 1 }, 3, 4, { highFirst, sorted });
        expect([...got], `highFirst ${highFirst} sorted ${sorted}`).toEqual([
          ...new Uint32Array(native.buffer, native.byteOffset, 12),
        ]);
      }
  });

  it('zoomed in, a cell covers several pixels (nearest page and row, no blending)', () => {
    const got = render(small, { x0: 0, y0: 0, sx: 4, sy: 4 }, 12, 16);
    expect(got[0]).toBe(px(Used)); // page 0 chunk 0
    expect(got[15 * 12 + 11]).toBe(px(Unheld)); // page 2 chunk 3
    expect(got[3 * 12 + 5]).toBe(px(Free)); // page 1
  });

  it('zoomed out, a pixel blends the chunks under it by their share, or shows the worst of them', () => {
    // Pages 0 and 1 in one pixel column, row 0: used and free, half each.
    const share = render(small, { x0: 0, y0: 0, sx: 0.5, sy: 1 }, 1, 1);
    const [u, f] = [PALETTE[Used].rgb, PALETTE[Free].rgb];
    expect(rgb(share[0])).toEqual([0, 1, 2].map((k) => Math.round((u[k] + f[k]) / 2)));
    const worst = render(small, { x0: 0, y0: 0, sx: 0.5, sy: 1 }, 1, 1, { mode: 'worst' });
    expect(worst[0]).toBe(px(Used));
  });

  it('one pending chunk among 64 pages colours the whole pixel in worst mode', () => {
    const C = 128,
      s = new Uint8Array(64 * C).fill(Free);
    s[37 * C + 99] = PendingRemote;
    const big = pool(64, C, s);
    expect(render(big, { x0: 0, y0: 0, sx: 1 / 64, sy: 1 / 128 }, 1, 1, { mode: 'worst' })[0]).toBe(px(PendingRemote));
    expect(render(big, { x0: 0, y0: 0, sx: 1 / 64, sy: 1 / 128 }, 1, 1)[0]).not.toBe(px(PendingRemote));
  });

  it("the kernel allocators' states (cached, metadata) are drawn and ranked: a cached object outranks waste", () => {
    const C = 4,
      s = new Uint8Array([Cached, Metadata, Waste, Used, Free, Free, Free, Free]);
    const two = pool(2, C, s);
    const native = renderMap(s, { pages: 2, chunksPerPage: C }, { highFirst: false, sorted: false });
    expect([...render(two, { x0: 0, y0: 0, sx: 1, sy: 1 }, 2, C)]).toEqual([
      ...new Uint32Array(native.buffer, native.byteOffset, 2 * C),
    ]);
    expect(render(two, { x0: 0, y0: 0, sx: 0.5, sy: 0.25 }, 1, 1, { mode: 'worst' })[0]).toBe(px(Cached));
  });

  it('with more rows than pixels a column shows its page proportions, used on top (bottom with highFirst)', () => {
    const C = 128,
      s = new Uint8Array(C);
    for (let c = 0; c < C; c++) s[c] = c % 2 ? Used : Free; // interleaved: no row is all one state
    const one = pool(1, C, s);
    const box = { x0: 0, y0: 0, sx: 1, sy: 2 / 128 };
    expect([...render(one, box, 1, 2)]).toEqual([px(Used), px(Free)]);
    expect([...render(one, box, 1, 2, { highFirst: true })]).toEqual([px(Free), px(Used)]);
  });

  it('cells past the last page are drawn as absent, not as a state', () => {
    const P = 5000,
      C = 4;
    const big = pool(P, C, new Uint8Array(P * C).fill(Used));
    expect(big.layout).toMatchObject({ bandPages: 4096, bands: 2, width: 4096, height: 8 });
    // Band 1 holds pages 4096..4999: column 904 on is past the pool.
    const got = render(big, { x0: 900, y0: 4, sx: 1, sy: 1 }, 8, 4);
    expect(got[0]).toBe(px(Used));
    expect(got[5]).toBe(pack(ABSENT_RGB[0], ABSENT_RGB[1], ABSENT_RGB[2], 255));
  });

  it('a pixel taller than a band adds up every band under it', () => {
    const P = 8192,
      C = 4,
      s = new Uint8Array(P * C).fill(Free);
    s.fill(Used, 4096 * C); // band 1 all used
    const two = pool(P, C, s);
    const got = render(two, { x0: 0, y0: 0, sx: 1, sy: 1 / 8 }, 1, 1);
    const [u, f] = [PALETTE[Used].rgb, PALETTE[Free].rgb];
    expect(rgb(got[0])).toEqual([0, 1, 2].map((k) => Math.round((u[k] + f[k]) / 2)));
    expect(render(two, { x0: 0, y0: 0, sx: 1, sy: 1 / 8 }, 1, 1, { mode: 'worst' })[0]).toBe(px(Used));
  });

  it('falls back to proportions where chunk detail is not loaded (never blank)', () => {
    const C = 4,
      s = new Uint8Array(64 * C).fill(Waste);
    const p = { ...pool(64, C, s), detail: (): Uint8Array | undefined => undefined };
    expect(render(p, { x0: 0, y0: 0, sx: 1, sy: 1 }, 4, 4)[0]).toBe(px(Waste));
  });
});

describe('levelFor(pagesPerPx, bandPages, top)', () => {
  it('takes the widest nodes no wider than a pixel, never wider than a band', () => {
    expect(levelFor(0.5, 4096, 10)).toBe(0);
    expect(levelFor(3.9, 4096, 10)).toBe(0);
    expect(levelFor(4, 4096, 10)).toBe(1);
    expect(levelFor(17, 4096, 10)).toBe(2);
    expect(levelFor(1e6, 4096, 10)).toBe(6);
    expect(levelFor(1e6, 8192, 10)).toBe(6);
    expect(levelFor(1e6, 16384, 10)).toBe(7);
    expect(levelFor(1e6, 16384, 3)).toBe(3);
  });
});
