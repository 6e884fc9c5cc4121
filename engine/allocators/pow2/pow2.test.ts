import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Pow2Allocator } from './pow2';
import { POW2_DEFAULTS } from './params';
import { AllocError, ChunkState, FreeError, FREE_OK } from '../../core/types';
import { MAX_CPUS, MAX_PAGES } from '../../core/limits';
import { applyRandom, bufferBytes, countOf, fieldView, firstDiff, stateBytes, type Live } from '../test-util';

const BASE = POW2_DEFAULTS.baseAddress;
const PAGE = 4096;
const CPP = 128; // chunks per page

function snap(a: Pow2Allocator): Uint8Array {
  const out = new Uint8Array(a.geometry.pages * CPP);
  a.snapshot(out);
  return out;
}
function pageStates(a: Pow2Allocator, page: number): number[] {
  return Array.from(snap(a).subarray(page * CPP, (page + 1) * CPP));
}
const bytesOf = bufferBytes;
/** The state without the per-CPU failure counters (a failed alloc is counted there). */
function stateOf(a: Pow2Allocator): Uint8Array {
  return stateBytes(a, ['failures']);
}

describe('pow2 size classes', () => {
  it.each([
    [1, 32, 1, 0],
    [32, 32, 1, 0],
    [33, 64, 2, 0],
    [64, 64, 2, 0],
    [65, 128, 3, 1],
    [200, 256, 7, 1],
    [257, 512, 9, 7],
    [2049, 4096, 65, 63],
    [4096, 4096, 128, 0],
  ])('%i bytes -> class %i (%i used, %i waste chunks)', (bytes, cls, used, waste) => {
    const a = new Pow2Allocator({ pages: 4 });
    const addr = a.alloc(0, bytes);
    expect(addr).toBe(BASE);
    const s = pageStates(a, 0);
    expect(s.slice(0, used).every((x) => x === ChunkState.Used)).toBe(true);
    expect(s.slice(used, used + waste).every((x) => x === ChunkState.Waste)).toBe(true);
    expect(s.slice(used + waste).every((x) => x === ChunkState.Free)).toBe(true);
    expect(a.counters()).toMatchObject({ allocs: 1, requestedBytes: bytes, allocatedBytes: cls, heldBytes: PAGE });
    expect(a.checkInvariants()).toEqual([]);
    expect(a.free(0, addr, bytes)).toBe(FREE_OK);
    expect(a.checkInvariants()).toEqual([]);
  });

  it('rejects bad sizes and bad cpus', () => {
    const a = new Pow2Allocator({ pages: 4, cpus: 2 });
    expect(a.alloc(0, 0)).toBe(AllocError.BadSize);
    expect(a.alloc(0, -5)).toBe(AllocError.BadSize);
    expect(a.alloc(0, 1.5)).toBe(AllocError.BadSize);
    expect(a.alloc(0, NaN)).toBe(AllocError.BadSize);
    expect(a.alloc(0, Infinity)).toBe(AllocError.BadSize);
    expect(a.alloc(0, 131073)).toBe(AllocError.TooLarge); // above size-131072
    expect(a.alloc(2, 32)).toBe(AllocError.BadCpu);
    expect(a.alloc(-1, 32)).toBe(AllocError.BadCpu);
    expect(a.alloc(0.5, 32)).toBe(AllocError.BadCpu);
    expect(a.counters().failures).toBe(6); // BadCpu is not counted
    expect(a.counters().allocs).toBe(0);
  });

  it('hands out the lowest free slot and reuses it after a free', () => {
    const a = new Pow2Allocator({ pages: 4 });
    const xs = [0, 1, 2, 3].map(() => a.alloc(0, 100)); // class 128
    expect(xs).toEqual([BASE, BASE + 128, BASE + 256, BASE + 384]);
    expect(a.free(0, xs[1], 100)).toBe(FREE_OK);
    expect(a.free(0, xs[2], 100)).toBe(FREE_OK);
    expect(a.alloc(0, 97)).toBe(BASE + 128);
    expect(a.alloc(0, 128)).toBe(BASE + 256);
    expect(a.alloc(0, 65)).toBe(BASE + 512);
    expect(a.checkInvariants()).toEqual([]);
  });
});

