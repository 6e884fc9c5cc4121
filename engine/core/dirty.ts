/**
 * Dirty pages: which 64-page segments an allocator has written, and since when, so that a
 * checkpoint copies only the pages that changed and a map renderer redraws only those.
 *
 * Layout (a buffer of its own, the last of Allocator.buffers; not an allocator field: restoring
 * a checkpoint must not move it back):
 *   byte 0    i32           epoch: starts at 1; only advance() changes it (Atomics.add)
 *   byte 64   i32[segments] segGen: segGen[s] = the epoch an allocator read when it last wrote
 *                           any page-major field of pages 64s .. 64s+63; 0 = never written
 * (the epoch has a cache line of its own: every op of every CPU reads it, only consumers write it)
 *
 * Protocol
 * - Writers (the allocator, on any CPU's thread): whenever it writes any per-page or per-chunk
 *   state of page p it stores `segGen[p >>> 6] = epoch`, the epoch read with a plain load: a
 *   load and a store per write site, no atomics on the hot path. Pages never written keep 0
 *   (a virtual pool's untouched pages).
 * - Consumers (the checkpointer, the map renderer), each remembering `since` (0 at first, so the
 *   first visit sees every segment ever written): `const e = dirty.advance()` (the epoch that was
 *   current; later writes stamp e + 1 or more), then visit every segment with
 *   `segGen[s] >= since` (dirtySince), then `since = e`.
 *   ">=" and not ">": a write that read the epoch just before this consumer's previous advance
 *   stamps exactly `since`, and it may have landed after that visit read its pages.
 * - Exact when the writers are quiescent during the visit (lockstep checkpoints). While
 *   writers run (free-running), a visit can miss a write that read the epoch before ANOTHER
 *   consumer's advance and landed after this consumer's scan; that segment is seen at its next
 *   write. Consumers needing exactness visit at a quiescent point.
 */
import { allocateBuffer, allocateBuffers, LINE, zeroBuffers, type Field, type LayoutPlan } from './layout';

/** Pages per segment (log2): a checkpoint's or a redraw's unit. */
export const SEGMENT_SHIFT = 6;
export const SEGMENT_PAGES = 1 << SEGMENT_SHIFT;

export class DirtyPages {
  readonly buffer: ArrayBufferLike;
  /** epoch[0]: the current epoch. */
  readonly epoch: Int32Array;
  /** Per segment: the epoch of its last write, 0 = never written. */
  readonly segGen: Int32Array;
  readonly segments: number;
  readonly pages: number;

  static bytesNeeded(pages: number): number {
    return LINE + Math.ceil((4 * Math.ceil(pages / SEGMENT_PAGES)) / LINE) * LINE;
  }

  /** `buffer`: attach (init false) or start afresh (init true) on another instance's buffer; default: a new one. */
  constructor(pages: number, buffer?: ArrayBufferLike, init = true) {
    this.pages = pages;
    this.segments = Math.ceil(pages / SEGMENT_PAGES);
    const bytes = DirtyPages.bytesNeeded(pages);
    this.buffer = buffer ?? allocateBuffer(bytes);
    if (this.buffer.byteLength < bytes)
      throw new Error(`dirty-page buffer too small: ${this.buffer.byteLength} bytes, ${pages} pages need ${bytes}`);
    this.epoch = new Int32Array(this.buffer, 0, 1);
    this.segGen = new Int32Array(this.buffer, LINE, this.segments);
    if (init) {
      if (buffer) this.segGen.fill(0);
      Atomics.store(this.epoch, 0, 1);
    }
  }

  /** Writers: page `page` was just written (the allocators inline this). */
  mark(page: number): void {
    this.segGen[page >>> SEGMENT_SHIFT] = this.epoch[0];
  }

  /** Consumers: start a new epoch; returns the one that was current (the next `since`). */
  advance(): number {
    return Atomics.add(this.epoch, 0, 1);
  }

  /** Consumers: each run of segments written at or after epoch `since`, as pages [first, first + count). */
  dirtySince(since: number, visit: (firstPage: number, count: number) => void): void {
    const g = this.segGen;
    for (let s = 0; s < this.segments; s++) {
      if (g[s] < since || g[s] === 0) continue;
      let e = s + 1;
      while (e < this.segments && g[e] >= since && g[e] !== 0) e++;
      const first = s * SEGMENT_PAGES;
      visit(first, Math.min(e * SEGMENT_PAGES, this.pages) - first);
      s = e;
    }
  }
}

/**
 * An allocator's buffers: its layout's (fresh ones, or `given` attached, or `given` zeroed for
 * a fresh start when `init`), then the dirty-page buffer: Allocator.buffers in that order.
 */
export function allocatorBuffers<T extends Record<string, Field>>(
  plan: LayoutPlan<T>,
  pages: number,
  given: readonly ArrayBufferLike[] | undefined,
  init: boolean,
): { layout: ArrayBufferLike[]; dirty: DirtyPages; all: ArrayBufferLike[] } {
  const n = plan.byteLengths.length;
  if (given && given.length !== n + 1)
    throw new Error(`${given.length} buffers given, expected ${n + 1} (${n} of state, 1 of dirty pages)`);
  const layout = given ? given.slice(0, n) : allocateBuffers(plan);
  if (given && init) zeroBuffers(layout);
  const dirty = new DirtyPages(pages, given?.[n], init);
  return { layout, dirty, all: [...layout, dirty.buffer] };
}
