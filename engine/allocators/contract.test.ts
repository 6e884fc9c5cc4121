/**
 * The allocator contract (core/types.ts), checked the same way on every kind through the registry.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAllocator, type AllocatorSpec } from './registry';
import { FreeError, type Allocator, type BlockInfo, type FreeSummary } from '../core/types';
import { summaryOf } from '../core/metrics';
import { MAX_CPUS, MAX_PAGES } from '../core/limits';
import { applyRandom, firstDiff, stateBytes, type Live, type RandomOp } from './test-util';

const SPECS: [string, AllocatorSpec][] = [
  ['nta blog', { kind: 'nta', preset: 'blog', overrides: { regions: 12, maxPages: 12 } }],
  ['nta patch2', { kind: 'nta', preset: 'patch2', overrides: { regions: 1, maxPages: 64 } }],
  ['pow2', { kind: 'pow2', overrides: { pages: 12 } }],
  ['slub 2.6.22', { kind: 'slub', preset: '2.6.22', overrides: { pages: 24 } }],
  ['slub 3.6-i386', { kind: 'slub', preset: '3.6-i386', overrides: { pages: 24 } }],
  ['slub 6.6-x86_64', { kind: 'slub', preset: '6.6-x86_64', overrides: { pages: 24 } }],
  ['buddy', { kind: 'buddy', overrides: { pages: 24 } }],
];

const randomOp: fc.Arbitrary<RandomOp> = fc.record({
  kind: fc.integer({ min: 0, max: 9 }),
  cpu: fc.nat(3),
  bytes: fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 300 })),
  pick: fc.nat(),
});

/** Every block of the pool, walked with blockAt from the first address to the last. */
function blocks(a: Allocator): BlockInfo[] {
  const { baseAddress: base, pages, pageBytes } = a.geometry;
  const out: BlockInfo[] = [];
  for (let at = base; at < base + pages * pageBytes;) {
    const b = a.blockAt(at);
    if (!b || b.start !== at) throw new Error(`no block starts at ${at}`);
    out.push(b);
    at += b.bytes;
  }
  return out;
}

/** Free blocks as the metric defines them: free runs or slots, pow2's untaken pool pages, SLUB's zone blocks. */
const isFree = (a: Allocator, b: BlockInfo) =>
  b.kind === 'free' || (b.kind === 'unheld' && (a.name === 'pow2' || a.name === 'slub'));

function bruteSummary(a: Allocator): FreeSummary {
  return summaryOf(
    blocks(a)
      .filter((b) => isFree(a, b))
      .map((b) => b.bytes),
  );
}

function bruteLargest(a: Allocator, cpu: number): number {
  return Math.max(
    0,
    ...blocks(a)
      .filter((b) => isFree(a, b) && (b.owner === cpu || b.owner === -1)) // -1: any CPU may take it
      .map((b) => b.bytes),
  );
}

