/**
 * Per-page summaries of a pool and a pyramid over them (pure, no DOM): what the map draws
 * from when it cannot show every chunk, and what its fingerprint is made of.
 *
 * Level 0 holds, per page, how many of its chunks are in each ChunkState (slots 0..8) and
 * ABSENT (slot 9: the cells of the last band past the pool's last page, so the renderer never
 * special-cases them). Level l node n sums the 4 nodes 4n..4n+3 of level l-1, so it covers
 * pages [n*4^l, (n+1)*4^l); each level's counters are as narrow as its largest count allows
 * (a 4,194,304-page pool of 128 chunks takes about 54 MiB in all). No level ever holds
 * chunks: chunk detail is kept only for the pages in view (detail.ts).
 *
 * Updates come a page range at a time (dirty segments): level 0 is rewritten from the
 * states and only the ancestors of those pages are summed again.
 *
 * The fingerprint is a sum over 64-page segments of a mix of the segment's index and a hash of
 * its pages in order (FNV-1a of each page's chunk states, chained), mod 2^32, kept per segment,
 * so it follows the content alone: a page never written and a page written back to the same
 * states count the same. Per segment and not per page so that a virgin pool is hashed a
 * segment at a time: a whole segment in one state has one hash, known in advance.
 */
import { SEGMENT_SHIFT as SEGMENT_SHIFT_ } from '../../engine/core/dirty';
import { mapLayout } from './layout';

// A module-local copy: an imported binding may compile to a getter (tsx, Vitest) that hot loops must not call.
const SEGMENT_SHIFT = SEGMENT_SHIFT_;

/** Slots per page: ChunkState codes 0..8 (engine/core/types.ts) and ABSENT. */
export const SLOTS = 10;
export const ABSENT = 9;
/** The slot of a state byte: itself, or ABSENT for a code no allocator writes (never out of range). */
export const SLOT_OF = Uint8Array.from({ length: 256 }, (_, v) => (v < ABSENT ? v : ABSENT));
/** log2 of the pyramid's fan-out (4 children per node). */
export const FANOUT_SHIFT = 2;

export type Counts = Uint8Array | Uint16Array | Uint32Array;

/** Bytes per counter for counts up to `max`. */
const widthFor = (max: number): number => (max <= 0xff ? 1 : max <= 0xffff ? 2 : 4);

function countsArray(n: number, max: number): Counts {
  const w = widthFor(max);
  return w === 1 ? new Uint8Array(n) : w === 2 ? new Uint16Array(n) : new Uint32Array(n);
}

/** Nodes of each level, level 0 first (`padded` pages at level 0, one node at the top). */
function levelNodes(padded: number): number[] {
  const out = [padded];
  while (out[out.length - 1] > 1) out.push(Math.ceil(out[out.length - 1] / (1 << FANOUT_SHIFT)));
  return out;
}

const FNV_OFFSET = 0x811c9dc5,
  FNV_PRIME = 0x01000193;

/** The next link of a segment's hash chain: page hash `h` after the chain so far. */
const chain = (acc: number, h: number): number => Math.imul(acc ^ h, FNV_PRIME);

