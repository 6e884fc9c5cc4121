/**
 * The allocator contract (core/types.ts), checked the same way on every kind through the registry.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAllocator, type AllocatorSpec } from './registry';
import type { Allocator, BlockInfo, FreeSummary } from '../core/types';
import { summaryOf } from '../core/metrics';
import { MAX_CPUS } from '../core/limits';
import { applyRandom, type Live, type RandomOp } from './test-util';

const SPECS: [string, AllocatorSpec][] = [
  ['nta blog', { kind: 'nta', preset: 'blog', overrides: { regions: 12, maxPages: 12 } }],
  ['nta patch2', { kind: 'nta', preset: 'patch2', overrides: { regions: 1, maxPages: 64 } }],
  ['pow2', { kind: 'pow2', overrides: { pages: 12 } }],
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

/** Free blocks as the metric defines them: free runs or slots, and pow2's untaken pool pages. */
const isFree = (a: Allocator, b: BlockInfo) => b.kind === 'free' || (b.kind === 'unheld' && a.name === 'pow2');

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
      .filter((b) => isFree(a, b) && b.owner === cpu)
      .map((b) => b.bytes),
  );
}

describe('freeSummary and largestFree equal a brute-force recount (fast-check)', () => {
  for (const [name, spec] of SPECS) {
    it(name, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.array(randomOp, { maxLength: 200 }), (cpus, ops) => {
          const a = createAllocator(spec, cpus);
          const live: Live[] = [];
          for (const o of ops) applyRandom(a, o, live);
          expect(a.freeSummary()).toEqual(bruteSummary(a));
          for (let cpu = 0; cpu < cpus; cpu++) expect(a.largestFree(cpu)).toBe(bruteLargest(a, cpu));
        }),
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
  ] as AllocatorSpec[]) {
    it(`${spec.kind}${spec.kind === 'nta' ? ':' + spec.preset : ''}: every CPU allocates, frees its own and its neighbour's blocks`, () => {
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
        pendingBytes: 0,
        requestedBytes: 33 * MAX_CPUS,
      });
      expect(a.checkInvariants()).toEqual([]);
      expect(() => createAllocator(spec, MAX_CPUS + 1)).toThrow(/cpus/);
    });
  }
});
