import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planLayout, viewsOf, allocateBuffers } from '../../core/layout';
import { BuddyZone, MAX_ORDER, orderOf, zoneFields } from './zone';

function zone(pages: number): BuddyZone {
  const plan = planLayout(zoneFields(pages));
  const v = viewsOf(plan, allocateBuffers(plan));
  const z = new BuddyZone(v, pages, null, false);
  z.init();
  return z;
}

describe('BuddyZone (mm/page_alloc.c)', () => {
  it('starts as the largest aligned blocks: 4094 pages = 3 x 1024 + 512 + 256 + 128 + 64 + 32 + 16 + 8 + 4 + 2', () => {
    const z = zone(4094);
    expect(Array.from({ length: MAX_ORDER }, (_, o) => z.freeBlocks(o))).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]);
    expect(z.freePages).toBe(4094);
    expect(z.check()).toEqual([]);
  });

  it('takes the head block of the smallest order that fits and splits it, high halves to the lower lists', () => {
    const z = zone(1024);
    expect(z.alloc(0)).toBe(0);
    // 1024 split: 512, 256, ..., 1 are left, each the high half of its split.
    expect(Array.from({ length: MAX_ORDER }, (_, o) => z.freeBlocks(o))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(z.freeOrder(1)).toBe(0);
    expect(z.freeOrder(512)).toBe(9);
    expect(z.alloc(0)).toBe(1);
    expect(z.alloc(1)).toBe(2);
    expect(z.check()).toEqual([]);
  });

  it('merges a freed block with its free buddy, up the orders', () => {
    const z = zone(1024);
    const a = z.alloc(0);
    const b = z.alloc(0);
    z.free(a, 0);
    expect(z.freeBlocks(0)).toBe(1);
    z.free(b, 0);
    expect(z.freeBlocks(10)).toBe(1);
    expect(z.freePages).toBe(1024);
    expect(z.check()).toEqual([]);
  });

  it('fails an order larger than any free block', () => {
    const z = zone(100);
    expect(z.alloc(7)).toBe(-1);
    expect(z.alloc(6)).toBe(0);
    expect(z.alloc(6)).toBe(-1);
    expect(orderOf(4096, 4096)).toBe(0);
    expect(orderOf(4097, 4096)).toBe(1);
    expect(orderOf(131072, 4096)).toBe(5);
  });

  it('keeps its invariants and conserves pages over random allocs and frees (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 6 }), fc.nat()), { maxLength: 300 }),
        (pages, cmds) => {
          const z = zone(pages);
          const live: [number, number][] = [];
          for (const [isAlloc, order, pick] of cmds) {
            if (isAlloc || live.length === 0) {
              const p = z.alloc(order);
              if (p >= 0) {
                expect(p % (1 << order)).toBe(0);
                expect(z.usedOrder(p)).toBe(order);
                for (const [q, o] of live) expect(p + (1 << order) <= q || q + (1 << o) <= p).toBe(true);
                live.push([p, order]);
              }
            } else {
              const [p, o] = live.splice(pick % live.length, 1)[0];
              z.free(p, o);
            }
            const held = live.reduce((n, [, o]) => n + (1 << o), 0);
            expect(z.freePages).toBe(pages - held);
            expect(z.check()).toEqual([]);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