/** A segment's contribution to the fingerprint: its chained hash mixed with its index (murmur3's finaliser). */
function mixSegment(segment: number, h: number): number {
  let x = (h ^ Math.imul(segment + 1, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export class PageSummaries {
  /** Levels 0..top; levels[l][node * SLOTS + slot]. */
  readonly levels: Counts[] = [];
  readonly segHash: Uint32Array;
  private hashSum = 0;
  /** FNV-1a of a page whose C chunks all hold code v. */
  private readonly uniformHash = new Uint32Array(256);
  /** The chained hash of a whole segment whose pages are all uniformHash[v]. */
  private readonly uniformSegment = new Uint32Array(256);
  /** Per state byte (256: no masking in the hot loop); folded into SLOTS by SLOT_OF. */
  private readonly cnt = new Uint32Array(256);
  /** Nothing was written since construction: the levels are still zero (no need to touch them twice). */
  private blank = true;

  /**
   * `pages` of the pool, `padded` >= pages (whole bands: the pages past the pool are ABSENT),
   * `chunksPerPage` chunks each.
   */
  constructor(
    readonly pages: number,
    readonly padded: number,
    readonly chunksPerPage: number,
  ) {
    levelNodes(padded).forEach((nodes, l) =>
      this.levels.push(countsArray(nodes * SLOTS, chunksPerPage * PageSummaries.span(l))),
    );
    this.segHash = new Uint32Array(Math.ceil(padded / (1 << SEGMENT_SHIFT)));
    for (let v = 0; v < 256; v++) {
      let h = FNV_OFFSET;
      for (let c = 0; c < chunksPerPage; c++) h = Math.imul(h ^ v, FNV_PRIME);
      this.uniformHash[v] = h >>> 0;
      let g = FNV_OFFSET;
      for (let p = 0; p < 1 << SEGMENT_SHIFT; p++) g = chain(g, this.uniformHash[v]);
      this.uniformSegment[v] = g >>> 0;
    }
  }

  /** Bytes the summaries of `padded` pages take (what the app's memory estimate counts). */
  static bytesFor(padded: number, chunksPerPage: number): number {
    const levels = levelNodes(padded).reduce(
      (n, nodes, l) => n + nodes * SLOTS * widthFor(chunksPerPage * PageSummaries.span(l)),
      0,
    );
    return levels + 4 * Math.ceil(padded / (1 << SEGMENT_SHIFT));
  }

  get top(): number {
    return this.levels.length - 1;
  }

  /** Pages a node of level `l` covers. */
  static span(l: number): number {
    return 1 << (FANOUT_SHIFT * l);
  }

  /**
   * Every page as never written: each chunk in state `virgin(page)`; then the pyramid. A virgin
   * pool is a few runs of one state (an allocator's initial pages, its growth capacity, the
   * padding), so each level is filled a run at a time (one counter per node) and only the nodes
   * across a run's edge are summed from their children: no per-node summing over millions of
   * pages on the way to a first picture. The per-page loop left is the fingerprint's.
   */
  initVirgin(virgin: (page: number) => number): void {
    if (!this.blank) for (const L of this.levels) L.fill(0);
    this.blank = false;
    const seg = this.segHash,
      pages = this.pages,
      SEG = 1 << SEGMENT_SHIFT;
    seg.fill(0);
    /** First page of each run after the first, then the last page (the levels' last nodes may be partial). */
    const edges: number[] = [];
    for (let p = 0; p < pages;) {
      const v = virgin(p) & 255;
      let q = p + 1;
      while (q < pages && (virgin(q) & 255) === v) q++;
      this.fillRun(p, q, SLOT_OF[v]);
      // Whole segments inside the run: their hash is known; a segment across an edge is hashed page by page.
      for (let s = Math.ceil(p / SEG); (s + 1) * SEG <= q; s++) seg[s] = mixSegment(s, this.uniformSegment[v]);
      if (p % SEG !== 0) this.hashVirginSegment(p >>> SEGMENT_SHIFT, virgin);
      if (q % SEG !== 0) this.hashVirginSegment(q >>> SEGMENT_SHIFT, virgin);
      if (p > 0) edges.push(p);
      p = q;
    }
    if (pages < this.padded) {
      this.fillRun(pages, this.padded, ABSENT);
      if (pages > 0) edges.push(pages);
    }
    edges.push(this.padded - 1);
    let sum = 0;
    for (let s = 0; s < seg.length; s++) sum = (sum + seg[s]) >>> 0;
    this.hashSum = sum;
    // In increasing order: a node across several edges is summed last at its last edge, when its
    // children across the earlier ones are already right.
    for (const e of edges) this.rebuild(e, e + 1);
  }

  /** Segment `s`'s hash from the virgin state of each of its pages (pages past the pool add nothing). */
  private hashVirginSegment(s: number, virgin: (page: number) => number): void {
    const first = s << SEGMENT_SHIFT,
      end = Math.min(this.pages, first + (1 << SEGMENT_SHIFT));
    let g = FNV_OFFSET;
    for (let p = first; p < end; p++) g = chain(g, this.uniformHash[virgin(p) & 255]);
    this.segHash[s] = mixSegment(s, g >>> 0);
  }

  /**
   * Pages [a, b) all in `slot`: every node of every level that lies wholly inside gets its count
   * (levels zeroed before). One node is written, then copied over the rest by doubling
   * (copyWithin is a memmove: millions of nodes cost a few milliseconds, not a store each).
   */
  private fillRun(a: number, b: number, slot: number): void {
    const C = this.chunksPerPage;
    this.levels.forEach((L, l) => {
      const span = PageSummaries.span(l),
        n0 = Math.ceil(a / span),
        n1 = Math.floor(b / span);
      if (n1 <= n0) return;
      const start = n0 * SLOTS,
        end = n1 * SLOTS;
      L.fill(0, start, start + SLOTS);
      L[start + slot] = C * span;
      for (let done = SLOTS; start + done < end; done *= 2)
        L.copyWithin(start + done, start, start + Math.min(done, end - start - done));
    });
  }

  /**
   * Pages [first, first + count) now hold `states` (count * C state bytes from index 0);
   * `first` and `count` must cover whole dirty segments (or run to the end of the pool).
   */
  update(first: number, count: number, states: Uint8Array): void {
    const C = this.chunksPerPage,
      L0 = this.levels[0],
      cnt = this.cnt;
    this.blank = false;
    const SEG = 1 << SEGMENT_SHIFT;
    if (first % SEG !== 0 || (count % SEG !== 0 && first + count !== this.pages))
      throw new Error(`PageSummaries.update: pages ${first}+${count} are not whole ${SEG}-page segments`);
    if (states.length < count * C) throw new Error(`PageSummaries.update: ${states.length} states, need ${count * C}`);
    const words =
      C % 4 === 0 && states.byteOffset % 4 === 0
        ? new Uint32Array(states.buffer, states.byteOffset, (count * C) >>> 2)
        : null;
    const segFirst = first >>> SEGMENT_SHIFT,
      segEnd = ((first + count - 1) >>> SEGMENT_SHIFT) + 1;
    for (let s = segFirst; s < segEnd; s++) this.hashSum = (this.hashSum - this.segHash[s]) >>> 0;
    let g = FNV_OFFSET;
    for (let i = 0; i < count; i++) {
      const p = first + i,
        base = i * C,
        v = states[base];
      let uniform = true;
      if (words) {
        const w = Math.imul(v, 0x01010101) >>> 0,
          wb = base >>> 2;
        for (let k = 0; k < C >>> 2; k++)
          if (words[wb + k] !== w) {
            uniform = false;
            break;
          }
      } else {
        for (let c = 1; c < C; c++)
          if (states[base + c] !== v) {
            uniform = false;
            break;
          }
      }
      const o = p * SLOTS;
      let h: number;
      if (uniform) {
        for (let k = 0; k < SLOTS; k++) L0[o + k] = 0;
        L0[o + SLOT_OF[v]] = C;
        h = this.uniformHash[v];
      } else {
        // Only the codes allocators write are cleared and read; any other lands in ABSENT (the rest of C).
        cnt.fill(0, 0, ABSENT);
        h = FNV_OFFSET;
        for (let c = 0; c < C; c++) {
          const b = states[base + c];
          cnt[b]++;
          h = Math.imul(h ^ b, FNV_PRIME);
        }
        let known = 0;
        for (let k = 0; k < ABSENT; k++) known += L0[o + k] = cnt[k];
        L0[o + ABSENT] = C - known;
        h >>>= 0;
      }
      // Whole segments, or the pool's last pages: a segment's chain ends at its last page or the update's.
      g = chain(g, h);
      if (((p + 1) & (SEG - 1)) === 0 || i === count - 1) {
        this.segHash[p >>> SEGMENT_SHIFT] = mixSegment(p >>> SEGMENT_SHIFT, g >>> 0);
        g = FNV_OFFSET;
      }
    }
    for (let s = segFirst; s < segEnd; s++) this.hashSum = (this.hashSum + this.segHash[s]) >>> 0;
    this.rebuild(first, first + count);
  }

  /** Sum the ancestors of pages [first, end) again from their children. */
  private rebuild(first: number, end: number): void {
    let a = first,
      b = end;
    for (let l = 1; l < this.levels.length; l++) {
      const child = this.levels[l - 1],
        node = this.levels[l],
        children = child.length / SLOTS;
      a >>>= FANOUT_SHIFT;
      b = ((b - 1) >>> FANOUT_SHIFT) + 1;
      for (let n = a; n < b; n++) {
        const o = n * SLOTS;
        for (let k = 0; k < SLOTS; k++) node[o + k] = 0;
        const c0 = n << FANOUT_SHIFT,
          c1 = Math.min(children, c0 + (1 << FANOUT_SHIFT));
        for (let c = c0; c < c1; c++) {
          const co = c * SLOTS;
          for (let k = 0; k < SLOTS; k++) node[o + k] += child[co + k];
        }
      }
    }
  }

  /** Add the counts of pages [first, end) per slot to `out` (O(log pages) nodes). */
  addRange(first: number, end: number, out: Float64Array | Uint32Array | number[]): void {
    let a = Math.max(0, first),
      b = Math.min(this.padded, end);
    for (let l = 0; a < b; l++) {
      const L = this.levels[l];
      const add = (n: number) => {
        for (let k = 0; k < SLOTS; k++) out[k] += L[n * SLOTS + k];
      };
      if (l === this.top) {
        for (let n = a; n < b; n++) add(n);
        break;
      }
      while (a < b && a & 3) add(a++);
      while (a < b && b & 3) add(--b);
      a >>>= FANOUT_SHIFT;
      b >>>= FANOUT_SHIFT;
    }
  }

  /** Chunks of the whole pool in `slot`. */
  total(slot: number): number {
    return this.levels[this.top][slot];
  }

  /** The fingerprint of every chunk state of the pool (8 hex digits). */
  fingerprint(): string {
    return (this.hashSum >>> 0).toString(16).padStart(8, '0');
  }
}

/** Chunk detail kept at most (bytes): the pages of a few bands at 128 chunks a page. */
export const DETAIL_BYTES = 32 * 2 ** 20;

/** Memory one map takes at most for a pool of `pages` pages of `chunksPerPage` chunks: summaries and detail. */
export function mapBytes(pages: number, chunksPerPage: number): number {
  const l = mapLayout(pages, chunksPerPage);
  const detail = Math.min(DETAIL_BYTES, pages * chunksPerPage);
  return PageSummaries.bytesFor(l.bands * l.bandPages, chunksPerPage) + detail;
}
