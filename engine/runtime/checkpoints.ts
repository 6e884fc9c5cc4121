/**
 * Checkpoints: copies of a run's state at some op indices, so that a seek restores
 * the nearest one and replays at most one interval of ops.
 *
 * They are small because they share: an allocator's pages are grouped in segments
 * (engine/core/dirty.ts: 64 pages each) and every segment's state is kept as one
 * run-length coded blob (rle.ts). A checkpoint re-encodes only the segments dirtied
 * since the previous one and points at the previous blobs for the rest, so its
 * cost follows what changed, not the pool's size. Global fields (list heads,
 * counters...) are small and coded whole each time. Restoring writes back only the
 * segments whose content differs from the checkpoint's.
 *
 * A memory budget bounds the blobs: past it, every other checkpoint is dropped (its
 * blobs freed when no other checkpoint uses them) and the interval doubles.
 */
import type { Allocator, StateField } from '../core/types';
import { SEGMENT_PAGES } from '../core/dirty';
import { decodeWords, encodeWords, wordsOf } from './rle';

/** A segment's fields: RLE words where the slice is word aligned, else a raw byte copy. */
interface Blob {
  parts: (Int32Array | Uint8Array)[];
  bytes: number;
  refs: number;
}

interface AllocatorImage {
  segs: Blob[];
  globals: (Int32Array | Uint8Array)[];
}

export interface Checkpoint<Extra> {
  op: number;
  images: AllocatorImage[];
  /** The caller's own state at this op (lanes' slot tables, records, the generator). */
  extra: Extra;
  /** Bytes of the extra part, as the caller estimated it. */
  extraBytes: number;
}

function sliceOf(f: StateField, p0: number, p1: number): ArrayBufferView {
  return f.view.subarray(p0 * f.perPage, p1 * f.perPage);
}

function encode(v: ArrayBufferView): Int32Array | Uint8Array {
  if (v.byteOffset % 4 === 0 && v.byteLength % 4 === 0) return encodeWords(wordsOf(v));
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
}

function decode(code: Int32Array | Uint8Array, v: ArrayBufferView): void {
  if (code instanceof Int32Array) decodeWords(code, wordsOf(v));
  else new Uint8Array(v.buffer, v.byteOffset, v.byteLength).set(code);
}

/** What the store knows of one allocator's live state. */
class Tracker {
  /** The blob equal to each segment's current content, or null when it changed since. */
  current: (Blob | null)[];
  /** Segments marked at or after this epoch changed since the last sync. */
  since: number;
  readonly paged: StateField[];
  readonly global: StateField[];
  /** The blob of every whole segment never written (all zero), once one was encoded. */
  private zero: Blob | null = null;

  constructor(readonly a: Allocator) {
    this.current = new Array<Blob | null>(Math.ceil(a.geometry.pages / SEGMENT_PAGES)).fill(null);
    this.since = 0;
    this.paged = a.fields.filter((f) => f.perPage > 0);
    this.global = a.fields.filter((f) => f.perPage === 0);
  }

  /** Forget the blobs of segments changed since the last call. */
  sync(): void {
    const { segGen } = this.a.dirty;
    const e = this.a.dirty.advance();
    for (let s = 0; s < this.current.length; s++) if (segGen[s] >= this.since) this.current[s] = null;
    this.since = e;
  }

  encodeSegment(s: number): Blob {
    const p0 = s * SEGMENT_PAGES;
    const p1 = Math.min(p0 + SEGMENT_PAGES, this.a.geometry.pages);
    // A whole segment never written since the fresh start is all zero (dirty.ts): every such
    // segment shares one blob, encoded from the first of them, and the others are never read
    // (a virtual pool's untouched pages stay untouched, and a checkpoint costs what was written).
    const virgin = this.a.dirty.segGen[s] === 0 && p1 - p0 === SEGMENT_PAGES;
    if (virgin && this.zero) return this.zero;
    const parts = this.paged.map((f) => encode(sliceOf(f, p0, p1)));
    const blob = { parts, bytes: parts.reduce((n, c) => n + c.byteLength + 16, 64), refs: 0 };
    if (virgin) this.zero = blob;
    return blob;
  }

