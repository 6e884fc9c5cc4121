import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NtaAllocator } from './nta';
import { seedExampleLog } from './example';
import { seedExampleOps } from '../../workloads/generators';
import { AllocError, ChunkState, FreeError, type BlockInfo } from '../../core/types';
import type { NtaParams } from './presets';
import { applyRandom, bufferBytes, type Live } from '../test-util';

const SEED_LOG = readFileSync(new URL('./testdata/seed-2006-08-02.txt', import.meta.url), 'utf8')
  .trimEnd()
  .split('\n');

/** Container addresses differ by design (see log.ts): blank them in both logs. */
const blankContainers = (l: string) =>
  l
    .replace(/reuse container 0x[0-9a-f]+/, 'reuse container C')
    .replace(/(lc|rc|cont): (0x[0-9a-f]+|\(nil\))/g, '$1: C');

describe('the seed worked example (2 Aug 2006)', () => {
  const ours = seedExampleLog(seedExampleOps());
  it("prints the seed's lines, numbers and data pointers exactly", () => {
    expect(ours.length).toBe(SEED_LOG.length);
    expect(ours.map(blankContainers)).toEqual(SEED_LOG.map(blankContainers));
  });
  it('splits runs of 4, 7 and 3 chunks and merges back to 128, 3744 and 4096 bytes', () => {
    expect(ours.filter((l) => l.startsWith('avl_update_node: node')).map((l) => /num: (\d+)/.exec(l)![1])).toEqual([
      '4',
      '7',
      '3',
    ]);
    expect(ours.filter((l) => /container for pointer/.test(l)).map((l) => /size: (\d+)/.exec(l)![1])).toEqual([
      '128',
      '3744',
      '4096',
    ]);
    expect(ours).toContain('avl_free: found free left neighbour at 0x25541c0, bits: 114.');
    expect(ours).toContain('avl_free: found free left neighbour at 0x2554160, bits: 117.');
    expect(ours).toContain('avl_free: found free right neighbour at 0x2554000, bits: 4.');
  });
  it("keeps containers in the free run itself: the container printed is the run's first chunk", () => {
    expect(ours).toContain('avl_update_node: reuse container 0x2554080 in pos 123 with ptr 0x2554080.');
  });
});

const small = (o: Partial<NtaParams>) => new NtaAllocator({ preset: 'blog', regions: 4, maxPages: 4, ...o });

describe('allocation', () => {
  it('hands out the low part of the oldest run of the smallest fitting size', () => {
    const a = small({});
    const base = a.geometry.baseAddress;
    expect(a.alloc(0, 1)).toBe(base); // 1 chunk from page 0, tail of 127 appended
    expect(a.alloc(0, 4096)).toBe(base + 4096); // page 1 is the oldest 128-chunk run
    expect(a.alloc(0, 33)).toBe(base + 32); // 2 chunks from the 127-chunk tail on page 0
  });
  it('rejects bad sizes and CPUs and reports no space', () => {
    const a = small({});
    expect(a.alloc(0, 0)).toBe(AllocError.BadSize);
    expect(a.alloc(0, 1.5)).toBe(AllocError.BadSize);
    expect(a.alloc(0, 4097)).toBe(AllocError.TooLarge);
    expect(a.alloc(1, 8)).toBe(AllocError.BadCpu);
    for (let i = 0; i < 4; i++) expect(a.alloc(0, 4096)).toBeGreaterThanOrEqual(0);
    expect(a.alloc(0, 32)).toBe(AllocError.NoSpace);
    expect(a.counters().failures).toBe(4);
  });
  it('PATCH2 grows by 8 one-page nodes, retries once, and fails when capacity is exhausted', () => {
    const a = new NtaAllocator({ preset: 'patch2', regions: 1, maxPages: 8 + 8 + 4 });
    expect(a.counters().heldBytes).toBe(8 * 4096);
    expect(a.alloc(0, 32768)).toBeGreaterThanOrEqual(0);
    expect(a.alloc(0, 100)).toBeGreaterThanOrEqual(0); // grew
    expect(a.counters().heldBytes).toBe(16 * 4096);
    expect(a.alloc(0, 8192)).toBe(AllocError.NoSpace); // grown nodes are one page: growth cannot help
    expect(a.counters().heldBytes).toBe(20 * 4096); // but it did take the last 4 pages
    for (let i = 0; i < 12; i++) a.alloc(0, 4096);
    expect(a.alloc(0, 4096)).toBe(AllocError.GrowFailed);
    expect(a.checkInvariants()).toEqual([]);
  });
});

