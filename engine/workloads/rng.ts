/**
 * Seeded pseudo-random numbers for workloads.
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state,
 * passes PractRand) seeded from a uint32 through splitmix32. Only 32-bit integer
 * arithmetic (Math.imul, |0, >>>) is used, so the stream is bit-identical on every
 * JS engine and platform: a seed names the same run everywhere (shareable URLs).
 *
 * Why not Math.random: it cannot be seeded. Why not a hash per op index: sfc32 is
 * faster and the generators keep "op for op" alignment by drawing a FIXED number
 * of values per op (see each generator), so op i always uses draws k*i .. k*i+k-1.
 */

const TWO_POW_32 = 4294967296;

/** Advance a splitmix32 state; returns [newState, output]. */
function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [s, (z ^ (z >>> 16)) >>> 0];
}

/** Normalise any number to a uint32 seed (non-integers and negatives wrap). */
export function toSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  // Keep the low 32 bits of the integer part: 2**32 + 5 and 5 give the same stream.
  const t = Math.trunc(seed);
  return (((t % TWO_POW_32) + TWO_POW_32) % TWO_POW_32) >>> 0;
}

export type RngState = readonly [number, number, number, number];

export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number) {
    let s = toSeed(seed);
    let out: number;
    [s, out] = splitmix32(s);
    this.a = out | 0;
    [s, out] = splitmix32(s);
    this.b = out | 0;
    [s, out] = splitmix32(s);
    this.c = out | 0;
    [, out] = splitmix32(s);
    this.d = out | 0;
    // Discard the first outputs so that nearby seeds decorrelate fully.
    for (let i = 0; i < 15; i++) this.nextU32();
  }

  /** A uniform uint32 in [0, 2^32). */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1) with 32 bits of resolution. Exactly one draw. */
  nextFloat(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /** The full state (for checkpoints); restore with setState. */
  getState(): RngState {
    return [this.a, this.b, this.c, this.d];
  }

  setState(state: RngState): void {
    [this.a, this.b, this.c, this.d] = state.map((v) => v | 0) as [number, number, number, number];
  }
}
