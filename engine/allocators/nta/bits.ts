/**
 * Bit-string helpers over Uint32Array words (bit i of the string = bit i%32 of word i>>5).
 * They mirror the patch's avl_fill_bits, avl_count_set_up and avl_count_set_down,
 * on 32-bit words because JavaScript bit operators are 32-bit.
 */

export function testBit(words: Uint32Array, i: number): boolean {
  return ((words[i >>> 5] >>> (i & 31)) & 1) === 1;
}

/** Mask of `take` bits (1..32) from bit `start` (take + start <= 32). */
const maskOf = (take: number, start: number): number => (take === 32 ? -1 : ((1 << take) - 1) << start);

/** Set `num` bits starting at `pos` (avl_fill_bits freeing). */
export function setBits(words: Uint32Array, pos: number, num: number): void {
  for (let idx = pos >>> 5, start = pos & 31; num > 0; idx++, start = 0) {
    const take = num < 32 - start ? num : 32 - start;
    words[idx] |= maskOf(take, start);
    num -= take;
  }
}

/** Clear `num` bits starting at `pos` (avl_fill_bits allocating). */
export function clearBits(words: Uint32Array, pos: number, num: number): void {
  for (let idx = pos >>> 5, start = pos & 31; num > 0; idx++, start = 0) {
    const take = num < 32 - start ? num : 32 - start;
    words[idx] &= ~maskOf(take, start);
    num -= take;
  }
}

/** Count set bits from `pos` upward (including `pos`) until the first clear bit or `end` (exclusive). */
export function countSetUp(words: Uint32Array, pos: number, end: number): number {
  let i = pos;
  while (i < end) {
    const s = i & 31;
    const clear = (~words[i >>> 5] >>> s) >>> 0; // 1 where used; zeros shifted in past bit 31
    if (clear === 0) {
      i += 32 - s;
      continue;
    }
    i += 31 - Math.clz32(clear & -clear); // trailing set bits before the first clear one
    break;
  }
  return Math.min(i, end) - pos;
}

/** Count set bits from `pos` downward (including `pos`) until the first clear bit or `start` (inclusive). */
export function countSetDown(words: Uint32Array, pos: number, start: number): number {
  let i = pos;
  while (i >= start) {
    const s = i & 31;
    const clear = (~words[i >>> 5] << (31 - s)) | 0; // bits 0..s moved to the top, zeros shifted in below
    if (clear === 0) {
      i -= s + 1;
      continue;
    }
    i -= Math.clz32(clear);
    break;
  }
  return pos - Math.max(i, start - 1);
}

/** Index of the lowest set bit >= `from` in words [first, first+count), as a bit index relative to `first*32`, or -1. */
export function findSetFrom(words: Uint32Array, first: number, count: number, from: number): number {
  let w = from >>> 5;
  if (w >= count) return -1;
  let bits = (words[first + w] >>> (from & 31)) << (from & 31);
  for (;;) {
    if (bits !== 0) return (w << 5) + 31 - Math.clz32(bits & -bits);
    if (++w >= count) return -1;
    bits = words[first + w];
  }
}
