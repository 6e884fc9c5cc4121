import { describe, expect, it } from 'vitest';
import { DirtyPages, SEGMENT_PAGES } from './dirty';

describe('DirtyPages', () => {
  it('starts at epoch 1 with nothing written; advance() returns the epoch that was current', () => {
    const d = new DirtyPages(1000);
    expect(d.segments).toBe(Math.ceil(1000 / SEGMENT_PAGES));
    expect(d.epoch[0]).toBe(1);
    const seen: number[][] = [];
    d.dirtySince(0, (f, n) => seen.push([f, n]));
    expect(seen).toEqual([]);
    expect(d.advance()).toBe(1);
    expect(d.advance()).toBe(2);
    expect(d.epoch[0]).toBe(3);
  });
  it('visits the runs of segments written at or after `since`, clamped to the pool', () => {
    const d = new DirtyPages(1000);
    d.mark(0);
    d.mark(70); // segment 1
    const since = d.advance(); // 1
    d.mark(999); // segment 15, the last (pages 960..999)
    const runs = (s: number) => {
      const out: number[][] = [];
      d.dirtySince(s, (f, n) => out.push([f, n]));
      return out;
    };
    expect(runs(0)).toEqual([
      [0, 128],
      [960, 40],
    ]);
    expect(runs(since)).toEqual([
      [0, 128],
      [960, 40],
    ]); // ">= since": stamps of the epoch current at the previous advance are visited again
    expect(runs(d.advance())).toEqual([[960, 40]]);
  });
  it('attaches to another instance’s buffer, and a fresh start clears a given buffer', () => {
    const a = new DirtyPages(200);
    a.mark(150);
    a.advance();
    const b = new DirtyPages(200, a.buffer, false);
    expect(b.epoch[0]).toBe(2);
    expect(Array.from(b.segGen)).toEqual([0, 0, 1, 0]);
    const c = new DirtyPages(200, a.buffer, true);
    expect(c.epoch[0]).toBe(1);
    expect(Array.from(a.segGen)).toEqual([0, 0, 0, 0]);
    expect(() => new DirtyPages(200, new ArrayBuffer(8))).toThrow(/too small/);
  });
});