describe('pow2 pages come from the buddy zone', () => {
  it('takes one page per class from the zone, a new one when full, gives empty pages back', () => {
    const a = new Pow2Allocator({ pages: 8 }); // the zone: one order-3 block
    const small: number[] = [];
    for (let i = 0; i < 128; i++) small.push(a.alloc(0, 32));
    expect(small[127]).toBe(BASE + 127 * 32);
    expect(a.alloc(0, 64)).toBe(BASE + PAGE); // class 64: the zone's next page (the split's order-0 half)
    expect(a.alloc(0, 32)).toBe(BASE + 2 * PAGE); // page 0 full: class 32 gets page 2
    expect(a.counters().heldBytes).toBe(3 * PAGE);
    expect(a.buddyinfo()).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]); // page 3, pages 4..7
    expect(countOf(a.freeSummary(), PAGE)).toBe(1);
    expect(countOf(a.freeSummary(), 4 * PAGE)).toBe(1);
    expect(countOf(a.freeSummary(), 64)).toBe(63);
    expect(countOf(a.freeSummary(), 32)).toBe(127);
    // page 1 goes back to the zone when its only object is freed
    expect(a.free(0, BASE + PAGE, 64)).toBe(FREE_OK);
    expect(pageStates(a, 1).every((x) => x === ChunkState.Unheld)).toBe(true);
    expect(a.counters().heldBytes).toBe(2 * PAGE);
    expect(a.buddyinfo()).toEqual([2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    // the zone hands out the page it got back last (the head of its order-0 list), for a new class
    expect(a.alloc(0, 1000)).toBe(BASE + PAGE);
    // page 0 gets a slot back: it is partial again and is the head of class 32's list
    expect(a.free(0, small[5], 32)).toBe(FREE_OK);
    expect(a.alloc(0, 20)).toBe(small[5]);
    for (const x of small) expect(a.free(0, x, x === small[5] ? 20 : 32)).toBe(FREE_OK);
    expect(pageStates(a, 0).every((x) => x === ChunkState.Unheld)).toBe(true);
    expect(a.checkInvariants()).toEqual([]);
  });

  it('a CPU takes whatever page the zone gives and owns it until it goes back; any CPU may free', () => {
    const a = new Pow2Allocator({ pages: 5, cpus: 2 }); // the zone: order 2 at 0, order 0 at 4
    expect(a.alloc(1, 4096)).toBe(BASE + 4 * PAGE); // the smallest block first
    expect(a.alloc(1, 4096)).toBe(BASE); // then the order-2 block, split
    const x = a.alloc(0, 32);
    expect(x).toBe(BASE + PAGE);
    expect(a.ownerOf(BASE + 4 * PAGE + 7)).toBe(1);
    expect(a.ownerOf(BASE)).toBe(1);
    expect(a.ownerOf(x)).toBe(0);
    expect(a.ownerOf(BASE + 2 * PAGE)).toBe(-1); // the zone's
    expect(a.ownerOf(BASE - 1)).toBe(-1);
    expect(a.ownerOf(BASE + 5 * PAGE)).toBe(-1);
    expect(a.free(1, x, 32)).toBe(FREE_OK); // a cross-CPU free: page 1 back to the zone
    expect(a.free(0, BASE + 4 * PAGE, 4096)).toBe(FREE_OK); // page 4 too
    expect(a.alloc(1, 32)).toBe(BASE + 4 * PAGE); // the page the zone got back last
    expect(a.ownerOf(BASE + 4 * PAGE)).toBe(1);
    // No CPU has a share of the pool: CPU 1 takes every page left.
    expect(a.alloc(1, 4096)).toBe(BASE + PAGE);
    expect(a.alloc(1, 4096)).toBe(BASE + 2 * PAGE);
    expect(a.alloc(1, 4096)).toBe(BASE + 3 * PAGE);
    expect(a.alloc(0, 32)).toBe(AllocError.NoSpace);
    expect(a.checkInvariants()).toEqual([]);
    expect(a.counters()).toMatchObject({
      allocs: 7,
      frees: 2,
      failures: 1,
      requestedBytes: 4 * 4096 + 32,
      heldBytes: 5 * PAGE,
    });
  });

  it('fills the whole pool and then fails with NoSpace', () => {
    const a = new Pow2Allocator({ pages: 3 });
    for (let i = 0; i < 3 * 16; i++) expect(a.alloc(0, 256)).toBeGreaterThanOrEqual(BASE);
    expect(a.alloc(0, 256)).toBe(AllocError.NoSpace);
    expect(a.alloc(0, 32)).toBe(AllocError.NoSpace);
    expect(a.freeSummary()).toEqual({ bytes: [], counts: [] });
    expect(snap(a).every((x) => x === ChunkState.Used)).toBe(true);
    expect(a.checkInvariants()).toEqual([]);
  });

  it('map and unmap are unsupported', () => {
    const a = new Pow2Allocator({ pages: 2 });
    const x = a.alloc(0, 32);
    expect(a.map(0, x)).toBe(FreeError.BadMapState);
    expect(a.unmap(0, x)).toBe(FreeError.BadMapState);
  });
});