  decodeSegment(s: number, b: Blob): void {
    const p0 = s * SEGMENT_PAGES;
    const p1 = Math.min(p0 + SEGMENT_PAGES, this.a.geometry.pages);
    this.paged.forEach((f, j) => decode(b.parts[j], sliceOf(f, p0, p1)));
  }
}

export class CheckpointStore<Extra> {
  private readonly trackers: Tracker[];
  private list: Checkpoint<Extra>[] = [];
  /** Bytes of every blob some checkpoint uses, plus globals and extras. */
  bytes = 0;

  constructor(
    allocators: readonly Allocator[],
    /** Op indices between checkpoints (doubles when the budget is exceeded). */
    public interval: number,
    readonly budgetBytes: number,
  ) {
    this.trackers = allocators.map((a) => new Tracker(a));
  }

  get count(): number {
    return this.list.length;
  }

  /** The op index of each checkpoint kept. */
  get ops(): number[] {
    return this.list.map((c) => c.op);
  }

  /** Take a checkpoint at `op` (the caller is quiescent: nothing runs while it copies). */
  take(op: number, extra: Extra, extraBytes: number): void {
    const last = this.list[this.list.length - 1];
    if (last && last.op >= op) return;
    const images = this.trackers.map((t) => {
      t.sync();
      const segs = t.current.map((b, s) => {
        const blob = b ?? t.encodeSegment(s);
        t.current[s] = blob;
        if (blob.refs++ === 0) this.bytes += blob.bytes;
        return blob;
      });
      const globals = t.global.map((f) => encode(f.view));
      this.bytes += globals.reduce((n, g) => n + g.byteLength, 0);
      return { segs, globals };
    });
    this.bytes += extraBytes;
    this.list.push({ op, images, extra, extraBytes });
    if (this.bytes > this.budgetBytes && this.list.length > 2) this.thin();
  }

  /** Drop every other checkpoint (never the first: op 0 is always reachable) and double the interval. */
  private thin(): void {
    const keep: Checkpoint<Extra>[] = [];
    this.list.forEach((c, j) => {
      if (j === 0 || j % 2 === 0 || j === this.list.length - 1) keep.push(c);
      else this.release(c);
    });
    this.list = keep;
    this.interval *= 2;
  }

  private release(c: Checkpoint<Extra>): void {
    for (const img of c.images) {
      for (const b of img.segs) if (--b.refs === 0) this.bytes -= b.bytes;
      this.bytes -= img.globals.reduce((n, g) => n + g.byteLength, 0);
    }
    this.bytes -= c.extraBytes;
  }

  /** The last checkpoint at or before `op`. */
  at(op: number): Checkpoint<Extra> | undefined {
    let best: Checkpoint<Extra> | undefined;
    for (const c of this.list) if (c.op <= op) best = c;
    return best;
  }

  /** Drop the checkpoints after `op` (a trace or an edit made them stale). */
  dropAfter(op: number): void {
    const keep = this.list.filter((c) => c.op <= op);
    for (const c of this.list) if (c.op > op) this.release(c);
    this.list = keep;
  }

  /**
   * Write checkpoint `c`'s allocator state back (the caller restores `extra`). Segments
   * rewritten are marked dirty for other consumers of the dirty marks (the map).
   */
  restore(c: Checkpoint<Extra>): void {
    this.trackers.forEach((t, k) => {
      t.sync();
      const img = c.images[k];
      const { segGen } = t.a.dirty;
      const mark = t.a.dirty.advance();
      img.segs.forEach((b, s) => {
        if (t.current[s] === b) return;
        t.decodeSegment(s, b);
        t.current[s] = b;
        segGen[s] = mark;
      });
      // These marks are ours: the next sync must not take them for changes.
      t.since = mark + 1;
      t.global.forEach((f, j) => decode(img.globals[j], f.view));
    });
  }
}
