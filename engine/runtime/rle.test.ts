import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeWords, encodeWords, wordsOf } from './rle';

describe('encodeWords / decodeWords', () => {
  it('round-trips any words (fast-check), runs and literals mixed', () => {
    const word = fc.oneof(fc.constant(0), fc.constant(-1), fc.integer({ min: -5, max: 5 }), fc.integer());
    const runs = fc.array(fc.tuple(word, fc.integer({ min: 1, max: 50 })), { maxLength: 40 });
    fc.assert(
      fc.property(runs, (rs) => {
        const src = Int32Array.from(rs.flatMap(([v, n]) => Array.from({ length: n }, () => v)));
        const code = encodeWords(src);
        const back = new Int32Array(src.length);
        decodeWords(code, back);
        expect(back).toEqual(src);
        // Never larger than the input plus one header per literal run.
        expect(code.length).toBeLessThanOrEqual(src.length + rs.length + 1);
      }),
    );
  });

  it('codes a page of zeros as two words and a run as one record', () => {
    expect(Array.from(encodeWords(new Int32Array(1024)))).toEqual([-1024, 0]);
    expect(Array.from(encodeWords(Int32Array.from([7, 8, 9, 9, 9, 9])))).toEqual([2, 7, 8, -4, 9]);
  });

  it('refuses to decode into the wrong length', () => {
    expect(() => decodeWords(encodeWords(new Int32Array(8)), new Int32Array(9))).toThrow(/decoded 8 words into 9/);
    // Too long for the target: nothing written past its end.
    expect(() => decodeWords(encodeWords(new Int32Array(9)), new Int32Array(8))).toThrow(/decoded 0 words into 8/);
    expect(() => decodeWords(encodeWords(Int32Array.from([1, 2, 3])), new Int32Array(2))).toThrow(/into 2/);
  });

  it('wordsOf views any aligned typed array as words and rejects unaligned ones', () => {
    const b = new ArrayBuffer(64);
    expect(wordsOf(new Uint8Array(b, 4, 8)).length).toBe(2);
    expect(() => wordsOf(new Uint8Array(b, 1, 8))).toThrow(/not word aligned/);
  });
});
