/**
 * Live pointers -> slots, keyed by the pointer's value as two 32-bit halves, in typed
 * arrays (open addressing, linear probing). A trace names millions of pointers: a Map
 * keyed by their text would hash a fresh string per event, and every key kept would hold
 * on to the whole chunk of text it was cut from (V8 keeps a substring's parent alive).
 * Pointers are parsed from the text without making strings (PtrParser).
 */

/** A value a map may hold besides slots: a block a forked process inherited (trace-valgrind.ts). */
export const INHERITED = 0x7fffffff;
const EMPTY = -1,
  TOMB = -2;

export class PtrMap {
  private hi: Int32Array;
  private lo: Int32Array;
  private val: Int32Array;
  private mask: number;
  /** Live entries; `used` counts tombstones too (what makes probing long). */
  size = 0;
  private used = 0;

  constructor(capacity = 1024) {
    const n = 2 ** Math.ceil(Math.log2(Math.max(16, capacity * 2)));
    this.hi = new Int32Array(n);
    this.lo = new Int32Array(n);
    this.val = new Int32Array(n).fill(EMPTY);
    this.mask = n - 1;
  }

  private slot(h: number, l: number): number {
    let x = Math.imul(l ^ Math.imul(h, 0x9e3779b1), 0x85ebca6b);
    x ^= x >>> 15;
    return x & this.mask;
  }

  /** The value under (h, l), or -1. */
  get(h: number, l: number): number {
    const v = this.val;
    for (let i = this.slot(h, l); ; i = (i + 1) & this.mask) {
      const x = v[i];
      if (x === EMPTY) return -1;
      if (x !== TOMB && this.lo[i] === l && this.hi[i] === h) return x;
    }
  }

  /** Set (h, l) to `value` (>= 0). */
  set(h: number, l: number, value: number): void {
    const v = this.val;
    let tomb = -1;
    let i = this.slot(h, l);
    for (; ; i = (i + 1) & this.mask) {
      const x = v[i];
      if (x === EMPTY) break;
      if (x === TOMB) {
        if (tomb < 0) tomb = i;
      } else if (this.lo[i] === l && this.hi[i] === h) {
        v[i] = value;
        return;
      }
    }
    if (tomb >= 0) i = tomb;
    else this.used++;
    this.hi[i] = h;
    this.lo[i] = l;
    v[i] = value;
    this.size++;
    if (this.used * 2 > this.mask) this.rehash();
  }

  /** Remove (h, l); its value, or -1. */
  delete(h: number, l: number): number {
    const v = this.val;
    for (let i = this.slot(h, l); ; i = (i + 1) & this.mask) {
      const x = v[i];
      if (x === EMPTY) return -1;
      if (x !== TOMB && this.lo[i] === l && this.hi[i] === h) {
        v[i] = TOMB;
        this.size--;
        return x;
      }
    }
  }

  /** Every live value (any order). */
  forEachValue(f: (value: number) => void): void {
    for (let i = 0; i <= this.mask; i++) if (this.val[i] >= 0) f(this.val[i]);
  }

  /** A copy whose every value is `value` (a forked child's view of its parent's blocks). */
  copyAs(value: number): PtrMap {
    const m = new PtrMap(this.size);
    for (let i = 0; i <= this.mask; i++) if (this.val[i] >= 0) m.set(this.hi[i], this.lo[i], value);
    return m;
  }

  private rehash(): void {
    const [hi, lo, val] = [this.hi, this.lo, this.val];
    // Grow only when live entries fill it; many tombstones rehash at the same size.
    const n = this.size * 4 > this.mask ? (this.mask + 1) * 2 : this.mask + 1;
    this.hi = new Int32Array(n);
    this.lo = new Int32Array(n);
    this.val = new Int32Array(n).fill(EMPTY);
    this.mask = n - 1;
    this.size = 0;
    this.used = 0;
    for (let i = 0; i < val.length; i++) if (val[i] >= 0) this.set(hi[i], lo[i], val[i]);
  }
}

/**
 * Parses a pointer as a trace prints it (hex with or without `0x`, zero-padded or not, any
 * case; `(null)`, `(nil)` and zeros are NULL) into `hi` and `lo`, without making a string.
 */
export class PtrParser {
  hi = 0;
  lo = 0;

  /** 1 = a pointer (in hi, lo), 0 = NULL, -1 = not a pointer (or more than 64 bits). */
  parse(s: string, from = 0, to = s.length): number {
    if (to - from === 6 && s.startsWith('(null)', from)) return 0;
    if (to - from === 5 && s.startsWith('(nil)', from)) return 0;
    let i = from;
    if (to - i > 2 && s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 32) === 120) i += 2;
    if (i >= to) return -1;
    let hi = 0;
    let lo = 0;
    let digits = 0;
    for (; i < to; i++) {
      const c = s.charCodeAt(i);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      else return -1;
      if (digits > 0 || d > 0) digits++;
      // Shift the 64-bit value left by 4 bits: the top nibble of lo moves into hi.
      hi = (hi << 4) | (lo >>> 28) | 0;
      lo = (lo << 4) | d | 0;
    }
    if (digits > 16) return -1;
    this.hi = hi;
    this.lo = lo;
    return hi === 0 && lo === 0 ? 0 : 1;
  }

  /** As parse, over the bytes b[from, to). */
  parseBytes(b: Uint8Array, from: number, to: number): number {
    if (to - from === 6 && b[from] === 40 && b[from + 1] === 110 && b[from + 5] === 41) return 0; // (null)
    if (to - from === 5 && b[from] === 40 && b[from + 1] === 110 && b[from + 4] === 41) return 0; // (nil)
    let i = from;
    if (to - i > 2 && b[i] === 48 && (b[i + 1] | 32) === 120) i += 2;
    if (i >= to) return -1;
    let hi = 0;
    let lo = 0;
    let digits = 0;
    for (; i < to; i++) {
      const c = b[i];
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      else return -1;
      if (digits > 0 || d > 0) digits++;
      // Shift the 64-bit value left by 4 bits: the top nibble of lo moves into hi.
      hi = (hi << 4) | (lo >>> 28) | 0;
      lo = (lo << 4) | d | 0;
    }
    if (digits > 16) return -1;
    this.hi = hi;
    this.lo = lo;
    return hi === 0 && lo === 0 ? 0 : 1;
  }
}
