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

  it('reserve(first, count) hands out a range as the largest aligned blocks, writing block heads only', () => {
    const z = zone(4094);
    expect(z.reserve(0, 100)).toBe(true);
    // [0, 100) = 64 + 32 + 4 taken; the rest of the first order-10 block back as free blocks of
    // orders 2, 3, 4, 7, 8, 9 at 100, 104, 112, 128, 256, 512; beside 4094's other blocks.
    expect([z.usedOrder(0), z.usedOrder(64), z.usedOrder(96)]).toEqual([6, 5, 2]);
    expect([100, 104, 112, 128, 256, 512].map((p) => z.freeOrder(p))).toEqual([2, 3, 4, 7, 8, 9]);
    expect(z.freePages).toBe(3994);
    expect(z.buddyinfo()).toEqual([0, 1, 2, 2, 2, 1, 1, 2, 2, 2, 2]);
    expect(z.check()).toEqual([]);
    // Then the zone goes on as usual: the smallest block first, and frees merge.
    expect(z.alloc(2)).toBe(100);
    z.free(100, 2);
    z.free(96, 2);
    expect(z.freeOrder(96)).toBe(5);
    expect(z.check()).toEqual([]);
  });

  it('reserve refuses a range with a page already taken or outside the zone, changing nothing', () => {
    const z = zone(64);
    const p = z.alloc(0);
    const before = [z.buddyinfo(), z.freePages];
    expect(z.reserve(0, 8)).toBe(false);
    expect(z.reserve(60, 8)).toBe(false);
    expect(z.reserve(-1, 2)).toBe(false);
    expect([z.buddyinfo(), z.freePages]).toEqual(before);
    expect(z.reserve(8, 56)).toBe(true);
    expect(z.freePages).toBe(64 - 1 - 56);
    expect(z.usedOrder(p)).toBe(0);
    expect(z.check()).toEqual([]);
  });

  it('buddyinfo and largestFreeOrder: free blocks per order, and the largest', () => {
    const z = zone(24);
    expect(z.buddyinfo()).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(z.largestFreeOrder()).toBe(4);
    expect(z.alloc(4)).toBe(0);
    expect(z.largestFreeOrder()).toBe(3);
    expect(z.alloc(3)).toBe(16);
    expect(z.largestFreeOrder()).toBe(-1);
  });

  it('check() finds a page in two free blocks without an array per page', () => {
    const plan = planLayout(zoneFields(8));
    const v = viewsOf(plan, allocateBuffers(plan));
    const z = new BuddyZone(v, 8, null, false);
    z.init(); // one order-3 block at 0
    // Corrupt: also list an order-1 block at 2 (inside the order-3 block).
    v.zHeadOf[2] = 0x40 | 1;
    v.zHead[1] = 3;
    v.zCount[1] = 1;
    v.zLock[1] += 2;
    expect(z.check()).toContain('page 2 is in two free blocks');
  });
});
