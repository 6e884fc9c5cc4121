/**
 * The map's model against real allocators attached as the map worker attaches them: its
 * summaries and fingerprint must equal a recount of the chunk states after any ops, the
 * detail it holds must stay current, and a fresh pool must cost no scan.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAllocator, type AllocatorSpec } from '../../engine/allocators/registry';
import { SEGMENT_PAGES } from '../../engine/core/dirty';
import type { Allocator } from '../../engine/core/types';
import { ABSENT, PageSummaries, SLOTS } from '../render/summaries';
import { MapModel, segmentsInView } from './map-model';
import { mapLayout } from '../render/layout';

const SPECS: AllocatorSpec[] = [
  { kind: 'nta', preset: 'blog', overrides: { regions: 300 } },
  { kind: 'nta', preset: 'patch2', overrides: { maxPages: 600 } },
  { kind: 'pow2', overrides: { pages: 300 } },
];

/** A model built from scratch on the allocator's current states (what the map must agree with). */
function recount(a: Allocator) {
  const g = a.geometry,
    C = g.pageBytes / g.chunkBytes;
  const l = mapLayout(g.pages, C);
  const s = new PageSummaries(g.pages, l.bands * l.bandPages, C);
  s.initVirgin(() => 0);
  const states = new Uint8Array(g.pages * C);
  a.snapshot(states);
  for (let p = 0; p < g.pages; p += SEGMENT_PAGES) {
    const n = Math.min(SEGMENT_PAGES, g.pages - p);
    s.update(p, n, states.subarray(p * C, (p + n) * C));
  }
  return { s, states, C };
}

function sameCounts(m: MapModel, r: PageSummaries): void {
  const got = new Array<number>(SLOTS).fill(0),
    want = new Array<number>(SLOTS).fill(0);
  for (const [a, b] of [
    [0, m.layout.pages],
    [3, 77],
    [64, 65],
    [100, m.summaries.padded],
  ]) {
    got.fill(0);
    want.fill(0);
    m.summaries.addRange(a, b, got);
    r.addRange(a, b, want);
    expect(got).toEqual(want);
  }
  expect(m.summaries.levels[0]).toEqual(r.levels[0]);
  expect(m.summaries.fingerprint()).toBe(r.fingerprint());
}

