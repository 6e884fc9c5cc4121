/**
 * What a map knows of one allocator (no DOM: the map worker holds one, tests drive it in Node):
 * the allocator attached to its shared buffers, per-page summaries kept up to date from its
 * dirty segments, and the chunk detail of the pages in view.
 *
 * refresh() follows the dirty-page protocol (engine/core/dirty.ts): advance the epoch, read
 * every segment stamped at or after the previous one, fold it into the summaries (and into
 * the detail it holds). The first refresh reads every segment ever written; pages never
 * written are what virginState says, so a fresh pool of millions of pages costs no scan.
 * Nothing is ever rescanned whole: the cost follows what changed.
 */
import { SEGMENT_PAGES, SEGMENT_SHIFT } from '../../engine/core/dirty';
import type { Allocator } from '../../engine/core/types';
import { ABSENT, DETAIL_BYTES, PageSummaries, SLOTS } from '../render/summaries';
import { bandPages, cellAt, mapLayout, type MapLayout } from '../render/layout';
import type { HoverQuery, HoverReply } from './map-protocol';

/** Pages read per pageStates call while refreshing (whole segments). */
const STRIPE_PAGES = 64 * SEGMENT_PAGES;
export class MapModel {
  readonly layout: MapLayout;
  readonly summaries: PageSummaries;
  readonly chunksPerPage: number;
  /** Detail by segment, least recently used first (a Map keeps insertion order). */
  private readonly detail = new Map<number, Uint8Array>();
  readonly maxDetailSegments: number;
  private since = 0;
  private readonly scratch: Uint8Array;

  constructor(readonly allocator: Allocator) {
    const g = allocator.geometry;
    const C = g.pageBytes / g.chunkBytes;
    this.chunksPerPage = C;
    this.layout = mapLayout(g.pages, C);
    this.summaries = new PageSummaries(g.pages, this.layout.bands * this.layout.bandPages, C);
    this.summaries.initVirgin((p) => allocator.virginState(p));
    this.scratch = new Uint8Array(STRIPE_PAGES * C);
    this.maxDetailSegments = Math.max(1, Math.floor(DETAIL_BYTES / (SEGMENT_PAGES * C)));
  }

  /** Fold every page written since the last refresh into the summaries; returns the pages read. */
  refresh(): number {
    const a = this.allocator;
    const e = a.dirty.advance();
    let read = 0;
    a.dirty.dirtySince(this.since, (first, count) => {
      for (let p = first; p < first + count; p += STRIPE_PAGES) {
        const n = Math.min(STRIPE_PAGES, first + count - p);
        const states = this.scratch.subarray(0, n * this.chunksPerPage);
        a.pageStates(p, n, states);
        this.summaries.update(p, n, states);
        this.keepDetail(p, n, states);
        read += n;
      }
    });
    this.since = e;
    return read;
  }

  /** Segments in [p, p + n) that are held as detail take the states just read. */
  private keepDetail(p: number, n: number, states: Uint8Array): void {
    if (this.detail.size === 0) return;
    const C = this.chunksPerPage;
    for (let s = p >>> SEGMENT_SHIFT; s << SEGMENT_SHIFT < p + n; s++) {
      const d = this.detail.get(s);
      if (!d) continue;
      const o = ((s << SEGMENT_SHIFT) - p) * C;
      d.set(states.subarray(o, o + d.length));
    }
  }

  /**
   * Load the detail of these segments (read now) and keep it up to date from then on; false when
   * they are more than the detail budget (the map then draws proportions). Least recently used
   * segments beyond the budget are dropped.
   */
  ensureDetail(segments: readonly number[]): boolean {
    if (segments.length > this.maxDetailSegments) return false;
    const C = this.chunksPerPage,
      pages = this.layout.pages;
    for (const s of segments) {
      const first = s << SEGMENT_SHIFT;
      if (first >= pages) continue;
      let d = this.detail.get(s);
      if (d) this.detail.delete(s);
      else {
        const n = Math.min(SEGMENT_PAGES, pages - first);
        d = new Uint8Array(n * C);
        this.allocator.pageStates(first, n, d);
      }
      this.detail.set(s, d);
    }
    for (const s of this.detail.keys()) {
      if (this.detail.size <= this.maxDetailSegments) break;
      this.detail.delete(s);
    }
    return true;
  }

  /** The held detail of segment `s`, or undefined. */
  detailOf(s: number): Uint8Array | undefined {
    return this.detail.get(s);
  }

  /** Segments held as detail now. */
  get detailSegments(): number {
    return this.detail.size;
  }

  /** Chunk states of one page read now (for hovers). */
  pageStates(page: number): Uint8Array {
    const out = new Uint8Array(this.chunksPerPage);
    this.allocator.pageStates(page, 1, out);
    return out;
  }

  /**
   * What a device pixel covers (image rectangle of the query): the pages under it, one range per
   * band, with their chunks per state; and the cell under the pointer with its page's states now.
   */
  hover(q: HoverQuery, highFirst: boolean): HoverReply {
    const L = this.layout,
      C = L.chunksPerPage;
    const ranges: HoverReply['ranges'] = [];
    const totals = new Array<number>(SLOTS).fill(0);
    const b0 = Math.max(0, Math.floor(q.iy0 / C)),
      b1 = Math.min(L.bands - 1, Math.floor((q.iy1 - 1e-9) / C));
    for (let b = b0; b <= b1; b++) {
      // At least the column under the pixel's left edge: a pixel narrower than a page is in one.
      const r = bandPages(L, b, q.ix0, Math.max(q.ix1, Math.floor(q.ix0) + 1));
      if (!r) continue;
      ranges.push(r);
      this.summaries.addRange(r.first, r.end, totals);
    }
    totals[ABSENT] = 0;
    const c = cellAt(L, q.cx, q.cy, highFirst);
    const cell = !c
      ? null
      : c.page >= 0
        ? { page: c.page, chunk: c.chunk, states: this.pageStates(c.page) }
        : { page: -1, chunk: c.chunk, states: new Uint8Array(0) };
    return { ranges, totals, cell };
  }
}

/** Segments of the pages in image columns [x0, x1) of bands [b0, b1] (the pages a view shows). */
export function segmentsInView(l: MapLayout, x0: number, x1: number, b0: number, b1: number): number[] {
  const out: number[] = [];
  const c0 = Math.max(0, Math.floor(x0)),
    c1 = Math.min(l.width, Math.ceil(x1));
  if (c1 <= c0) return out;
  for (let b = Math.max(0, b0); b <= Math.min(l.bands - 1, b1); b++) {
    const first = b * l.bandPages + c0,
      end = Math.min(l.pages, b * l.bandPages + c1);
    for (let s = first >>> SEGMENT_SHIFT; s << SEGMENT_SHIFT < end; s++) out.push(s);
  }
  return out;
}
