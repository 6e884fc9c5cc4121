/** Small text helpers the trace readers share (engine/import/bytes.ts has those for bytes). */

const ZERO = 48,
  NINE = 57;

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
 * A copy of `s` that holds on to nothing else: V8 keeps the whole text a substring was cut
 * from alive while the substring lives, so strings kept past the line (table entries, samples)
 * are detached. (Slicing a concatenation flattens it into a new string of its own.)
 */
export function detach(s: string): string {
  return (s + ' ').slice(0, -1);
}