describe('pow2 blockAt', () => {
  it('gives the object slot of any byte: class size rounded, requested bytes, owner', () => {
    const a = new Pow2Allocator({ pages: 8, cpus: 2 });
    const x = a.alloc(0, 200),
      y = a.alloc(0, 200);
    expect(x).toBe(BASE);
    expect(a.free(0, y, 200)).toBe(FREE_OK);
    const obj = { kind: 'allocation', start: x, bytes: 256, requested: 200, owner: 0 };
    for (const at of [x, x + 100, x + 255]) expect(a.blockAt(at)).toEqual(obj);
    expect(a.blockAt(x + 256 + 17)).toEqual({ kind: 'free', start: x + 256, bytes: 256, requested: 0, owner: 0 });
    expect(a.blockAt(BASE + PAGE - 1)).toEqual({
      kind: 'free',
      start: BASE + PAGE - 256,
      bytes: 256,
      requested: 0,
      owner: 0,
    });
    const z = a.alloc(1, 33); // the zone's next page (1), class 64, CPU 1's
    expect(z).toBe(BASE + PAGE);
    expect(a.blockAt(z + 63)).toEqual({ kind: 'allocation', start: z, bytes: 64, requested: 33, owner: 1 });
  });
  it("reports the zone's free blocks whole, owned by nobody, and null outside the pool", () => {
    const a = new Pow2Allocator({ pages: 6, cpus: 2 }); // order 2 at 0, order 1 at 4
    expect(a.blockAt(BASE + 5 * PAGE + 9)).toEqual({
      kind: 'unheld',
      start: BASE + 4 * PAGE,
      bytes: 2 * PAGE,
      requested: 0,
      owner: -1,
      detail: ['free in the buddy zone: an order-1 block'],
    });
    for (const at of [BASE - 1, BASE + 6 * PAGE, NaN, -Infinity, Infinity]) expect(a.blockAt(at)).toBeNull();
  });
});

