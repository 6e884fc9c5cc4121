/**
 * fast-check: random ops on 1-4 CPUs, sizes from 1 byte to several pages (kmalloc_large and
 * multi-page slabs), frees on any CPU, bad frees and named caches, with the full invariant check
 * after every op: no overlap, pages conserved between the zone and the slabs, the zone's blocks
 * coalesced (its own check), slab counts matching their objects, counters equal to a recount.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAllocator, type AllocatorSpec } from '../registry';
import { applyRandom, type Live, type RandomOp } from '../test-util';
import type { Allocator } from '../../core/types';

const op: fc.Arbitrary<RandomOp> = fc.record({
  kind: fc.integer({ min: 0, max: 9 }),
  cpu: fc.nat(3),
  bytes: fc.oneof(
    fc.integer({ min: 1, max: 256 }),
    fc.integer({ min: 1, max: 4096 }),
    fc.integer({ min: 4097, max: 40000 }),
  ),
  pick: fc.nat(),
});

/**
 * Every few allocations go to a named cache (kmem_cache_alloc) of a trace's object size. A bad
 * free names base + 4: test-util's base + 8 can be a live kmalloc-8 object of 1 byte here.
 */
function apply(a: Allocator, o: RandomOp, live: Live[]): void {
  if (o.kind === 9) expect(a.free(o.cpu % a.cpus, a.geometry.baseAddress + 4, 1)).toBeLessThan(0);
  else if (o.kind === 5 && a.allocIn) {
    const size = [24, 160, 232, 704][o.pick % 4];
    const p = a.allocIn(o.cpu % a.cpus, Math.min(o.bytes, size), 1 + (o.pick % 4), size);
    if (p >= 0) live.push({ p, n: Math.min(o.bytes, size), mapped: false });
  } else applyRandom(a, o, live);
}

const SPECS: [string, AllocatorSpec][] = [
  ['slub:2.6.22', { kind: 'slub', preset: '2.6.22', overrides: { pages: 40 } }],
  ['slub:3.6-i386', { kind: 'slub', preset: '3.6-i386', overrides: { pages: 40 } }],
  ['slub:6.6-x86_64', { kind: 'slub', preset: '6.6-x86_64', overrides: { pages: 40 } }],
  ['slub:6.6-x86_64 cpuPartial=0', { kind: 'slub', preset: '6.6-x86_64', overrides: { pages: 40, cpuPartial: 0 } }],
  [
    'slub:3.6-i386 minObjects=2 maxOrder=0',
    { kind: 'slub', preset: '3.6-i386', overrides: { pages: 33, minObjects: 2, maxOrder: 0 } },
  ],
  ['buddy', { kind: 'buddy', overrides: { pages: 40 } }],
];

describe('invariants after every op (fast-check)', () => {
  for (const [name, spec] of SPECS) {
    it(name, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 250, size: 'max' }), (cpus, ops) => {
          const a = createAllocator(spec, cpus);
          const live: Live[] = [];
          for (const o of ops) {
            apply(a, o, live);
            const bad = a.checkInvariants();
            if (bad.length) throw new Error(`after ${JSON.stringify(o)}: ${bad.slice(0, 5).join('; ')}`);
          }
          // Everything freed: no live bytes; SLUB keeps only slabs that are allowed to stay.
          for (const x of live.splice(0)) expect(a.free(0, x.p, x.n)).toBe(0);
          expect(a.counters()).toMatchObject({ requestedBytes: 0, allocatedBytes: 0 });
          expect(a.checkInvariants()).toEqual([]);
        }),
        { numRuns: 25 },
      );
    });
  }
});
