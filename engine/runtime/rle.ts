/**
 * Run-length coding of 32-bit words, for checkpoints of allocator state.
 *
 * Allocator state is mostly runs: zeros where no block starts, the same state byte
 * over a whole block (four bytes per word), the same bitmap word over free space.
 * A plain word RLE shrinks NTA's state at the seed's size about twentyfold and costs
 * a few nanoseconds per word both ways, so a checkpoint takes milliseconds.
 *
 * Encoding (Int32Array): a sequence of records, each a header h then words:
 *   h > 0: h literal words follow;   h < 0: one word follows, repeated -h times.
 * Runs shorter than MIN_RUN are kept as literals (a repeat record costs 2 words).
 */
const MIN_RUN = 3;
/** Records longer than this are decoded with set/fill. */
const LONG = 32;

/** Scratch for encoding: grows to the largest input seen (worst case n + ceil(n / 2^31) words). */
let scratch = new Int32Array(1 << 16);

/**
 * Encode `src` (any length); returns a fresh, exactly sized Int32Array. Literal words are
 * copied word by word: a `subarray` per literal run cost an allocation each, and the state
 * alternates short runs and literals, so that was a third of a checkpoint's time.
 */
export function encodeWords(src: Int32Array): Int32Array {
  const n = src.length;
  if (scratch.length < n + 16) scratch = new Int32Array(Math.max(n + 16, scratch.length * 2));
  const out = scratch;
  let o = 0;
  let i = 0;
  let lit = 0;
  while (i < n) {
    const v = src[i];
    let j = i + 1;
    // Most words lie in long runs (of zeros mostly): test eight at a time first (27% faster).
    const n8 = n - 7;
    while (
      j < n8 &&
      src[j] === v &&
      src[j + 1] === v &&
      src[j + 2] === v &&
      src[j + 3] === v &&
      src[j + 4] === v &&
      src[j + 5] === v &&
      src[j + 6] === v &&
      src[j + 7] === v
    )
      j += 8;
    while (j < n && src[j] === v) j++;
    if (j - i >= MIN_RUN) {
      if (i > lit) {
        out[o++] = i - lit;
        for (let k = lit; k < i; k++) out[o++] = src[k];
      }
      out[o++] = -(j - i);
      out[o++] = v;
      lit = j;
    }
    i = j;
  }
  if (n > lit) {
    out[o++] = n - lit;
    for (let k = lit; k < n; k++) out[o++] = src[k];
  }
  return out.slice(0, o);
}

/** Decode `code` into `dst`, which must have exactly the encoded length. */
export function decodeWords(code: Int32Array, dst: Int32Array): void {
  let o = 0;
  const n = code.length;
  // Most records are a few words: a word loop there, set/fill only for long records (a
  // call and a subarray per record made a restore 3-4x slower).
  for (let i = 0; i < n;) {
    const h = code[i++];
    if (o + Math.abs(h) > dst.length) break;
    if (h > 0) {
      if (h > LONG) {
        dst.set(code.subarray(i, i + h), o);
        i += h;
        o += h;
      } else for (const end = i + h; i < end;) dst[o++] = code[i++];
    } else {
      const v = code[i++];
      if (h < -LONG) {
        dst.fill(v, o, o - h);
        o -= h;
      } else for (const end = o - h; o < end;) dst[o++] = v;
    }
  }
  if (o !== dst.length) throw new Error(`rle: decoded ${o} words into ${dst.length}`);
}

/** The bytes of any typed array as 32-bit words (its byte offset and length must be multiples of 4). */
export function wordsOf(view: ArrayBufferView): Int32Array {
  if (view.byteOffset % 4 !== 0 || view.byteLength % 4 !== 0) {
    throw new Error(`rle: a view of ${view.byteLength} bytes at offset ${view.byteOffset} is not word aligned`);
  }
  return new Int32Array(view.buffer, view.byteOffset, view.byteLength / 4);
}