describe('pow2 error paths leave the state byte-identical', () => {
  function setup() {
    const a = new Pow2Allocator({ pages: 6, cpus: 2 }); // the zone: order 2 at 0, order 1 at 4
    const live = a.alloc(0, 200); // page 4, class 256
    const freed = a.alloc(0, 200); // page 4 slot 1, then freed
    a.free(0, freed, 200);
    a.alloc(1, 4096); // page 5
    a.alloc(1, 4096); // page 0
    a.alloc(1, 4096); // page 1; pages 2 and 3 are left in the zone
    return { a, live, freed };
  }
  const frees: [string, (s: ReturnType<typeof setup>) => number, number][] = [
    ['bad cpu', (s) => s.a.free(2, s.live, 200), FreeError.BadCpu],
    ['below the pool', (s) => s.a.free(0, BASE - 256, 200), FreeError.UnknownPointer],
    ['past the pool', (s) => s.a.free(0, BASE + 6 * PAGE, 200), FreeError.UnknownPointer],
    ['not a chunk multiple', (s) => s.a.free(0, s.live + 1, 200), FreeError.UnknownPointer],
    ['not an integer', (s) => s.a.free(0, s.live + 0.5, 200), FreeError.UnknownPointer],
    ['inside an object', (s) => s.a.free(0, s.live + 32, 200), FreeError.UnknownPointer],
    ['never-allocated slot', (s) => s.a.free(0, s.live + 512, 200), FreeError.UnknownPointer],
    ['a free page of the zone', (s) => s.a.free(0, BASE + 2 * PAGE, 200), FreeError.UnknownPointer],
    ['NaN', (s) => s.a.free(0, NaN, 200), FreeError.UnknownPointer],
    ['double free', (s) => s.a.free(1, s.freed, 200), FreeError.DoubleFree],
    ['wrong size', (s) => s.a.free(0, s.live, 256), FreeError.WrongSize],
    ['wrong size, same class', (s) => s.a.free(1, s.live, 199), FreeError.WrongSize],
    ['map', (s) => s.a.map(0, s.live), FreeError.BadMapState],
    ['unmap', (s) => s.a.unmap(0, s.live), FreeError.BadMapState],
  ];
  it.each(frees)('free: %s', (_name, op, code) => {
    const s = setup();
    const before = bytesOf(s.a);
    expect(op(s)).toBe(code);
    expect(bytesOf(s.a)).toEqual(before);
  });

  const allocs: [string, (a: Pow2Allocator) => number, number, number][] = [
    ['bad cpu', (a) => a.alloc(5, 32), AllocError.BadCpu, 0],
    ['zero', (a) => a.alloc(0, 0), AllocError.BadSize, 1],
    ['fraction', (a) => a.alloc(1, 31.5), AllocError.BadSize, 1],
    ['too large', (a) => a.alloc(0, 131073), AllocError.TooLarge, 1],
    ['no space', (a) => a.alloc(1, 32), AllocError.NoSpace, 1],
    ['no block of a big class', (a) => a.alloc(0, 5000), AllocError.NoSpace, 1],
  ];
  it.each(allocs)('alloc: %s', (_name, op, code, failures) => {
    const { a } = setup();
    a.alloc(1, 4096);
    a.alloc(1, 4096); // the zone is empty now
    const before = stateOf(a);
    const f0 = a.counters().failures;
    expect(op(a)).toBe(code);
    expect(stateOf(a)).toEqual(before);
    expect(a.counters().failures - f0).toBe(failures);
  });
});

