/**
 * NTA over the buddy zone (buddy/zone.ts): the initial regions reserved at start, PATCH2's growth
 * by order-0 pages in the zone's order, page-level blocks served by the zone, held pages = the
 * zone's pages not free, and the largest pools still cheap to create.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NtaAllocator } from './nta';
import type { NtaParams } from './presets';
import { AllocError, ChunkState, FreeError, FREE_OK } from '../../core/types';
import { MAX_PAGES } from '../../core/limits';
import { bufferBytes, firstDiff, stateBytes } from '../test-util';

const PAGE = 4096;
const CPP = 128;

function states(a: NtaAllocator, page: number, count = 1): number[] {
  const out = new Uint8Array(count * CPP);
  a.pageStates(page, count, out);
  return Array.from(out);
}

describe('NTA takes its pages from the buddy zone', () => {
  it('blog and PATCH1 take their whole pool at start: every page held, nothing left in the zone', () => {
    for (const preset of ['blog', 'patch1'] as const) {
      const a = new NtaAllocator({ preset, cpus: 2 });
      expect(a.counters().heldBytes).toBe(a.params.maxPages * PAGE);
      expect(a.buddyinfo()).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      expect(a.allocPages(0, 0)).toBe(AllocError.NoSpace);
      expect(a.checkInvariants()).toEqual([]);
    }
  });

  it('PATCH2 takes its 8 order-3 regions per CPU at start; the rest of the 4094 pages stay in the zone', () => {
    const a = new NtaAllocator({ preset: 'patch2', cpus: 2 });
    expect(a.counters().heldBytes).toBe(2 * 8 * 8 * PAGE);
    // 4094 pages = 3 x 1024 + 512 + ... + 2; pages [0, 128) reserved out of the first order-10 block.
    expect(a.buddyinfo()).toEqual([0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(a.zone.freePages).toBe(4094 - 128);
    expect(a.checkInvariants()).toEqual([]);
  });

  it("PATCH2 grows by order-0 pages in the zone's order (smallest block first) and never gives them back", () => {
    const a = new NtaAllocator({ preset: 'patch2' });
    const base = a.geometry.baseAddress;
    const regions = Array.from({ length: 8 }, () => a.alloc(0, 32768));
    expect(regions).toEqual(Array.from({ length: 8 }, (_, i) => base + i * 32768));
    const g = a.alloc(0, 100); // no run left: grow, then retry
    // The zone's smallest free blocks: the order-1 block at 4092, then the order-2 block at 4088
    // split, then the order-3 block at 4080 split.
    const grown = [4092, 4093, 4088, 4089, 4090, 4091, 4080, 4081];
    expect(g).toBe(base + grown[0] * PAGE);
    for (const pg of grown) expect(a.ownerOf(base + pg * PAGE)).toBe(0);
    expect(a.ownerOf(base + 4082 * PAGE)).toBe(-1);
    expect(a.counters().heldBytes).toBe((64 + 8) * PAGE);
    // Left of the split blocks: 4082 (order 1) and 4084 (order 2); 4080's order-3 block is gone.
    expect(a.buddyinfo()).toEqual([0, 1, 1, 0, 1, 1, 2, 2, 2, 2, 2]);
    for (const p of regions) expect(a.free(0, p, 32768)).toBe(FREE_OK);
    expect(a.free(0, g, 100)).toBe(FREE_OK);
    expect(a.counters().heldBytes).toBe((64 + 8) * PAGE); // never returned
    expect(a.checkInvariants()).toEqual([]);
  });

  it('a request larger than one region fails as the patches did (TooLarge), whatever the zone holds', () => {
    const a = new NtaAllocator({ preset: 'patch2' });
    expect(a.handedOut(32768)).toBe(32768);
    expect(a.alloc(0, 32769)).toBe(AllocError.TooLarge);
    expect(a.handedOut(32769)).toBe(0);
    const b = new NtaAllocator({ preset: 'blog' });
    expect(b.alloc(0, 4097)).toBe(AllocError.TooLarge);
    // Within a region, several pages at once (patch1's 16 KiB regions).
    const c = new NtaAllocator({ preset: 'patch1' });
    expect(c.alloc(0, 9000)).toBe(c.geometry.baseAddress);
    expect(c.blockAt(c.geometry.baseAddress + 8500)).toMatchObject({ kind: 'allocation', bytes: 9024 });
  });
});

describe('NTA page-level blocks (allocPages / freePages) come straight from the zone', () => {
  it('hands out 2^order pages, counts them requested, allocated and held, and gives them back', () => {
    const a = new NtaAllocator({ preset: 'patch2' });
    const base = a.geometry.baseAddress;
    const p = a.allocPages(0, 3);
    expect(p).toBe(base + 4080 * PAGE); // the zone's order-3 block
    expect(a.counters()).toMatchObject({
      allocs: 1,
      requestedBytes: 8 * PAGE,
      allocatedBytes: 8 * PAGE,
      heldBytes: (64 + 8) * PAGE,
    });
    expect(states(a, 4080, 8).every((s) => s === ChunkState.Used)).toBe(true);
    expect(states(a, 4079).every((s) => s === ChunkState.Unheld)).toBe(true);
    expect(a.blockAt(p + 5 * PAGE + 7)).toEqual({
      kind: 'allocation',
      start: p,
      bytes: 8 * PAGE,
      requested: 8 * PAGE,
      owner: -1,
      detail: ['page-level block: order 3 from the buddy zone'],
    });
    expect(a.ownerOf(p)).toBe(-1);
    expect(a.checkInvariants()).toEqual([]);
    expect(a.freePages(0, p, 3)).toBe(FREE_OK);
    expect(a.counters()).toMatchObject({ frees: 1, requestedBytes: 0, allocatedBytes: 0, heldBytes: 64 * PAGE });
    expect(a.buddyinfo()).toEqual(new NtaAllocator({ preset: 'patch2' }).buddyinfo());
    expect(a.checkInvariants()).toEqual([]);
  });

  it('rejects bad orders and CPUs, counting failed allocations only', () => {
    const a = new NtaAllocator({ preset: 'patch2', cpus: 2 });
    expect(a.allocPages(2, 0)).toBe(AllocError.BadCpu);
    expect(a.allocPages(0, -1)).toBe(AllocError.BadSize);
    expect(a.allocPages(0, 0.5)).toBe(AllocError.BadSize);
    expect(a.allocPages(0, 11)).toBe(AllocError.TooLarge);
    // Of the three order-10 blocks, the first was split for the initial regions.
    expect(a.allocPages(1, 10)).toBe(a.geometry.baseAddress + 1024 * PAGE);
    expect(a.allocPages(1, 10)).toBe(a.geometry.baseAddress + 2048 * PAGE);
    expect(a.allocPages(1, 10)).toBe(AllocError.NoSpace);
    expect(a.counters().failures).toBe(4);
  });

  describe('free errors leave every byte unchanged', () => {
    const setup = () => {
      const a = new NtaAllocator({ preset: 'patch2', cpus: 2 });
      const page = a.allocPages(0, 2);
      const obj = a.alloc(0, 100);
      return { a, page, obj };
    };
    const cases: [string, (s: ReturnType<typeof setup>) => number, number][] = [
      ['freePages with another order', (s) => s.a.freePages(0, s.page, 1), FreeError.WrongSize],
      ['freePages inside the block', (s) => s.a.freePages(0, s.page + PAGE, 0), FreeError.UnknownPointer],
      ['freePages unaligned', (s) => s.a.freePages(0, s.page + 32, 2), FreeError.UnknownPointer],
      ['freePages of an NTA region', (s) => s.a.freePages(0, s.obj, 0), FreeError.UnknownPointer],
      ['freePages of a free zone block', (s) => s.a.freePages(0, s.page - 64 * PAGE, 0), FreeError.UnknownPointer],
      ['freePages outside the pool', (s) => s.a.freePages(0, s.page + 4096 * PAGE, 0), FreeError.UnknownPointer],
      ['freePages on a bad cpu', (s) => s.a.freePages(2, s.page, 2), FreeError.BadCpu],
      ['free of a page-level block', (s) => s.a.free(0, s.page, 4 * PAGE), FreeError.UnknownPointer],
      [
        'freePages twice',
        (s) => {
          s.a.freePages(1, s.page, 2);
          return s.a.freePages(1, s.page, 2);
        },
        FreeError.UnknownPointer,
      ],
    ];
    it.each(cases)('%s', (name, act, code) => {
      const s = setup();
      const before = name === 'freePages twice' ? null : bufferBytes(s.a);
      expect(act(s)).toBe(code);
      if (before) expect(firstDiff(bufferBytes(s.a), before)).toBe(-1);
      expect(s.a.checkInvariants()).toEqual([]);
    });

    it('a failed allocPages changes nothing but the failure counter', () => {
      const { a } = setup();
      a.allocPages(1, 10);
      a.allocPages(1, 10);
      const before = stateBytes(a, ['counters']);
      expect(a.allocPages(0, 10)).toBe(AllocError.NoSpace);
      expect(a.allocPages(0, 12)).toBe(AllocError.TooLarge);
      expect(firstDiff(stateBytes(a, ['counters']), before)).toBe(-1);
    });
  });
});

describe(`NTA virtual pools over the zone: ${MAX_PAGES} pages`, () => {
  it('blog: the whole pool reserved as 4096 order-10 blocks, the only page-major writes', () => {
    const a = new NtaAllocator({ preset: 'blog', regions: MAX_PAGES, maxPages: MAX_PAGES, cpus: 4 });
    expect(a.counters().heldBytes).toBe(MAX_PAGES * PAGE);
    const heads = a.v.zHeadOf.reduce((n, x) => n + (x !== 0 ? 1 : 0), 0);
    expect(heads).toBe(MAX_PAGES / 1024);
    expect(a.dirty.segGen.reduce((n, g) => n + (g !== 0 ? 1 : 0), 0)).toBe(MAX_PAGES / 1024);
    expect(a.checkInvariants()).toEqual([]);
  });

  it('patch2: 64 CPUs of initial regions, growth and page-level blocks from a 16 GiB zone', () => {
    const a = new NtaAllocator({ preset: 'patch2', maxPages: MAX_PAGES, cpus: 4 });
    const base = a.geometry.baseAddress;
    expect(a.counters().heldBytes).toBe(4 * 64 * PAGE);
    const big = a.allocPages(3, 10);
    expect(big).toBe(base + 1024 * PAGE); // the head of the order-10 list after [0, 1024) was split
    for (let i = 0; i < 8; i++) expect(a.alloc(3, 32768)).toBeGreaterThanOrEqual(0);
    const g = a.alloc(3, 4000); // grows: the zone's smallest block, the order-8 one at 256
    expect(g).toBe(base + 256 * PAGE);
    expect(a.ownerOf(g)).toBe(3);
    expect(a.freePages(0, big, 10)).toBe(FREE_OK);
    expect(a.counters().heldBytes).toBe((4 * 64 + 8) * PAGE);
    expect(a.checkInvariants()).toEqual([]);
  });
});

/** Random ops with page-level blocks and growth on every preset: invariants (pages conserved) after each. */
describe('invariants hold after every op with page-level blocks and growth (fast-check)', () => {
  const PRESETS: [string, Partial<NtaParams>][] = [
    ['blog', { preset: 'blog', regions: 6, maxPages: 6 }],
    ['patch1', { preset: 'patch1', regions: 2 }],
    ['patch2', { preset: 'patch2', regions: 1, growPages: 8 }],
  ];
  const op = fc.record({
    kind: fc.integer({ min: 0, max: 11 }),
    cpu: fc.nat(3),
    // up to a patch2 region (32 KiB) and beyond: multi-page requests and too-large ones
    bytes: fc.oneof(fc.integer({ min: 1, max: 40000 }), fc.integer({ min: 1, max: 300 })),
    pick: fc.nat(),
  });
  for (const [name, params] of PRESETS) {
    it(name, () => {
      const seen = { pages: 0, grew: 0 };
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { minLength: 1, maxLength: 200 }), (cpus, ops) => {
          // 8 pages of initial regions per CPU (patch1: 2 of order 2; patch2: 1 of order 3), 40 more in the zone.
          const maxPages = params.preset === 'blog' ? 6 : 8 * cpus + 40;
          const a = new NtaAllocator({ ...params, maxPages, cpus });
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
              if (p >= 0) live.push({ p, n: o.bytes });
              else if (a.handedOut(o.bytes) > 0) expect([AllocError.NoSpace, AllocError.GrowFailed]).toContain(p);
              else expect(p).toBe(AllocError.TooLarge);
              if (a.counters().heldBytes > held) seen.grew++;
            } else {
              const [x] = live.splice(o.pick % live.length, 1);
              expect(a.free(cpu, x.p, x.n)).toBe(FREE_OK);
            }
            const errs = a.checkInvariants();
            if (errs.length) throw new Error(errs.join('\n'));
          }
          const n = a.counters();
          const pageBytes = blocks.reduce((s, b) => s + PAGE * 2 ** b.order, 0);
          expect(n.requestedBytes).toBe(live.reduce((s, x) => s + x.n, 0) + pageBytes);
        }),
        { numRuns: 40 },
      );
      if (params.preset === 'patch2') expect(seen.grew).toBeGreaterThan(0);
      if (params.preset !== 'blog') expect(seen.pages).toBeGreaterThan(0);
    });
  }
});

