/**
 * pow2's per-CPU "held pages" bit tree: finds a CPU's lowest unheld page in O(levels), so no
 * allocation scans pages, however big the pool.
 *
 * Level 0 has one bit per page of the CPU (bit i of word i >>> 5: page first + i is held);
 * a bit of level k + 1 is set iff word j of level k is full (all 32 bits set). The top level
 * is one word. All zero means "nothing held", the state of a fresh pool: a new instance writes
 * nothing. Bits past the CPU's page count stay 0, so a search that finds one found nothing.
 *
 * The words of all levels of one CPU lie at [cpu * stride, (cpu + 1) * stride) of one
 * Uint32Array, level 0 first (stride padded to whole cache lines). Callers hold the CPU's lock.
 */

const FULL = 0xffffffff;
const LINE_WORDS = 16;

export class HeldTree {
  /** Words per level, level 0 first; offsets of each level in a CPU's words. */
  readonly sizes: number[] = [];
  readonly offsets: number[] = [];
  readonly stride: number;

  /** A tree shape for CPUs of at most `pages` pages. */
  constructor(readonly pages: number) {
    let words = Math.max(1, Math.ceil(pages / 32)),
      at = 0;
    for (;;) {
      this.sizes.push(words);
      this.offsets.push(at);
      at += words;
      if (words === 1) break;
      words = Math.ceil(words / 32);
    }
    this.stride = Math.ceil(at / LINE_WORDS) * LINE_WORDS;
  }

  /** Mark page i of the CPU whose words start at `base` held. */
  set(t: Uint32Array, base: number, i: number): void {
    for (let level = 0; level < this.sizes.length; level++) {
      const w = base + this.offsets[level] + (i >>> 5);
      const x = (t[w] | (1 << (i & 31))) >>> 0;
      t[w] = x;
      if (x !== FULL) return;
      i >>>= 5; // the word is full: set its bit one level up
    }
  }

  /** Mark page i unheld. */
  clear(t: Uint32Array, base: number, i: number): void {
    for (let level = 0; level < this.sizes.length; level++) {
      const w = base + this.offsets[level] + (i >>> 5);
      const x = t[w];
      t[w] = x & ~(1 << (i & 31));
      if (x !== FULL) return; // the word was not full: the levels above did not count it
      i >>>= 5;
    }
  }

  /** Is page i held? */
  held(t: Uint32Array, base: number, i: number): boolean {
    return ((t[base + (i >>> 5)] >>> (i & 31)) & 1) === 1;
  }

  /** The lowest unheld page index below `count`, or -1. */
  lowestUnheld(t: Uint32Array, base: number, count: number): number {
    let idx = 0;
    for (let level = this.sizes.length - 1; level >= 0; level--) {
      if (idx >= this.sizes[level]) return -1;
      const free = ~t[base + this.offsets[level] + idx]; // set where not full / not held
      if (free === 0) return -1;
      idx = (idx << 5) + 31 - Math.clz32(free & -free);
    }
    return idx < count ? idx : -1;
  }
}