describe('freeSummary and largestFree equal a brute-force recount (fast-check)', () => {
  for (const [name, spec] of SPECS) {
    it(name, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 4 }),
          fc.array(randomOp, { maxLength: 200, size: 'max' }),
          (cpus, ops) => {
            const a = createAllocator(spec, cpus);
            const live: Live[] = [];
            for (const o of ops) applyRandom(a, o, live);
            expect(a.freeSummary()).toEqual(bruteSummary(a));
            for (let cpu = 0; cpu < cpus; cpu++) expect(a.largestFree(cpu)).toBe(bruteLargest(a, cpu));
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});

describe('pageStates(first, count) is the snapshot of those pages', () => {
  for (const [name, spec] of SPECS) {
    it(name, () => {
      fc.assert(
        fc.property(fc.array(randomOp, { maxLength: 100 }), fc.nat(), fc.nat(), (ops, x, y) => {
          const a = createAllocator(spec, 2);
          const live: Live[] = [];
          for (const o of ops) applyRandom(a, o, live);
          const { pages, pageBytes, chunkBytes } = a.geometry;
          const cpp = pageBytes / chunkBytes;
          const all = new Uint8Array(pages * cpp);
          a.snapshot(all);
          const first = x % pages,
            count = y % (pages - first + 1);
          const part = new Uint8Array(count * cpp);
          a.pageStates(first, count, part);
          expect(part).toEqual(all.subarray(first * cpp, (first + count) * cpp));
        }),
        { numRuns: 40 },
      );
    });
  }
});

describe(`${MAX_CPUS} CPUs`, () => {
  for (const spec of [
    { kind: 'nta', preset: 'blog' },
    { kind: 'nta', preset: 'patch2' },
    { kind: 'pow2' },
    { kind: 'slub', preset: '2.6.22' },
    { kind: 'slub', preset: '3.6-i386' },
    { kind: 'slub', preset: '6.6-x86_64' },
  ] as AllocatorSpec[]) {
    it(`${'preset' in spec ? `${spec.kind}:${spec.preset}` : spec.kind}: every CPU allocates, frees its own and its neighbour's blocks`, () => {
      const a = createAllocator(spec, MAX_CPUS);
      expect(a.cpus).toBe(MAX_CPUS);
      const mine: number[][] = [];
      for (let cpu = 0; cpu < MAX_CPUS; cpu++) {
        mine.push([100, 700, 33].map((n) => a.alloc(cpu, n)));
        expect(mine[cpu].every((p) => p >= 0 && a.ownerOf(p) === cpu)).toBe(true);
      }
      for (let cpu = 0; cpu < MAX_CPUS; cpu++) {
        expect(a.free(cpu, mine[cpu][0], 100)).toBe(0);
        expect(a.free((cpu + 1) % MAX_CPUS, mine[cpu][1], 700)).toBe(0); // a foreign CPU frees
      }
      for (let cpu = 0; cpu < MAX_CPUS; cpu++) a.drainRemote?.(cpu);
      expect(a.counters()).toMatchObject({
        allocs: 3 * MAX_CPUS,
        frees: 2 * MAX_CPUS,
        // drained: nothing pending (SLUB's pending bytes are its CPU slabs' free objects)
        ...(a.name === 'slub' ? {} : { pendingBytes: 0 }),
        requestedBytes: 33 * MAX_CPUS,
      });
      expect(a.checkInvariants()).toEqual([]);
      expect(() => createAllocator(spec, MAX_CPUS + 1)).toThrow(/cpus/);
    });
  }
});

/** Pools past one 64-page dirty segment, so that ops write pages of several segments. */
const WIDE: [string, AllocatorSpec][] = [
  ['nta blog', { kind: 'nta', preset: 'blog', overrides: { pageBytes: 1024, regions: 300, maxPages: 300 } }],
  ['nta patch2', { kind: 'nta', preset: 'patch2', overrides: { pageBytes: 1024, regions: 2, maxPages: 300 } }],
  ['pow2', { kind: 'pow2', overrides: { pageBytes: 1024, pages: 300 } }],
  ['slub 3.6-i386', { kind: 'slub', preset: '3.6-i386', overrides: { pages: 300 } }],
  ['slub 6.6-x86_64', { kind: 'slub', preset: '6.6-x86_64', overrides: { pages: 300 } }],
  ['buddy', { kind: 'buddy', overrides: { pages: 300 } }],
];
const wideOp: fc.Arbitrary<RandomOp> = fc.record({
  kind: fc.integer({ min: 0, max: 9 }),
  cpu: fc.nat(3),
  // Whole pages (many pages touched) and small objects (several pages of one class, linked).
  bytes: fc.oneof(
    fc.integer({ min: 1, max: 1024 }),
    fc.integer({ min: 600, max: 1024 }),
    fc.integer({ min: 1, max: 64 }),
  ),
  pick: fc.nat(),
});

describe('dirty pages: every op stamps the segment of every page whose fields it changed (fast-check)', () => {
  for (const [name, spec] of WIDE) {
    it(name, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 4 }),
          fc.array(wideOp, { minLength: 50, maxLength: 250, size: 'max' }),
          (cpus, ops) => {
            const a = createAllocator(spec, cpus);
            const paged = a.fields.filter((f) => f.perPage > 0);
            const live: Live[] = [];
            // CPU 0 takes 70 whole pages first: its later frees and allocations cross the segment boundary at page 64.
            for (let i = 0; i < 70; i++)
              applyRandom(a, { kind: 0, cpu: 0, bytes: a.geometry.pageBytes, pick: 0 }, live);
            for (const o of ops) {
              const before = paged.map((f) => f.view.slice());
              const since = a.dirty.advance();
              applyRandom(a, o, live);
              paged.forEach((f, k) => {
                const was = before[k],
                  now = f.view;
                for (let i = 0; i < now.length; i++) {
                  if (now[i] === was[i]) continue;
                  const page = Math.floor(i / f.perPage);
                  if (!(a.dirty.segGen[page >>> 6] > since))
                    throw new Error(
                      `${f.name} of page ${page} changed, its segment is stamped ${a.dirty.segGen[page >>> 6]} <= ${since}`,
                    );
                  i = (page + 1) * f.perPage - 1; // next page
                }
              });
            }
          },
        ),
        { numRuns: 15 },
      );
    });
  }
});

