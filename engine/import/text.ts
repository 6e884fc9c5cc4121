/**
 * Small text helpers every trace reader shares, written for speed: they run once or
 * twice per line of files of millions of lines, so they scan character codes and make
 * no intermediate strings or regular-expression matches.
 */

const SPACE = 32,
  ZERO = 48,
  NINE = 57;

/**
 * Canonical key of a pointer as a trace prints it: hex with or without `0x`, zero-padded
 * or not, any case (so `0x4A40040`, `4a40040` and `0000000004a40040` are one key). NULL
 * (`(null)`, `(nil)`, all zeros) is ''. Not a pointer: undefined. Hashed pointers (`%p` on
 * Linux >= 4.15) are opaque but stable, so they key as well as real ones.
 */
export function pointerKey(v: string): string | undefined {
  if (v === '(null)' || v === '(nil)') return '';
  let s = 0;
  if (v.length > 2 && v.charCodeAt(0) === ZERO && (v.charCodeAt(1) | 32) === 120) s = 2;
  if (v.length === s) return undefined;
  let upper = false;
  let first = -1;
  for (let k = s; k < v.length; k++) {
    const c = v.charCodeAt(k);
    if (c >= ZERO && c <= NINE) {
      if (first < 0 && c !== ZERO) first = k;
    } else if (c >= 97 && c <= 102) {
      if (first < 0) first = k;
    } else if (c >= 65 && c <= 70) {
      upper = true;
      if (first < 0) first = k;
    } else return undefined;
  }
  if (first < 0) return '';
  const key = first === 0 ? v : v.slice(first);
  return upper ? key.toLowerCase() : key;
}

/** A non-negative decimal integer (digits only; exact below 2^53, rounded above), else NaN. */
export function decimal(v: string | undefined): number {
  if (v === undefined || v.length === 0 || v.length > 20) return NaN;
  let x = 0;
  for (let k = 0; k < v.length; k++) {
    const c = v.charCodeAt(k);
    if (c < ZERO || c > NINE) return NaN;
    x = x * 10 + (c - ZERO);
  }
  return x;
}

/**
 * The value of `key` (given with its `=`, e.g. 'ptr=') among space-separated `key=value`
 * fields, or undefined. The key must start a field (`ptr=` does not match `page_ptr=`). A
 * value padded with spaces is found past them: the kernel prints NULL as `%p` of a pointer's
 * width, `ptr=  (null)` on 32-bit and `ptr=          (null)` on 64-bit (lib/vsprintf.c
 * before 5.2: "Print (null) with the same width as a pointer").
 */
export function fieldOf(body: string, key: string): string | undefined {
  let i = body.indexOf(key);
  while (i > 0 && body.charCodeAt(i - 1) !== SPACE) i = body.indexOf(key, i + 1);
  if (i < 0) return undefined;
  let s = i + key.length;
  if (body.charCodeAt(s) === SPACE) {
    while (body.charCodeAt(s) === SPACE) s++;
    // Only `(null)` is printed padded; anything else after spaces is the next field.
    if (!body.startsWith('(null)', s)) return '';
  }
  const e = body.indexOf(' ', s);
  return body.slice(s, e < 0 ? body.length : e);
}

/** Whether `c` (a character code) is a decimal digit. */
export const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
