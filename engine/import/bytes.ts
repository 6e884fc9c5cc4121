/**
 * Helpers for readers that read lines as bytes (the kmem readers: files of millions of
 * lines). Node hands a file over as bytes; finding line ends with a native indexOf and
 * reading fields by index skips decoding the text and making a string per line. Only what
 * is kept or shown (a new call site, a message) is decoded.
 */

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** b[s, e) as text. */
export function decodeRange(b: Uint8Array, s: number, e: number): string {
  return utf8.decode(b.subarray(s, e));
}

/** `text` as UTF-8 bytes. */
export function encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Whether b[pos...] starts with `ascii` (a string of ASCII characters). */
export function startsWithAscii(b: Uint8Array, pos: number, end: number, ascii: string): boolean {
  if (end - pos < ascii.length) return false;
  for (let k = 0; k < ascii.length; k++) if (b[pos + k] !== ascii.charCodeAt(k)) return false;
  return true;
}

/** A non-negative decimal integer in b[s, e) (exact below 2^53, rounded above), else NaN. */
export function decimalBytes(b: Uint8Array, s: number, e: number): number {
  if (e <= s || e - s > 20) return NaN;
  let x = 0;
  for (let k = s; k < e; k++) {
    const c = b[k];
    if (c < 48 || c > 57) return NaN;
    x = x * 10 + (c - 48);
  }
  return x;
}

/** The index of the first `byte` in b[from, to), or -1. */
export function indexOfByte(b: Uint8Array, byte: number, from: number, to: number): number {
  const i = b.indexOf(byte, from);
  return i < 0 || i >= to ? -1 : i;
}
