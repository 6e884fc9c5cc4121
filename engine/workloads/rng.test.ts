import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, toSeed } from './rng';

/** An independent reference: splitmix32 + sfc32 in BigInt arithmetic mod 2^32. */
function referenceStream(seed: number, n: number): number[] {
  const M = 0xffffffffn;
  const mul = (a: bigint, b: bigint): bigint => (a * b) & M;
  let s = BigInt(seed) & M;
  const split = (): bigint => {
    s = (s + 0x9e3779b9n) & M;
    let z = s;
    z = mul(z ^ (z >> 16n), 0x85ebca6bn);
    z = mul(z ^ (z >> 13n), 0xc2b2ae35n);
    return z ^ (z >> 16n);
  };
  let a = split(),
    b = split(),
    c = split(),
    d = split();
  const next = (): bigint => {
    const t = (a + b + d) & M;
    d = (d + 1n) & M;
    a = b ^ (b >> 9n);
    b = (c + (c << 3n)) & M;
    c = ((c << 21n) | (c >> 11n)) & M;
    c = (c + t) & M;
    return t;
  };
  for (let i = 0; i < 15; i++) next();
  return Array.from({ length: n }, () => Number(next()));
}

describe('Rng', () => {
  it('new Rng(seed).nextU32() gives the pinned stream (same on every platform)', () => {
    const first5 = (seed: number): number[] => {
      const r = new Rng(seed);
      return Array.from({ length: 5 }, () => r.nextU32());
    };
    expect(first5(0)).toEqual([3047368389, 387095348, 2506032770, 735102004, 4023218824]);
    expect(first5(1)).toEqual([2251045104, 4148684523, 4055680838, 3224489912, 3690843842]);
    expect(first5(42)).toEqual([853279530, 1920286840, 3588795744, 3644712829, 3990689672]);
  });

  it('matches an independent BigInt implementation of splitmix32 + sfc32', () => {
    for (const seed of [0, 1, 7, 123456789, 0x80000000, 0xffffffff]) {
      const r = new Rng(seed);
      const ours = Array.from({ length: 2000 }, () => r.nextU32());
      expect(ours).toEqual(referenceStream(seed, 2000));
    }
  });

  it('same seed -> identical streams; different seeds -> different streams', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), (s1, s2) => {
        const a = new Rng(s1),
          b = new Rng(s1),
          c = new Rng(s2);
        const xs = Array.from({ length: 16 }, () => a.nextU32());
        expect(Array.from({ length: 16 }, () => b.nextU32())).toEqual(xs);
        if (s1 !== s2) expect(Array.from({ length: 16 }, () => c.nextU32())).not.toEqual(xs);
      }),
      { numRuns: 200 },
    );
  });

  it('toSeed keeps the low 32 bits of the integer part', () => {
    expect(toSeed(5)).toBe(5);
    expect(toSeed(2 ** 32 + 5)).toBe(5);
    expect(toSeed(-1)).toBe(0xffffffff);
    expect(toSeed(5.9)).toBe(5);
    expect(() => toSeed(NaN)).toThrow(/finite/);
    expect(new Rng(-1).nextU32()).toBe(new Rng(0xffffffff).nextU32());
  });

  it('nextFloat() is in [0, 1) and is nextU32() / 2^32', () => {
    const a = new Rng(9),
      b = new Rng(9);
    for (let i = 0; i < 10000; i++) {
      const f = a.nextFloat();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      expect(f).toBe(b.nextU32() / 2 ** 32);
    }
  });

  it('nextFloat() mean and spread look uniform', () => {
    const r = new Rng(3);
    const bins = new Array<number>(10).fill(0);
    let sum = 0;
    const n = 100000;
    for (let i = 0; i < n; i++) {
      const f = r.nextFloat();
      sum += f;
      bins[Math.floor(f * 10)]++;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(n / 100);
  });

  it('getState()/setState() resume the same stream', () => {
    const r = new Rng(77);
    for (let i = 0; i < 10; i++) r.nextU32();
    const state = r.getState();
    const ahead = Array.from({ length: 8 }, () => r.nextU32());
    const other = new Rng(1);
    other.setState(state);
    expect(Array.from({ length: 8 }, () => other.nextU32())).toEqual(ahead);
  });
});
