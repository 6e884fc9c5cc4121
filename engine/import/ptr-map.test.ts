import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode } from './bytes';
import { Interner } from './intern';
import { INHERITED, PtrMap, PtrParser } from './ptr-map';

describe('PtrParser', () => {
  it.each<[string, number, number, number]>([
    ['ffff8881042c3a00', 1, 0xffff8881 | 0, 0x042c3a00],
    ['0xFFFF8881042C3A00', 1, 0xffff8881 | 0, 0x042c3a00],
    ['00000000cef40c80', 1, 0, 0xcef40c80 | 0],
    ['0x4A40040', 1, 0, 0x4a40040],
    ['c147dd20', 1, 0, 0xc147dd20 | 0],
    ['(null)', 0, 0, 0],
    ['(nil)', 0, 0, 0],
    ['0000000000000000', 0, 0, 0],
    ['0x0', 0, 0, 0],
    ['0', 0, 0, 0],
    ['0xIL', -1, 0, 0],
    ['ffzz', -1, 0, 0],
    ['1ffff8881042c3a00', -1, 0, 0], // 65 bits
    ['', -1, 0, 0],
    ['0x', -1, 0, 0],
  ])('%s', (text, result, hi, lo) => {
    const p = new PtrParser();
    expect(p.parse(text)).toBe(result);
    const q = new PtrParser();
    const b = encode(` ${text} `);
    expect(q.parseBytes(b, 1, b.length - 1)).toBe(result);
    if (result === 1) {
      expect([p.hi, p.lo]).toEqual([hi, lo]);
      expect([q.hi, q.lo]).toEqual([hi, lo]);
    }
  });
});

describe('PtrMap', () => {
  it('agrees with a Map through random sets, gets and deletes (tombstones and growth included)', () => {
    const op = fc.tuple(
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 0, max: 3 }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 2000 }), (ops) => {
        const m = new PtrMap(4);
        const ref = new Map<string, number>();
        ops.forEach(([kind, lo, hi], i) => {
          const key = `${hi}/${lo}`;
          if (kind === 0) {
            m.set(hi, lo, i);
            ref.set(key, i);
          } else if (kind === 1) expect(m.get(hi, lo)).toBe(ref.get(key) ?? -1);
          else {
            expect(m.delete(hi, lo)).toBe(ref.get(key) ?? -1);
            ref.delete(key);
          }
          expect(m.size).toBe(ref.size);
        });
        const values: number[] = [];
        m.forEachValue((v) => values.push(v));
        expect(values.sort((a, b) => a - b)).toEqual([...ref.values()].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });

  it("copies its keys with one value (a forked child's view of its parent's heap)", () => {
    const m = new PtrMap();
    m.set(0, 0x10, 3);
    m.set(1, 0x20, 4);
    const c = m.copyAs(INHERITED);
    expect([c.get(0, 0x10), c.get(1, 0x20), c.get(0, 0x30), c.size]).toEqual([INHERITED, INHERITED, -1, 2]);
    c.delete(0, 0x10);
    expect(m.get(0, 0x10)).toBe(3);
  });
});

describe('Interner', () => {
  it('gives one index per name, by bytes or by text, 0 for none, and keeps order', () => {
    const t = new Interner();
    const line = encode('x call_site=__alloc_skb+0x7c/0x1f0 y');
    const a = t.atBytes(line, 12, 34);
    expect(t.names[a]).toBe('__alloc_skb+0x7c/0x1f0');
    expect(t.atBytes(encode('__alloc_skb+0x7c/0x1f0'), 0, 22)).toBe(a);
    expect(t.atBytes(line, 5, 5)).toBe(0);
    const names = Array.from({ length: 3000 }, (_, i) => `site_${i}+0x${i.toString(16)}`);
    const ids = names.map((n) => t.of(n));
    expect(names.map((n) => t.of(n))).toEqual(ids);
    expect(new Set(ids).size).toBe(3000);
    expect(ids.map((i) => t.names[i])).toEqual(names);
  });
});