describe('never-stamped segments: zero in every per-page field, and pageStates is virginState (fast-check)', () => {
  // What lets a consumer skip them unread: a checkpoint of a virtual pool, a map's first picture.
  // Pools of several 1,024-page buddy blocks: a fresh zone lists them in address order.
  const ZONED: [string, AllocatorSpec][] = [
    ['nta blog', { kind: 'nta', preset: 'blog', overrides: { pageBytes: 1024, regions: 300, maxPages: 2600 } }],
    ['nta patch2', { kind: 'nta', preset: 'patch2', overrides: { pageBytes: 1024, regions: 2, maxPages: 2600 } }],
    ['pow2', { kind: 'pow2', overrides: { pageBytes: 1024, pages: 2600 } }],
    ['slub 6.6-x86_64', { kind: 'slub', preset: '6.6-x86_64', overrides: { pages: 2600 } }],
    ['buddy', { kind: 'buddy', overrides: { pages: 2600 } }],
  ];
  for (const [name, spec] of ZONED) {
    it(name, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.array(wideOp, { maxLength: 120, size: 'max' }), (cpus, ops) => {
          const a = createAllocator(spec, cpus);
          const live: Live[] = [];
          for (const o of ops) applyRandom(a, o, live);
          const { pages, pageBytes, chunkBytes } = a.geometry;
          const C = pageBytes / chunkBytes;
          const states = new Uint8Array(64 * C);
          for (let s = 0; s < a.dirty.segments; s++) {
            if (a.dirty.segGen[s] !== 0) continue;
            const p0 = s * 64,
              p1 = Math.min(pages, p0 + 64);
            for (const f of a.fields.filter((x) => x.perPage > 0)) {
              const i = f.view.subarray(p0 * f.perPage, p1 * f.perPage).findIndex((v) => v !== 0);
              if (i >= 0)
                throw new Error(
                  `${f.name} of page ${p0 + Math.floor(i / f.perPage)} is not zero, segment ${s} never stamped`,
                );
            }
            a.pageStates(p0, p1 - p0, states);
            for (let p = p0; p < p1; p++)
              for (let c = 0; c < C; c++)
                if (states[(p - p0) * C + c] !== a.virginState(p))
                  throw new Error(
                    `page ${p} chunk ${c}: state ${states[(p - p0) * C + c]}, virginState ${a.virginState(p)}`,
                  );
          }
        }),
        { numRuns: 15 },
      );
    });
  }
});