describe('pow2 property: invariants hold after every op', () => {
  type Cmd =
    | { t: 'alloc'; cpu: number; bytes: number }
    | { t: 'free'; cpu: number; pick: number }
    | { t: 'bad'; cpu: number; pick: number; kind: number };
  const cmd = (cpus: number): fc.Arbitrary<Cmd> =>
    fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          t: fc.constant('alloc' as const),
          cpu: fc.nat(cpus - 1),
          bytes: fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 300 })),
        }),
      },
      { weight: 4, arbitrary: fc.record({ t: fc.constant('free' as const), cpu: fc.nat(cpus - 1), pick: fc.nat() }) },
      {
        weight: 1,
        arbitrary: fc.record({
          t: fc.constant('bad' as const),
          cpu: fc.nat(cpus - 1),
          pick: fc.nat(),
          kind: fc.nat(4),
        }),
      },
    );
  const scenario = fc.integer({ min: 1, max: 4 }).chain((cpus) =>
    fc.record({
      cpus: fc.constant(cpus),
      pages: fc.integer({ min: 8, max: 32 }),
      cmds: fc.array(cmd(cpus), { minLength: 20, maxLength: 300, size: 'max' }), // size 'max': long runs that fill the pool
    }),
  );

  it('random alloc/free sequences', () => {
    const seen = { noSpace: 0, release: 0, doubleFree: 0 };
    fc.assert(
      fc.property(scenario, ({ cpus, pages, cmds }) => {
        const a = new Pow2Allocator({ pages, cpus });
        const live: { addr: number; bytes: number }[] = [];
        const freed: { addr: number; bytes: number }[] = [];
        for (const c of cmds) {
          if (c.t === 'alloc') {
            const r = a.alloc(c.cpu, c.bytes);
            if (r >= 0) {
              expect(a.ownerOf(r)).toBe(c.cpu);
              expect(live.some((l) => l.addr === r)).toBe(false);
              live.push({ addr: r, bytes: c.bytes });
              const i = freed.findIndex((f) => f.addr === r);
              if (i >= 0) freed.splice(i, 1);
            } else {
              expect(r).toBe(AllocError.NoSpace);
              seen.noSpace++;
            }
          } else if (c.t === 'free') {
            if (live.length === 0) continue;
            const [x] = live.splice(c.pick % live.length, 1);
            const held = a.counters().heldBytes;
            expect(a.free(c.cpu, x.addr, x.bytes)).toBe(FREE_OK);
            if (a.counters().heldBytes < held) seen.release++;
            freed.push(x);
          } else {
            const before = bytesOf(a);
            let r: number;
            if (c.kind === 0 && live.length)
              r = a.free(c.cpu, live[c.pick % live.length].addr, live[c.pick % live.length].bytes + 1);
            else if (c.kind === 1 && live.length) {
              // Inside a live object; past a one-chunk object that may be the next live object, then 1 byte in.
              const x = live[c.pick % live.length].addr + 32 * (1 + (c.pick % 3));
              r = a.free(c.cpu, live.some((l) => l.addr === x) ? x + 1 : x, 32);
            } else if (c.kind === 2 && freed.length)
              r = a.free(c.cpu, freed[c.pick % freed.length].addr, freed[c.pick % freed.length].bytes);
            else r = a.free(c.cpu, BASE + pages * PAGE + 32 * (c.pick % 8), 32);
            expect(r).toBeLessThan(0);
            if (c.kind === 0 && live.length) expect(r).toBe(FreeError.WrongSize);
            if (r === FreeError.DoubleFree) seen.doubleFree++;
            expect(firstDiff(bytesOf(a), before)).toBe(-1);
          }
          const violations = a.checkInvariants();
          if (violations.length > 0) expect(violations).toEqual([]);
        }
        const n = a.counters();
        expect(n.requestedBytes).toBe(live.reduce((s, l) => s + l.bytes, 0));
        expect(n.allocs - n.frees).toBe(live.length);
      }),
      { numRuns: 150 },
    );
    expect(seen.noSpace).toBeGreaterThan(0);
    expect(seen.release).toBeGreaterThan(0);
    expect(seen.doubleFree).toBeGreaterThan(0);
  });
});