describe('free errors leave the state unchanged', () => {
  const cases: [string, (a: NtaAllocator, p: number) => number, number][] = [
    ['unknown pointer (middle of an allocation)', (a, p) => a.free(0, p + 32, 100), FreeError.UnknownPointer],
    ['unknown pointer (unaligned)', (a, p) => a.free(0, p + 1, 100), FreeError.UnknownPointer],
    ['unknown pointer (outside the pool)', (a) => a.free(0, 0x10, 100), FreeError.UnknownPointer],
    ['wrong size', (a, p) => a.free(0, p, 99), FreeError.WrongSize],
    [
      'double free',
      (a, p) => {
        a.free(0, p, 100);
        return a.free(0, p, 100);
      },
      FreeError.DoubleFree,
    ],
    ['bad cpu', (a, p) => a.free(7, p, 100), FreeError.BadCpu],
    ['unmap of an unmapped allocation', (a, p) => a.unmap(0, p), FreeError.BadMapState],
    [
      'map twice',
      (a, p) => {
        a.map(0, p);
        return a.map(0, p);
      },
      FreeError.BadMapState,
    ],
  ];
  for (const [name, act, code] of cases) {
    it(name, () => {
      const a = small({});
      const p = a.alloc(0, 100);
      a.alloc(0, 50);
      const before = bufferBytes(a);
      let r = act(a, p);
      if (name === 'double free' || name === 'map twice') {
        expect(r).toBe(code);
        const again = bufferBytes(a);
        r = act === cases[4][1] ? a.free(0, p, 100) : a.map(0, p);
        expect(bufferBytes(a)).toEqual(again);
      } else {
        expect(bufferBytes(a)).toEqual(before);
      }
      expect(r).toBe(code);
      expect(a.checkInvariants()).toEqual([]);
    });
  }
});

describe('per-CPU pools and remote frees', () => {
  it("queues a foreign free on the owner (pending) and drains it at the owner's next free", () => {
    const a = new NtaAllocator({ preset: 'blog', regions: 4, maxPages: 4, cpus: 2 });
    const p0 = a.alloc(0, 200),
      q0 = a.alloc(0, 64);
    expect(a.ownerOf(p0)).toBe(0);
    expect(a.free(1, p0, 200)).toBe(0); // CPU 1 frees CPU 0's buffer
    const states = new Uint8Array(4 * 128);
    a.snapshot(states);
    const c = (p0 - a.geometry.baseAddress) / 32;
    expect([...states.subarray(c, c + 7)]).toEqual(Array(7).fill(ChunkState.PendingRemote));
    expect(a.counters().pendingBytes).toBe(224);
    expect(a.checkInvariants()).toEqual([]);
    expect(a.alloc(0, 8)).toBeGreaterThanOrEqual(0); // allocation never drains
    expect(a.counters().pendingBytes).toBe(224);
    expect(a.free(0, q0, 64)).toBe(0); // the owner's free drains its queue
    expect(a.counters().pendingBytes).toBe(0);
    expect(a.checkInvariants()).toEqual([]);
  });
  it("drainOnAlloc=1 (the seed's proposal) drains the owner's queue at its next allocation too", () => {
    for (const drainOnAlloc of [0, 1]) {
      const a = new NtaAllocator({ preset: 'blog', regions: 4, maxPages: 4, cpus: 2, drainOnAlloc });
      const p = a.alloc(0, 200);
      a.free(1, p, 200);
      a.alloc(0, 8);
      expect(a.counters().pendingBytes).toBe(drainOnAlloc ? 0 : 224);
      expect(a.checkInvariants()).toEqual([]);
    }
  });
  it('postpones the free of a mapped allocation until unmap', () => {
    const a = small({});
    const p = a.alloc(0, 300);
    expect(a.map(0, p)).toBe(0);
    expect(a.free(0, p, 300)).toBe(0);
    expect(a.counters().postponedBytes).toBe(320);
    expect(a.alloc(0, 4096)).toBeGreaterThanOrEqual(0);
    expect(a.checkInvariants()).toEqual([]);
    expect(a.unmap(0, p)).toBe(0);
    expect(a.counters().postponedBytes).toBe(0);
    expect(a.checkInvariants()).toEqual([]);
  });
});

