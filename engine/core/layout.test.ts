import { describe, expect, it } from 'vitest';
import { field, LINE, MAX_BUFFER_BYTES, MAX_FIELD_BYTES, planLayout, stateFields, viewsOf } from './layout';

describe('planLayout(fields)', () => {
  it('packs small fields into one buffer, each on its own cache line', () => {
    const plan = planLayout({ a: field('u8', 3), b: field('i32', 5, 1), c: field('f64', 2) });
    expect(plan.byteLengths).toEqual([3 * LINE]);
    expect(plan.at).toEqual({
      a: { buffer: 0, offset: 0 },
      b: { buffer: 0, offset: LINE },
      c: { buffer: 0, offset: 2 * LINE },
    });
  });
  it('opens a new buffer when the next field would pass 1 GiB, and gives a field over 1 GiB its own', () => {
    const big = MAX_BUFFER_BYTES / 4 + 16; // i32 elements: just over 1 GiB
    const plan = planLayout({
      g: field('i32', 16),
      half: field('u8', MAX_BUFFER_BYTES / 2, 128),
      more: field('u8', MAX_BUFFER_BYTES / 2, 128),
      huge: field('i32', big, 128),
      tail: field('u8', 10),
    });
    expect(Object.values(plan.at).map((p) => p.buffer)).toEqual([0, 0, 1, 2, 3]);
    expect(plan.at.huge.offset).toBe(0);
    expect(plan.byteLengths[2]).toBe(big * 4);
    expect(plan.byteLengths.every((n, i) => i === 2 || n <= MAX_BUFFER_BYTES)).toBe(true);
    expect(plan.byteLength).toBe(plan.byteLengths.reduce((s, n) => s + n, 0));
  });
  it('allows one field of 2 GiB (4 B per chunk of 4,194,304 pages) and rejects a larger one', () => {
    expect(planLayout({ x: field('i32', MAX_FIELD_BYTES / 4, 128) }).byteLengths).toEqual([MAX_FIELD_BYTES]);
    expect(() => planLayout({ x: field('i32', MAX_FIELD_BYTES / 4 + 1, 128) })).toThrow(/field 'x' needs/);
  });
});

describe('viewsOf(plan, buffers)', () => {
  const plan = planLayout({ g: field('i32', 4), p: field('u8', 8 * 32, 32) });
  it('lays typed views where the plan says, and lists them as state fields with perPage', () => {
    const bufs = plan.byteLengths.map((n) => new ArrayBuffer(n));
    const v = viewsOf(plan, bufs);
    expect(v.g).toBeInstanceOf(Int32Array);
    expect(v.p.byteOffset).toBe(LINE);
    expect(stateFields(plan, v).map((f) => [f.name, f.view.length, f.perPage])).toEqual([
      ['g', 4, 0],
      ['p', 256, 32],
    ]);
  });
  it('rejects missing or too small buffers, naming them', () => {
    expect(() => viewsOf(plan, [])).toThrow(/0 buffers given, the layout needs 1/);
    expect(() => viewsOf(plan, [new ArrayBuffer(64)])).toThrow(/buffer 0 too small: 64 bytes/);
  });
});
