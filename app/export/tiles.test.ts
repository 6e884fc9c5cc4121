import { describe, expect, it } from 'vitest';
import { mapLayout } from '../render/layout';
import { pngName } from './png';
import { MAX_CANVAS_AREA, MAX_CANVAS_SIDE, planTiles } from './tiles';

describe('planTiles(layout)', () => {
  it("is one image where the browser allows one: the seed's pool and 262,144 pages", () => {
    expect(planTiles(mapLayout(4094, 128))).toEqual([
      { bandFirst: 0, bandEnd: 1, pageFirst: 0, pageEnd: 4094, width: 4094, height: 128 },
    ]);
    expect(planTiles(mapLayout(262_144, 128))).toEqual([
      { bandFirst: 0, bandEnd: 16, pageFirst: 0, pageEnd: 262_144, width: 16384, height: 2048 },
    ]);
  });
  it('cuts 4,194,304 pages (32,768 rows) into tiles of whole bands within the limits, covering every page once', () => {
    const tiles = planTiles(mapLayout(4_194_304, 128));
    expect(tiles).toHaveLength(8);
    expect(tiles[0]).toEqual({ bandFirst: 0, bandEnd: 32, pageFirst: 0, pageEnd: 524_288, width: 16384, height: 4096 });
    tiles.forEach((t, i) => {
      expect(t.pageFirst).toBe(i === 0 ? 0 : tiles[i - 1].pageEnd);
      expect(t.height).toBeLessThanOrEqual(MAX_CANVAS_SIDE);
      expect(t.width * t.height).toBeLessThanOrEqual(MAX_CANVAS_AREA);
    });
    expect(tiles[7].pageEnd).toBe(4_194_304);
    // A last band that is not full still ends at the pool's last page.
    expect(planTiles(mapLayout(4_000_000, 128)).at(-1)?.pageEnd).toBe(4_000_000);
  });
  it('says why when a band alone is taller than a PNG may be', () => {
    expect(() => planTiles(mapLayout(10, 40000))).toThrow(/exceeds the 32767-pixel side/);
  });
});

describe('pngName(workload, spec, op, view, part)', () => {
  it('names the whole map as before, a tile by its pages, the view as such', () => {
    const spec = { kind: 'nta' as const, preset: 'blog' as const };
    const v = { highFirst: true, sorted: false };
    expect(pngName('seed-fragmentation', spec, 100, v, { kind: 'whole' })).toBe(
      'fragscope_seed-fragmentation_nta_blog_op100_high-first.png',
    );
    expect(pngName('churn', spec, 0, v, { kind: 'tile', first: 0, last: 524287 })).toBe(
      'fragscope_churn_nta_blog_op0_high-first_pages-0-524287.png',
    );
    expect(pngName('churn', { kind: 'pow2' }, 7, { highFirst: false, sorted: true }, { kind: 'view' })).toBe(
      'fragscope_churn_pow2_default_op7_sorted_view.png',
    );
  });
});
