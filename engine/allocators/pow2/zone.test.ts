/**
 * pow2 over the buddy zone: classes above a page in blocks of their size (up to 131072, as Linux
 * 2.6.18's general caches), page-level blocks served by the zone, buddyinfo, the maxClassBytes
 * parameter, and invariants (pages conserved between the zone and the slabs) after every op.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Pow2Allocator } from './pow2';
import { POW2_DEFAULTS, resolvePow2 } from './params';
import { AllocError, ChunkState, FreeError, FREE_OK } from '../../core/types';
import { bufferBytes, fieldView, firstDiff, stateBytes } from '../test-util';

const BASE = POW2_DEFAULTS.baseAddress;
const PAGE = 4096;
const CPP = 128;

function states(a: Pow2Allocator, page: number, count = 1): number[] {
  const out = new Uint8Array(count * CPP);
  a.pageStates(page, count, out);
  return Array.from(out);
}

describe('pow2 classes above a page: one object in a block of its size from the zone', () => {
  it.each([
    [4097, 8192, 1],
    [5000, 8192, 1],
    [16384, 16384, 2],
    [40000, 65536, 4],
    [131072, 131072, 5],
  ])('%i bytes -> class %i, an order-%i block', (bytes, cls, order) => {
    const a = new Pow2Allocator({ pages: 64 }); // one order-6 block
    expect(a.handedOut(bytes)).toBe(cls);
    const p = a.alloc(0, bytes);
    expect(p).toBe(BASE);
    expect(a.counters()).toMatchObject({ requestedBytes: bytes, allocatedBytes: cls, heldBytes: cls });
    expect(a.zone.usedOrder(0)).toBe(order);
    const used = Math.ceil(bytes / 32);
    const s = states(a, 0, 2 ** order);
    expect(s.slice(0, used).every((x) => x === ChunkState.Used)).toBe(true);
    expect(s.slice(used).every((x) => x === ChunkState.Waste)).toBe(true);
    const last = BASE + cls - 1; // its last page
    expect(a.blockAt(last)).toEqual({
      kind: 'allocation',
      start: BASE,
      bytes: cls,
      requested: bytes,
      owner: 0,
      detail: [`a slab of ${2 ** order} pages (order ${order}) from the buddy zone`],
    });
    expect(a.ownerOf(last)).toBe(0);
    expect(a.checkInvariants()).toEqual([]);
    expect(a.free(0, p + PAGE, bytes)).toBe(FreeError.UnknownPointer); // its second page
    expect(a.free(0, p + 32, bytes)).toBe(FreeError.UnknownPointer);
    expect(a.free(0, p, bytes + 1)).toBe(FreeError.WrongSize);
    expect(a.free(0, p, bytes)).toBe(FREE_OK);
    expect(a.free(0, p, bytes)).toBe(FreeError.UnknownPointer); // the block went back: nobody's
    expect(a.counters().heldBytes).toBe(0);
    expect(a.buddyinfo()).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(a.checkInvariants()).toEqual([]);
  });

  it('above the largest class: TooLarge; no block of the order left: NoSpace', () => {
    const a = new Pow2Allocator({ pages: 24 }); // order 4 at 0, order 3 at 16
    expect(a.alloc(0, 131073)).toBe(AllocError.TooLarge);
    expect(a.handedOut(131073)).toBe(0);
    expect(a.alloc(0, 40000)).toBe(BASE); // class 65536: the order-4 block
    expect(a.alloc(0, 65536)).toBe(AllocError.NoSpace); // no order-4 block left
    expect(a.alloc(0, 32768)).toBe(BASE + 16 * PAGE);
    expect(a.alloc(0, 32)).toBe(AllocError.NoSpace);
    expect(a.counters().failures).toBe(3);
    expect(a.largestFree(0)).toBe(0);
    expect(a.checkInvariants()).toEqual([]);
  });

  it('a cross-CPU free of a big object gives its block back to the zone', () => {
    const a = new Pow2Allocator({ pages: 32, cpus: 2 });
    const p = a.alloc(1, 20000);
    expect(a.ownerOf(p)).toBe(1);
    expect(a.free(0, p, 20000)).toBe(FREE_OK);
    expect(a.zone.freePages).toBe(32);
    expect(a.checkInvariants()).toEqual([]);
  });

  it("maxClassBytes=4096 gives the seed's classes (32..4096): larger requests are TooLarge", () => {
    const a = new Pow2Allocator({ pages: 8, maxClassBytes: 4096 });
    expect(a.alloc(0, 4097)).toBe(AllocError.TooLarge);
    expect(a.alloc(0, 4096)).toBe(BASE);
    expect(a.handedOut(4097)).toBe(0);
  });

  it('a zone block above the largest class counts as blocks of the largest class, as SLAB counts them', () => {
    // One allocation never gets more than the largest class, whatever block the zone has.
    const a = new Pow2Allocator({ pages: 8, maxClassBytes: 4096 });
    expect(a.alloc(0, 4096)).toBe(BASE);
    expect(a.freeSummary()).toEqual({ bytes: [4096], counts: [7] });
    expect(a.largestFree(0)).toBe(4096);
    const b = new Pow2Allocator({ pages: 1024, maxClassBytes: 32768 });
    expect(b.freeSummary()).toEqual({ bytes: [32768], counts: [128] });
    expect(b.largestFree(0)).toBe(32768);
    expect(b.alloc(0, 32)).toBe(BASE);
    expect(b.freeSummary()).toEqual({
      bytes: [32, 4096, 8192, 16384, 32768],
      counts: [127, 1, 1, 1, 127],
    });
  });

  it('maxClassBytes: 0 is 131072 or the largest zone block; bad values are refused', () => {
    expect(resolvePow2({}).maxClassBytes).toBe(131072);
    expect(resolvePow2({ pageBytes: 32, chunkBytes: 32 }).maxClassBytes).toBe(32 * 1024);
    expect(resolvePow2({ maxClassBytes: 1 << 20 }).maxClassBytes).toBe(1 << 20);
    expect(() => resolvePow2({ maxClassBytes: 3000 })).toThrow(/maxClassBytes=3000, expected 0 or a power of two/);
    expect(() => resolvePow2({ maxClassBytes: 16 })).toThrow(/maxClassBytes=16/);
    expect(() => resolvePow2({ maxClassBytes: 8 << 20 })).toThrow(/4194304 \(the zone's largest block\)/);
  });
});

describe('pow2 page-level blocks (allocPages / freePages) come straight from the zone', () => {
  it('hands out 2^order pages, counts them requested, allocated and held, and gives them back', () => {
    const a = new Pow2Allocator({ pages: 16, cpus: 2 });
    const p = a.allocPages(1, 2);
    expect(p).toBe(BASE);
    expect(a.counters()).toMatchObject({ requestedBytes: 4 * PAGE, allocatedBytes: 4 * PAGE, heldBytes: 4 * PAGE });
    expect(states(a, 0, 4).every((s) => s === ChunkState.Used)).toBe(true);
    expect(a.blockAt(p + 3 * PAGE)).toEqual({
      kind: 'allocation',
      start: p,
      bytes: 4 * PAGE,
      requested: 4 * PAGE,
      owner: -1,
      detail: ['page-level block: order 2 from the buddy zone'],
    });
    expect(a.ownerOf(p)).toBe(-1);
    expect(a.free(0, p, 4 * PAGE)).toBe(FreeError.UnknownPointer);
    expect(a.freePages(0, p, 1)).toBe(FreeError.WrongSize);
    expect(a.freePages(0, p + PAGE, 0)).toBe(FreeError.UnknownPointer);
    expect(a.checkInvariants()).toEqual([]);
    expect(a.freePages(0, p, 2)).toBe(FREE_OK);
    expect(a.counters()).toMatchObject({ allocs: 1, frees: 1, requestedBytes: 0, heldBytes: 0 });
    expect(a.buddyinfo()).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(a.checkInvariants()).toEqual([]);
  });

  it('errors change nothing but the failure counter', () => {
    const a = new Pow2Allocator({ pages: 16, cpus: 2 });
    const obj = a.alloc(0, 100);
    const blk = a.allocPages(0, 3);
    const before = bufferBytes(a);
    expect(a.freePages(0, obj, 0)).toBe(FreeError.UnknownPointer); // a slab, not a page-level block
    expect(a.freePages(0, blk + 7, 3)).toBe(FreeError.UnknownPointer);
    expect(a.freePages(0, BASE + 16 * PAGE, 0)).toBe(FreeError.UnknownPointer);
    expect(a.freePages(2, blk, 3)).toBe(FreeError.BadCpu);
    expect(a.allocPages(2, 0)).toBe(AllocError.BadCpu);
    expect(firstDiff(bufferBytes(a), before)).toBe(-1);
    const state = stateBytes(a, ['failures']);
    expect(a.allocPages(0, -1)).toBe(AllocError.BadSize);
    expect(a.allocPages(0, 11)).toBe(AllocError.TooLarge);
    expect(a.allocPages(0, 3)).toBe(AllocError.NoSpace);
    expect(firstDiff(stateBytes(a, ['failures']), state)).toBe(-1);
    expect(a.counters().failures).toBe(3);
  });
});

describe('pow2 invariants hold after every op: multi-page classes, page-level blocks, 1-4 CPUs (fast-check)', () => {
  const op = fc.record({
    kind: fc.integer({ min: 0, max: 11 }),
    cpu: fc.nat(3),
    bytes: fc.oneof(
      fc.integer({ min: 1, max: 140000 }),
      fc.integer({ min: 1, max: 4096 }),
      fc.integer({ min: 1, max: 300 }),
    ),
    pick: fc.nat(),
  });
  it('random ops', () => {
    const seen = { big: 0, pages: 0, noSpace: 0, released: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 8, max: 100 }),
        fc.array(op, { minLength: 20, maxLength: 200, size: 'max' }),
        (cpus, pages, ops) => {
          const a = new Pow2Allocator({ pages, cpus });
          const live: { p: number; n: number }[] = [];
          const blocks: { p: number; order: number }[] = [];
          for (const o of ops) {
            const cpu = o.cpu % cpus;
            const held = a.counters().heldBytes;
            if (o.kind === 10) {
              const p = a.allocPages(cpu, o.pick % 4);
              if (p >= 0) {
                blocks.push({ p, order: o.pick % 4 });
                seen.pages++;
              } else expect(p).toBe(AllocError.NoSpace);
            } else if (o.kind === 11 && blocks.length > 0) {
              const [b] = blocks.splice(o.pick % blocks.length, 1);
              expect(a.freePages(cpu, b.p, b.order)).toBe(FREE_OK);
            } else if (o.kind < 6 || live.length === 0) {
              const p = a.alloc(cpu, o.bytes);
              if (p >= 0) {
                expect(a.ownerOf(p)).toBe(cpu);
                live.push({ p, n: o.bytes });
                if (o.bytes > PAGE) seen.big++;
              } else {
                expect(p).toBe(o.bytes > 131072 ? AllocError.TooLarge : AllocError.NoSpace);
                if (p === AllocError.NoSpace) seen.noSpace++;
              }
            } else {
              const [x] = live.splice(o.pick % live.length, 1);
              expect(a.free(cpu, x.p, x.n)).toBe(FREE_OK);
              if (a.counters().heldBytes < held) seen.released++;
            }
            const v = a.checkInvariants();
            if (v.length > 0) throw new Error(v.join('\n'));
          }
          const n = a.counters();
          const pageBytes = blocks.reduce((s, b) => s + PAGE * 2 ** b.order, 0);
          expect(n.requestedBytes).toBe(live.reduce((s, x) => s + x.n, 0) + pageBytes);
          expect(n.heldBytes).toBe((pages - a.zone.freePages) * PAGE);
        },
      ),
      { numRuns: 100 },
    );
    for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(0);
  });
});

describe('pow2 checkInvariants sees pages lost between the zone and the slabs', () => {
  const cases: [string, (a: Pow2Allocator) => void][] = [
    ['a page taken from the zone that nobody holds', (a) => a.zone.alloc(0)],
    ['a slab the zone thinks free', (a) => a.zone.free(0, 0)],
    ['a slab of the wrong order', (a) => (a.pageClass[2] = 8)], // class 4096 on the order-1 block
    ["state on a big slab's second page", (a) => (a.pageLive[3] = 1)],
    ['a page-level block that lost its class', (a) => (a.pageClass[16] = 0)],
    ['the zone free count', (a) => (fieldView(a, 'zLock')[1] += 1)],
  ];
  it.each(cases)('%s', (_name, corrupt) => {
    const a = new Pow2Allocator({ pages: 32 }); // one order-5 block
    expect(a.alloc(0, 100)).toBe(BASE); // page 0
    expect(a.alloc(0, 8000)).toBe(BASE + 2 * PAGE); // the order-1 half of the split: pages 2, 3
    expect(a.allocPages(0, 4)).toBe(BASE + 16 * PAGE);
    expect(a.checkInvariants()).toEqual([]);
    corrupt(a);
    expect(a.checkInvariants().length).toBeGreaterThan(0);
  });
});