describe('MapModel(allocator)', () => {
  it('virginState is what pageStates reads on every page never written', () => {
    for (const spec of SPECS) {
      const a = createAllocator(spec, 2);
      const C = a.geometry.pageBytes / a.geometry.chunkBytes;
      const out = new Uint8Array(C);
      for (let p = 0; p < a.geometry.pages; p++) {
        if (a.dirty.segGen[p >>> 6] !== 0) continue;
        a.pageStates(p, 1, out);
        expect(
          out.every((s) => s === a.virginState(p)),
          `${spec.kind} page ${p}`,
        ).toBe(true);
      }
    }
  });

  it('follows any ops through the dirty pages: counts, fingerprint and held detail equal a recount (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SPECS),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 5000 }), fc.nat(1), fc.nat()), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 60 }),
        (spec, ops, every) => {
          const owner = createAllocator(spec, 2);
          // The map attaches to the owner's buffers, as the map worker does.
          const m = new MapModel(createAllocator(spec, 2, owner.buffers, false));
          m.refresh();
          m.ensureDetail([0, 2]);
          const live: [number, number][] = [];
          ops.forEach(([alloc, bytes, cpu, pick], i) => {
            if (alloc || live.length === 0) {
              const at = owner.alloc(cpu, bytes);
              if (at >= 0) live.push([at, bytes]);
            } else {
              const [at, n] = live.splice(pick % live.length, 1)[0];
              owner.free(cpu, at, n);
            }
            if (i % every === 0) m.refresh();
          });
          m.refresh();
          const r = recount(owner);
          sameCounts(m, r.s);
          for (const seg of [0, 2]) {
            const d = m.detailOf(seg);
            const first = seg * SEGMENT_PAGES * r.C;
            if (d) expect(d).toEqual(r.states.subarray(first, first + d.length));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a fresh pool of 1,048,576 pages reads only the segments of the zone block heads (pow2), and counts every page as unheld', () => {
    const a = createAllocator({ kind: 'pow2', overrides: { pages: 1_048_576 } }, 1);
    const m = new MapModel(a);
    // The zone's fresh blocks (1,024 of 1,024 pages) have their heads written, one segment each:
    // a written segment is read once (what was never written is known without reading it).
    expect(m.refresh()).toBe(1024 * SEGMENT_PAGES);
    expect(m.refresh()).toBe(1024 * SEGMENT_PAGES);
    expect(m.refresh()).toBe(0);
    expect(m.summaries.total(0)).toBe(1_048_576 * 128);
    expect(m.summaries.total(ABSENT)).toBe(0);
    // One allocation: the segments it wrote, not the pool. Its page comes from splitting the first
    // 1,024-page block: the halves left free get their heads written at pages 512, 256, 128, 64
    // (four segments) and 32..1 (the allocation's own), and the next block's list link (page 1024).
    a.alloc(0, 100);
    const wrote = 6 * SEGMENT_PAGES;
    expect(m.refresh()).toBe(wrote);
    // Read once more (the protocol's ">=": a write may have read the epoch just before an advance), then never.
    expect(m.refresh()).toBe(wrote);
    expect(m.refresh()).toBe(0);
  });

  it('drops the least recently used detail past its budget and refuses a view larger than it', () => {
    const a = createAllocator({ kind: 'pow2', overrides: { pages: 1_048_576 } }, 1);
    const m = new MapModel(a);
    const max = m.maxDetailSegments;
    expect(m.ensureDetail(Array.from({ length: max + 1 }, (_, i) => i))).toBe(false);
    expect(m.ensureDetail(Array.from({ length: max }, (_, i) => i))).toBe(true);
    expect(m.ensureDetail([max, max + 1])).toBe(true);
    expect(m.detailSegments).toBe(max);
    expect(m.detailOf(0)).toBeUndefined();
    expect(m.detailOf(max + 1)).toBeDefined();
  });
});

describe('MapModel.hover(query, highFirst)', () => {
  it('gives the pages under a pixel per band with their totals, and the cell under the pointer', () => {
    // Bands of 4096: 3 bands. Whole 1,024-page zone blocks, so the first one handed out is page 0's.
    const a = createAllocator({ kind: 'pow2', overrides: { pages: 9216 } }, 1);
    const m = new MapModel(a);
    const at = a.alloc(0, 1000); // a 1024-byte slot on page 0: 32 chunks
    m.refresh();
    // A pixel over columns 0..15 and rows 0..255: bands 0 and 1.
    const r = m.hover({ ix0: 0, ix1: 16, iy0: 0, iy1: 256, cx: 0.5, cy: 3.5 }, false);
    expect(r.ranges).toEqual([
      { first: 0, end: 16 },
      { first: 4096, end: 4112 },
    ]);
    expect(r.totals.reduce((x, y) => x + y, 0)).toBe(32 * 128);
    expect(r.totals[2] + r.totals[3]).toBe(32); // used and rounding waste: the 1024-byte slot
    expect(r.cell?.page).toBe(0);
    expect(r.cell?.chunk).toBe(3);
    expect(r.cell?.states[3]).toBe(2);
    expect(at).toBe(a.geometry.baseAddress);
    // highFirst: row 3 shows the chunk 124; past the pool (band 2, column 1100: page 9292): no pages.
    expect(m.hover({ ix0: 0, ix1: 1, iy0: 3, iy1: 4, cx: 0.5, cy: 3.5 }, true).cell?.chunk).toBe(124);
    const past = m.hover({ ix0: 1100, ix1: 1101, iy0: 260, iy1: 261, cx: 1100.5, cy: 260.5 }, false);
    expect(past.ranges).toEqual([]);
    expect(past.cell?.page).toBe(-1);
  });
});

describe('segmentsInView(layout, x0, x1, b0, b1)', () => {
  it('lists the segments of the pages under the columns of each band, clipped to the pool', () => {
    const l = mapLayout(5000, 128); // bands of 4096
    expect(segmentsInView(l, 0, 64, 0, 0)).toEqual([0]);
    expect(segmentsInView(l, 60, 130, 0, 1)).toEqual([0, 1, 2, 64, 65, 66]);
    expect(segmentsInView(l, 1000, 4096, 1, 1)).toEqual([]); // past page 4999
    expect(segmentsInView(l, 900, 910, 1, 5)).toEqual([78]);
  });
});