describe('pow2 shared memory', () => {
  it('an instance attached with init=false sees the same state', () => {
    const params = { pages: 48, cpus: 3, baseAddress: 0x100000 };
    const a = new Pow2Allocator(params);
    expect(a.buffers.every((b) => b instanceof SharedArrayBuffer)).toBe(true);
    for (let i = 0; i < 40; i++) expect(a.alloc(i % 3, 1 + ((i * 397) % 1024))).toBeGreaterThan(0);
    a.free(2, 0x100000, 1);
    const b = new Pow2Allocator(params, a.buffers, false);
    expect(snap(b)).toEqual(snap(a));
    expect(b.counters()).toEqual(a.counters());
    expect(b.checkInvariants()).toEqual([]);
    // ops through one are seen by the other
    const x = b.alloc(1, 100);
    expect(x).toBeGreaterThan(0);
    expect(a.free(0, x, 100)).toBe(FREE_OK);
    expect(snap(b)).toEqual(snap(a));
    expect(b.counters()).toEqual(a.counters());
    expect(a.checkInvariants()).toEqual([]);
  });

  it('works on a plain ArrayBuffer and re-initialises a dirty buffer', () => {
    const params = { pages: 4 };
    const bufs = new Pow2Allocator(params).buffers.map((b) => new ArrayBuffer(b.byteLength));
    for (const b of bufs) new Uint8Array(b).fill(0xab);
    const a = new Pow2Allocator(params, bufs);
    expect(a.checkInvariants()).toEqual([]);
    expect(a.alloc(0, 32)).toBe(BASE);
    expect(a.checkInvariants()).toEqual([]);
  });

  it('rejects bad params and too-small buffers', () => {
    expect(() => new Pow2Allocator({ cpus: 0 })).toThrow();
    expect(() => new Pow2Allocator({ cpus: MAX_CPUS + 1 })).toThrow();
    expect(() => new Pow2Allocator({ pages: MAX_PAGES + 1 })).toThrow();
    expect(() => new Pow2Allocator({ pageBytes: 3000 })).toThrow();
    expect(() => new Pow2Allocator({ pages: 0 })).toThrow();
    expect(() => new Pow2Allocator({ pages: 4 }, [new ArrayBuffer(16)])).toThrow();
  });

  it('defaults match the seed (4094 pages of 4096 bytes, 32-byte chunks)', () => {
    const a = new Pow2Allocator();
    expect(a.geometry).toEqual({ chunkBytes: 32, pageBytes: 4096, pages: 4094, baseAddress: 0x2554000 });
    expect(a.name).toBe('pow2');
    expect(a.label).toBe('pow2 (SLAB-like)');
    // The zone's blocks: 4094 pages = 2 + 4 + ... + 512 + 3 x 1024; those above 131072 bytes (the
    // largest class) count as blocks of 131072: 4064 pages of orders 5..10 = 127 of them.
    expect(a.freeSummary()).toEqual({
      bytes: [1, 2, 3, 4, 5].map((o) => PAGE * 2 ** o),
      counts: [1, 1, 1, 1, 127],
    });
    expect(a.params.maxClassBytes).toBe(131072);
  });
});

describe('pow2 checkInvariants detects corruption', () => {
  type Mutate = (view: (name: string) => Uint8Array | Int32Array | Uint32Array | Float64Array) => void;
  const cases: [string, Mutate][] = [
    ['a live slot not handed out', (v) => (v('handedBits')[0] = 0)], // page 0's slot 0 is live
    ['requested bytes inside an object', (v) => (v('reqBytes')[3] = 5)],
    ['a counter', (v) => (v('counters')[2] += 1)],
    ['a partial list head', (v) => (v('partialHead')[0] = 1)],
    ['a live count', (v) => (v('pageLive')[0] = 1)],
    ['a free bit', (v) => (v('freeBits')[0] |= 1)],
    ['a page class', (v) => (v('pageClass')[1] = 3)],
    ['an owner', (v) => (v('pageOwner')[1] = 1)], // page 1 is CPU 1's: on its lists
    ['a page taken from the zone that no slab holds', (v) => (v('zHeadOf')[2] = 0x80)],
    ['state on a free page of the zone', (v) => (v('pageLive')[5] = 1)],
    ['a partial list link', (v) => (v('pageNext')[0] = 3)],
    ['a free-slot count', (v) => (v('cpuSlots')[3] += 1)],
  ];
  it.each(cases)('%s', (_name, mutate) => {
    const a = new Pow2Allocator({ pages: 8, cpus: 2 });
    a.alloc(0, 200);
    a.alloc(0, 200);
    a.alloc(1, 40);
    expect(a.checkInvariants()).toEqual([]);
    mutate((name) => fieldView(a, name));
    expect(a.checkInvariants().length).toBeGreaterThan(0);
  });
});