describe('fields round trip: copied into a fresh allocator, both go on identically (fast-check)', () => {
  for (const [name, spec] of [...SPECS, ...WIDE]) {
    it(name, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 4 }),
          fc.array(randomOp, { maxLength: 150, size: 'max' }),
          fc.array(randomOp, { maxLength: 150, size: 'max' }),
          (cpus, first, then) => {
            const a = createAllocator(spec, cpus);
            const liveA: Live[] = [];
            for (const o of first) applyRandom(a, o, liveA);
            const b = createAllocator(spec, cpus);
            b.fields.forEach((f, i) => f.view.set(a.fields[i].view));
            const liveB = liveA.map((x) => ({ ...x }));
            for (const o of then) expect(applyRandom(b, o, liveB)).toBe(applyRandom(a, o, liveA));
            expect(b.checkInvariants()).toEqual([]);
            expect(b.counters()).toEqual(a.counters());
            expect(b.freeSummary()).toEqual(a.freeSummary());
            const { pages, pageBytes, chunkBytes } = a.geometry;
            const sa = new Uint8Array((pages * pageBytes) / chunkBytes),
              sb = sa.slice();
            a.snapshot(sa);
            b.snapshot(sb);
            expect(firstDiff(sb, sa)).toBe(-1);
            expect(firstDiff(stateBytes(b), stateBytes(a))).toBe(-1);
          },
        ),
        { numRuns: 30 },
      );
    });
  }
});

describe(`the biggest pools: ${MAX_PAGES} pages (16 GiB), addresses past 2^32`, () => {
  // NTA blog: CPU 3's quarter of the pool. pow2: whatever page the zone gives, so its first three
  // quarters are taken as page-level blocks first; the zone's next block starts at the same page.
  const quarter = MAX_PAGES / 4;
  for (const [spec, lastOwner, summary] of [
    [
      { kind: 'nta', preset: 'blog', overrides: { regions: MAX_PAGES, maxPages: MAX_PAGES } },
      3,
      { bytes: [4096], counts: [MAX_PAGES] },
    ],
    // pow2: the zone's order-10 blocks as 32 blocks each of its largest class (131072 bytes)
    [{ kind: 'pow2', overrides: { pages: MAX_PAGES } }, -1, { bytes: [131072], counts: [quarter / 32] }],
  ] as [AllocatorSpec, number, FreeSummary][]) {
    it(`${spec.kind}: the last CPU allocates, frees and answers above 4 GiB`, () => {
      const a = createAllocator(spec, 4);
      const { baseAddress, pageBytes } = a.geometry;
      const last = baseAddress + (MAX_PAGES - 1) * pageBytes;
      expect(last).toBeGreaterThan(2 ** 34);
      if (a.name === 'pow2')
        for (let i = 0; i < (3 * quarter) / 1024; i++) expect(a.allocPages?.(0, 10)).toBeGreaterThan(0);
      const p = a.alloc(3, 100),
        q = a.alloc(3, 100);
      expect(p).toBe(baseAddress + 3 * quarter * pageBytes);
      expect(p).toBeGreaterThan(2 ** 32);
      expect(q).toBe(p + 128);
      expect(a.ownerOf(p)).toBe(3);
      expect(a.blockAt(p + 99)).toMatchObject({ kind: 'allocation', start: p, requested: 100, owner: 3 });
      expect(a.free(3, p + 32, 100)).toBeLessThan(0);
      expect(a.free(3, p, 100)).toBe(0);
      expect(a.free(3, p, 100)).toBe(FreeError.DoubleFree);
      expect(a.free(3, q, 100)).toBe(0);
      expect(a.blockAt(last + 5)).toMatchObject({ owner: lastOwner });
      expect(a.freeSummary()).toEqual(summary);
      expect(a.checkInvariants()).toEqual([]);
    });
  }
});