/** Random op sequences on every preset; invariants after every op. */
const op = fc.record({
  kind: fc.integer({ min: 0, max: 9 }),
  cpu: fc.nat(3),
  bytes: fc.integer({ min: 1, max: 9000 }),
  pick: fc.nat(),
});
const PRESETS: [string, Partial<NtaParams>][] = [
  ['blog', { preset: 'blog', regions: 6, maxPages: 6 }],
  ['patch1', { preset: 'patch1', regions: 2, maxPages: 0 }],
  ['patch2', { preset: 'patch2', regions: 1, maxPages: 0, growPages: 8 }],
  ['patch2 64-byte chunks', { preset: 'patch2', chunkBytes: 64, regions: 1, maxPages: 0, growPages: 8 }],
];
describe('invariants hold after every op (fast-check)', () => {
  for (const [name, params] of PRESETS) {
    it(name, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { minLength: 1, maxLength: 300 }), (cpus, ops) => {
          const init =
            params.preset === 'blog'
              ? {}
              : { maxPages: (params.regions! << (params.preset === 'patch1' ? 2 : 3)) * cpus + 24 };
          const a = new NtaAllocator({ ...params, ...init, cpus });
          const live: { p: number; n: number; mapped: boolean }[] = [];
          for (const o of ops) {
            const cpu = o.cpu % cpus;
            if (o.kind < 5 || live.length === 0) {
              const p = a.alloc(cpu, o.bytes);
              if (p >= 0) live.push({ p, n: o.bytes, mapped: false });
            } else if (o.kind === 9) {
              expect(a.free(cpu, a.geometry.baseAddress + 8, 1)).toBeLessThan(0);
            } else {
              const i = o.pick % live.length;
              const x = live[i];
              if (o.kind === 8 && !x.mapped) {
                expect(a.map(cpu, x.p)).toBe(0);
                x.mapped = true;
                continue;
              }
              expect(a.free(cpu, x.p, x.n)).toBe(0);
              if (x.mapped && o.pick % 2) expect(a.unmap(cpu, x.p)).toBe(0);
              live.splice(i, 1);
            }
            const errs = a.checkInvariants();
            if (errs.length) throw new Error(errs.join('\n'));
          }
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('blockAt', () => {
  const CH = 32;
  it('answers the same allocation for its first, a middle and its last byte; free runs give their full extent', () => {
    const a = small({});
    const base = a.geometry.baseAddress;
    const p1 = a.alloc(0, 120),
      p2 = a.alloc(0, 200),
      p3 = a.alloc(0, 70);
    expect(a.free(0, p2, 200)).toBe(0);
    const first = { kind: 'allocation', start: p1, bytes: 128, requested: 120, owner: 0 };
    for (const x of [p1, p1 + 50, p1 + 127]) expect(a.blockAt(x)).toEqual(first);
    expect(a.blockAt(p3 + 95)).toEqual({ kind: 'allocation', start: p3, bytes: 96, requested: 70, owner: 0 });
    const hole = { kind: 'free', start: p2, bytes: 224, requested: 0, owner: 0 };
    for (const x of [p2, p2 + 100, p2 + 223]) expect(a.blockAt(x)).toEqual(hole);
    const tail = { kind: 'free', start: base + 14 * CH, bytes: 4096 - 14 * CH, requested: 0, owner: 0 };
    expect(a.blockAt(base + 14 * CH)).toEqual(tail);
    expect(a.blockAt(base + 4095)).toEqual(tail);
    // Page 1 is its own node (blog): its free run does not run on into page 0's bits.
    expect(a.blockAt(base + 4096 + 7)).toEqual({
      kind: 'free',
      start: base + 4096,
      bytes: 4096,
      requested: 0,
      owner: 0,
    });
  });
  it('says null outside the pool', () => {
    const a = small({});
    const base = a.geometry.baseAddress;
    for (const x of [base - 1, base + 4 * 4096, NaN, Infinity, -Infinity, 0]) expect(a.blockAt(x)).toBeNull();
  });
  it('shows pending remote frees, mapped and postponed blocks with their requested bytes and the real owner', () => {
    const a = new NtaAllocator({ preset: 'blog', regions: 4, maxPages: 4, cpus: 2 });
    const base = a.geometry.baseAddress;
    const p0 = a.alloc(0, 200),
      m = a.alloc(0, 300);
    expect(a.free(1, p0, 200)).toBe(0);
    expect(a.blockAt(p0 + 64)).toEqual({ kind: 'pending-remote', start: p0, bytes: 224, requested: 200, owner: 0 });
    expect(a.map(0, m)).toBe(0);
    expect(a.blockAt(m + 319)).toEqual({ kind: 'mapped', start: m, bytes: 320, requested: 300, owner: 0 });
    expect(a.free(1, m, 300)).toBe(0);
    expect(a.blockAt(m)).toMatchObject({ kind: 'postponed', start: m, requested: 300 });
    expect(a.blockAt(base + 2 * 4096)).toMatchObject({ kind: 'free', owner: 1 }); // CPU 1's half of the pool
  });
  it("reports the zone's free pages as unheld (the whole free block) and grown pages with the CPU that grew", () => {
    const a = new NtaAllocator({ preset: 'patch2', regions: 1, maxPages: 16 + 8 + 8, cpus: 2 });
    const base = a.geometry.baseAddress;
    // 32 pages: one order-5 block, the initial 16 reserved from it, [16, 32) left free as order 4.
    expect(a.blockAt(base + 17 * 4096 + 40)).toEqual({
      kind: 'unheld',
      start: base + 16 * 4096,
      bytes: 16 * 4096,
      requested: 0,
      owner: -1,
      detail: ['free in the buddy zone: an order-4 block'],
    });
    expect(a.alloc(1, 32768)).toBe(base + 8 * 4096);
    const g = a.alloc(1, 100); // grows 8 one-page nodes for CPU 1
    expect(g).toBe(base + 16 * 4096);
    expect(a.blockAt(g + 64)).toEqual({ kind: 'allocation', start: g, bytes: 128, requested: 100, owner: 1 });
    expect(a.blockAt(base + 8 * 4096 + 20000)).toEqual({
      kind: 'allocation',
      start: base + 8 * 4096,
      bytes: 32768,
      requested: 32768,
      owner: 1,
    });
  });
  it('tiles every held node with blocks that agree with the chunk states (fast-check)', () => {
    const KIND_STATES: Record<string, number[]> = {
      allocation: [ChunkState.Used, ChunkState.Waste],
      free: [ChunkState.Free],
      'pending-remote': [ChunkState.PendingRemote],
      mapped: [ChunkState.Mapped],
      postponed: [ChunkState.Postponed],
      unheld: [ChunkState.Unheld],
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(op, { minLength: 1, maxLength: 120 }), (cpus, ops) => {
        const a = new NtaAllocator({ preset: 'patch2', regions: 1, maxPages: 8 * cpus + 16, cpus });
        const live: { p: number; n: number }[] = [];
        for (const o of ops) {
          const cpu = o.cpu % cpus;
          if (o.kind < 5 || live.length === 0) {
            const p = a.alloc(cpu, o.bytes);
            if (p >= 0) live.push({ p, n: o.bytes });
            continue;
          }
          const i = o.pick % live.length;
          const x = live[i];
          if (o.kind === 8) {
            a.map(cpu, x.p);
            continue;
          }
          a.free(cpu, x.p, x.n);
          live.splice(i, 1);
        }
        const states = new Uint8Array(a.geometry.pages * a.cpp);
        a.snapshot(states);
        const { baseAddress: base, pages, pageBytes } = a.geometry;
        const bad: string[] = [];
        const same = (x: BlockInfo | null, y: BlockInfo) =>
          x !== null &&
          x.kind === y.kind &&
          x.start === y.start &&
          x.bytes === y.bytes &&
          x.requested === y.requested &&
          x.owner === y.owner;
        for (let addr = base; addr < base + pages * pageBytes;) {
          const b = a.blockAt(addr)!;
          if (b.start !== addr) bad.push(`block at ${addr} starts at ${b.start}`);
          for (let c = (addr - base) / CH; c < (addr - base + b.bytes) / CH; c++) {
            if (!KIND_STATES[b.kind].includes(states[c])) bad.push(`chunk ${c}: ${b.kind} but state ${states[c]}`);
            if (!same(a.blockAt(base + c * CH + 5), b)) bad.push(`chunk ${c}: another block than its block's start`);
          }
          if (b.kind !== 'unheld' && b.owner !== a.ownerOf(addr)) bad.push(`block at ${addr}: owner ${b.owner}`);
          addr += b.bytes;
        }
        expect(bad).toEqual([]);
        for (const x of live) expect(a.blockAt(x.p)).toMatchObject({ start: x.p, requested: x.n });
      }),
      { numRuns: 40 },
    );
  });
});

describe('virtual pools: untouched initial regions are implied, never written', () => {
  const BIG = 1_048_576;
  it("a fresh pool writes no page-major field of its own, and the zone only its blocks' heads", () => {
    const a = new NtaAllocator({ preset: 'patch2', regions: 1024, maxPages: 16384 + 100, cpus: 2 });
    for (const f of a.fields)
      if (f.perPage > 0 && !f.name.startsWith('z')) expect(f.view.every((x) => x === 0)).toBe(true);
    // 16484 pages: 16 order-10 blocks taken at start, then 64 + 32 + 4 pages free as three blocks.
    const heads = a.v.zHeadOf.reduce((n, x) => n + (x !== 0 ? 1 : 0), 0);
    expect(heads).toBe(16 + 3);
    expect(a.buddyinfo()).toEqual([0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0]);
    expect(a.dirty.segGen.reduce((n, g) => n + (g !== 0 ? 1 : 0), 0)).toBe(16 + 2);
  });
  it('untouched regions are free runs of their CPU, for every question asked of them', () => {
    const a = new NtaAllocator({ preset: 'blog', regions: BIG, maxPages: BIG, cpus: 4 });
    const base = a.geometry.baseAddress;
    const page = 3 * (BIG / 4) + 5; // CPU 3's sixth page
    expect(a.blockAt(base + page * 4096 + 100)).toEqual({
      kind: 'free',
      start: base + page * 4096,
      bytes: 4096,
      requested: 0,
      owner: 3,
    });
    expect(a.ownerOf(base + page * 4096)).toBe(3);
    const states = new Uint8Array(2 * 128);
    a.pageStates(page, 2, states);
    expect(states.every((s) => s === ChunkState.Free)).toBe(true);
    expect(a.free(3, base + page * 4096, 32)).toBe(FreeError.DoubleFree); // free memory, as any free run
    expect(a.freeSummary()).toEqual({ bytes: [4096], counts: [BIG] });
    expect(a.largestFree(2)).toBe(4096);
    expect(a.counters().heldBytes).toBe(BIG * 4096);
    expect(a.checkInvariants()).toEqual([]);
  });
  it('allocations take the untouched regions in address order, after nothing else on that list', () => {
    const a = new NtaAllocator({ preset: 'patch1', regions: 1000, cpus: 2 }); // order-2 nodes: 16 KiB
    const base = a.geometry.baseAddress;
    const x = a.alloc(1, 16384); // CPU 1's first node: region 1000
    expect(x).toBe(base + 1000 * 16384);
    expect(a.alloc(1, 16384)).toBe(base + 1001 * 16384);
    expect(a.free(1, x, 16384)).toBe(0); // region 1000 is whole again: linked at the list's tail
    expect(a.alloc(1, 16384)).toBe(base + 1002 * 16384); // untouched ones come first
    expect(a.alloc(1, 100)).toBe(base + 1003 * 16384); // the list's head is still untouched
    expect(a.checkInvariants()).toEqual([]);
    const touched = a.fields.find((f) => f.name === 'pageNode')!.view;
    expect(touched.subarray(4 * 1004).every((n) => n === 0)).toBe(true); // the rest never written
  });
  it('invariants hold after every op on 1,048,576 pages (fast-check, a few thousand ops)', () => {
    const big = fc.record({
      kind: fc.integer({ min: 0, max: 9 }),
      cpu: fc.nat(3),
      bytes: fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 300 })),
      pick: fc.nat(),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(big, { minLength: 500, maxLength: 1000, size: 'max' }),
        (cpus, ops) => {
          const a = new NtaAllocator({ preset: 'blog', regions: BIG, maxPages: BIG, cpus });
          const live: Live[] = [];
          for (const o of ops) {
            applyRandom(a, o, live);
            const errs = a.checkInvariants();
            if (errs.length) throw new Error(errs.join('\n'));
          }
        },
      ),
      { numRuns: 4 },
    );
  });
  it('invariants hold after every op at the seed size, 4094 pages (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(op, { minLength: 1, maxLength: 300, size: 'max' }),
        (cpus, ops) => {
          const a = new NtaAllocator({ preset: 'blog', cpus });
          const live: Live[] = [];
          for (const o of ops) {
            applyRandom(a, o, live);
            const errs = a.checkInvariants();
            if (errs.length) throw new Error(errs.join('\n'));
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('checkInvariants detects corruption, untouched regions included', () => {
  const cases: [string, (v: NtaAllocator['v']) => void][] = [
    ['a page of an untouched region written', (v) => (v.pageNode[40] = 41)],
    ['a chunk in an untouched region (small pool: checked byte by byte)', (v) => (v.block[40 * 128 + 3] = 8)],
    ['a head inside an allocation', (v) => (v.block[2] = 1)],
    ['the size of an allocation', (v) => (v.block[0] += 1 << 3)],
    ['the full-region list count', (v) => v.listCount[127]++],
    ['the untouched cursor past its CPU', (v) => (v.untouched[0] = 99)],
    ['a touched page without a node', (v) => (v.pageNode[1] = 0)],
    ['a free bit inside an allocation', (v) => (v.bitmap[0] |= 2)],
  ];
  it.each(cases)('%s', (_name, corrupt) => {
    const a = new NtaAllocator({ preset: 'blog', regions: 64, maxPages: 64 });
    a.alloc(0, 100);
    a.alloc(0, 4096);
    expect(a.checkInvariants()).toEqual([]);
    corrupt(a.v);
    expect(a.checkInvariants().length).toBeGreaterThan(0);
  });
});