describe('checkInvariants sees pages lost between the zone and NTA', () => {
  const cases: [string, (a: NtaAllocator) => void][] = [
    ['a page taken from the zone that nobody holds', (a) => a.zone.alloc(0)],
    ['a page-level block that lost its marker', (a) => (a.v.nodePages[4080] = 0)],
    ['a grown node the zone thinks free', (a) => a.zone.free(4092, 0)],
    ['the zone free count', (a) => (a.v.zLock[1] += 1)],
    ['an initial block given back to the zone', (a) => a.zone.free(0, 6)],
  ];
  it.each(cases)('%s', (_name, corrupt) => {
    const a = new NtaAllocator({ preset: 'patch2' });
    a.allocPages(0, 3); // 4080..4087
    for (let i = 0; i < 8; i++) a.alloc(0, 32768);
    a.alloc(0, 100); // grows: 4092 first
    expect(a.checkInvariants()).toEqual([]);
    corrupt(a);
    expect(a.checkInvariants().length).toBeGreaterThan(0);
  });
});

describe("the zone's fields keep NTA fast", () => {
  it('the views object stays in V8 fast mode with the zone fields in the layout (a dictionary halved the op rate)', () => {
    // 22 fields built by keyed stores one at a time became a dictionary: every read of this.v on
    // the hot path a hash lookup. core/layout.ts viewsOf builds the object at once.
    setFlagsFromString('--allow-natives-syntax');
    const hasFast = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
    for (const preset of ['blog', 'patch2'] as const) {
      const a = new NtaAllocator({ preset });
      expect(a.fields.length).toBeGreaterThan(20);
      expect(hasFast(a.v)).toBe(true);
    }
  });
});