describe('pow2 virtual pools: pages never taken are never written', () => {
  const BIG = 1_048_576;
  it("a fresh pool writes no page-major field of its own, and the zone only its blocks' heads", () => {
    const a = new Pow2Allocator({ pages: 20000, cpus: 3 }); // 19 x 1024 + 512 + 32
    for (const f of a.fields)
      if (f.perPage > 0 && !f.name.startsWith('z')) expect(f.view.every((x) => x === 0)).toBe(true);
    expect(a.zone.check()).toEqual([]);
    expect(a.buddyinfo()).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 19]);
    expect(a.dirty.segGen.reduce((n, g) => n + (g !== 0 ? 1 : 0), 0)).toBe(19 + 2);
  });
  it('a 1,048,576-page pool answers from counts and the zone: summary, largest free, pages in the order the zone gives', () => {
    const a = new Pow2Allocator({ pages: BIG, cpus: 4 });
    const MAXC = 32 * PAGE; // the largest class: an order-10 block holds 32 of them
    expect(a.freeSummary()).toEqual({ bytes: [MAXC], counts: [1024 * 32] });
    expect(a.alloc(3, 100)).toBe(BASE);
    expect(a.alloc(3, 4096)).toBe(BASE + PAGE);
    expect(a.free(3, BASE, 100)).toBe(FREE_OK); // page 0 back to the zone
    expect(a.alloc(3, 3000)).toBe(BASE); // and out again: the head of the order-0 list
    expect(a.freeSummary()).toEqual({
      bytes: [1, 2, 3, 4, 5].map((o) => PAGE * 2 ** o),
      counts: [1, 1, 1, 1, 1 + 2 + 4 + 8 + 16 + 1023 * 32],
    });
    expect(a.largestFree(3)).toBe(MAXC);
    expect(a.blockAt(BASE + (BIG - 1) * PAGE)).toMatchObject({ kind: 'unheld', owner: -1, bytes: 1024 * PAGE });
    expect(a.checkInvariants()).toEqual([]);
  });
  it('invariants hold after every op on 1,048,576 pages (fast-check, a few thousand ops)', () => {
    const op = fc.record({
      kind: fc.integer({ min: 0, max: 9 }),
      cpu: fc.nat(3),
      bytes: fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 300 })),
      pick: fc.nat(),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(op, { minLength: 500, maxLength: 1000, size: 'max' }),
        (cpus, ops) => {
          const a = new Pow2Allocator({ pages: BIG, cpus });
          const live: Live[] = [];
          for (const o of ops) {
            applyRandom(a, o, live);
            const v = a.checkInvariants();
            if (v.length > 0) throw new Error(v.join('\n'));
          }
        },
      ),
      { numRuns: 3 },
    );
  });
  it('invariants hold after every op at the seed size, 4094 pages (fast-check)', () => {
    const op = fc.record({
      kind: fc.integer({ min: 0, max: 9 }),
      cpu: fc.nat(3),
      bytes: fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 64 })),
      pick: fc.nat(),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 300, size: 'max' }), (cpus, ops) => {
        const a = new Pow2Allocator({ cpus });
        const live: Live[] = [];
        for (const o of ops) {
          applyRandom(a, o, live);
          const v = a.checkInvariants();
          if (v.length > 0) throw new Error(v.join('\n'));
        }
      }),
      { numRuns: 20 },
    );
  });
});
