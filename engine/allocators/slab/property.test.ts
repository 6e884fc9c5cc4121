/**
 * SLAB property tests (fast-check), every preset, 1 to 4 CPUs, kmallocs up to 140,000 bytes
 * (multi-page slabs, too-large requests), kfrees on any CPU, bad frees, page blocks, reaping on a
 * fast clock, pools small enough to run out.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { summaryOf } from '../../core/metrics';
import { firstDiff, stateBytes } from '../test-util';
import { MAX_ORDER } from '../buddy/zone';
import type { SlabAllocator } from './slab';
import { applySlabOp, makeSlab, PRESETS, slabOp, type Held } from './test-driver';

const setup = fc.record({
  cpus: fc.integer({ min: 1, max: 4 }),
  pages: fc.integer({ min: 24, max: 300 }),
  // 0 = no reaping; small values reap every few ops.
  opsPerSecond: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
});

describe('invariants hold after every op (fast-check)', () => {
  for (const preset of PRESETS)
    it(preset, () => {
      fc.assert(
        fc.property(setup, fc.array(slabOp, { maxLength: 300, size: 'max' }), (s, ops) => {
          const a = makeSlab(preset, s.cpus, { pages: s.pages, opsPerSecond: s.opsPerSecond });
          const held: Held[] = [];
          ops.forEach((o, i) => {
            const r = applySlabOp(a, o, held);
            const errs = a.checkInvariants();
            if (errs.length > 0) throw new Error(`after op ${i} (${JSON.stringify(o)} -> ${r}): ${errs.join('; ')}`);
          });
        }),
        { numRuns: 40 },
      );
    });
});

/** The state a failed call must leave alone: every field but the per-CPU counters, and the counters but failures. */
function stateOf(a: SlabAllocator) {
  const { failures: _f, ...k } = a.counters();
  return { bytes: stateBytes(a, ['counters']), k };
}

describe('a failed call leaves the state byte-identical (fast-check)', () => {
  it('failed kmallocs, page allocs, bad and double frees, on exhausted pools', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PRESETS),
        setup,
        fc.array(slabOp, { maxLength: 200, size: 'max' }),
        (preset, s, ops) => {
          const a = makeSlab(preset, s.cpus, { pages: Math.min(s.pages, 48), opsPerSecond: s.opsPerSecond });
          const held: Held[] = [];
          let failed = 0;
          for (const o of ops) {
            const before = stateOf(a);
            const copy = held.slice();
            const r = applySlabOp(a, o, held);
            // A double free too: free again what was just freed.
            const again =
              r === 0 && o.kind < 11 && copy.length > held.length ? copy.find((x) => !held.includes(x)) : undefined;
            // A burst (kinds 11, 12) may fail after ops that succeeded: only single ops are compared.
            if (r < 0 && o.kind < 11) {
              failed++;
              const after = stateOf(a);
              expect(firstDiff(after.bytes, before.bytes)).toBe(-1);
              expect(after.k).toEqual(before.k);
            }
            if (again) {
              const b = stateOf(a);
              const r2 = again.order >= 0 ? a.freePages(0, again.p, again.order) : a.free(0, again.p, again.n);
              expect(r2).toBeLessThan(0);
              expect(firstDiff(stateOf(a).bytes, b.bytes)).toBe(-1);
            }
          }
          return failed >= 0;
        },
      ),
      { numRuns: 40 },
    );
  });
});

/** Free blocks by walking blockAt over every object and the zone's free blocks page by page. */
function bruteSummary(a: SlabAllocator) {
  const { baseAddress: base, pages, pageBytes } = a.geometry;
  const sizes: number[] = [];
  const cap = a.caches[a.caches.length - 1].objBytes;
  for (let at = base; at < base + pages * pageBytes;) {
    const b = a.blockAt(at);
    if (!b || b.start !== at) throw new Error(`no block starts at ${at}`);
    if (b.kind === 'free') sizes.push(b.bytes);
    at += b.bytes;
  }
  for (let p = 0; p < pages; p++) {
    const z = a.zone.freeBlockAt(p);
    if (!z || z.first !== p) continue;
    const bytes = pageBytes << z.order;
    for (let n = 0; n < Math.max(1, bytes / cap); n++) sizes.push(Math.min(bytes, cap));
  }
  return summaryOf(sizes);
}

/** The largest cache object an allocation on `cpu` gets: tried on a copy, cache by cache. */
function bruteLargest(a: SlabAllocator, cpu: number): number {
  for (let k = a.caches.length - 1; k >= 0; k--) {
    const b = makeSlab(a.params.preset, a.cpus, { ...a.params });
    b.fields.forEach((f, i) => f.view.set(a.fields[i].view));
    if (b.alloc(cpu, a.caches[k].csSize) >= 0) return a.caches[k].objBytes;
  }
  return 0;
}

describe('queries agree with brute force (fast-check)', () => {
  it('freeSummary, largestFree, pageStates(first, count)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PRESETS),
        setup,
        fc.array(slabOp, { maxLength: 150, size: 'max' }),
        fc.nat(),
        fc.nat(),
        (preset, s, ops, x, y) => {
          const a = makeSlab(preset, s.cpus, { pages: s.pages, opsPerSecond: s.opsPerSecond });
          const held: Held[] = [];
          for (const o of ops) applySlabOp(a, o, held);
          expect(a.freeSummary()).toEqual(bruteSummary(a));
          for (let cpu = 0; cpu < s.cpus; cpu++) expect(a.largestFree(cpu)).toBe(bruteLargest(a, cpu));
          const all = new Uint8Array(s.pages * 128);
          a.snapshot(all);
          const first = x % s.pages,
            count = y % (s.pages - first + 1);
          const part = new Uint8Array(count * 128);
          a.pageStates(first, count, part);
          expect(firstDiff(part, all.subarray(first * 128, (first + count) * 128))).toBe(-1);
          expect(MAX_ORDER).toBe(11);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('dirty pages: every op stamps the segment of every page whose fields it changed (fast-check)', () => {
  it('on pools past several 64-page segments', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PRESETS),
        fc.integer({ min: 1, max: 4 }),
        fc.array(slabOp, { minLength: 50, maxLength: 200, size: 'max' }),
        (preset, cpus, ops) => {
          const a = makeSlab(preset, cpus, { pages: 300, opsPerSecond: 7 });
          const paged = a.fields.filter((f) => f.perPage > 0);
          const held: Held[] = [];
          // Whole pages first, so that later slabs lie past page 64.
          for (let i = 0; i < 70; i++) applySlabOp(a, { kind: 0, cpu: 0, bytes: 4096, pick: 0 }, held);
          for (const o of ops) {
            const before = paged.map((f) => f.view.slice());
            const since = a.dirty.advance();
            applySlabOp(a, o, held);
            paged.forEach((f, k) => {
              const was = before[k],
                now = f.view;
              for (let i = 0; i < now.length; i++) {
                if (now[i] === was[i]) continue;
                const page = Math.floor(i / f.perPage);
                if (!(a.dirty.segGen[page >>> 6] > since))
                  throw new Error(
                    `${f.name} of page ${page} changed, its segment is stamped ${a.dirty.segGen[page >>> 6]}`,
                  );
                i = (page + 1) * f.perPage - 1;
              }
            });
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('fields round trip: copied into a fresh instance, both go on identically (fast-check)', () => {
  it('every preset', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PRESETS),
        setup,
        fc.array(slabOp, { maxLength: 120 }),
        fc.array(slabOp, { maxLength: 120 }),
        (preset, s, first, then) => {
          const o = { pages: s.pages, opsPerSecond: s.opsPerSecond };
          const a = makeSlab(preset, s.cpus, o);
          const heldA: Held[] = [];
          for (const op of first) applySlabOp(a, op, heldA);
          const b = makeSlab(preset, s.cpus, o);
          b.fields.forEach((f, i) => f.view.set(a.fields[i].view));
          // The runtime never rewinds dirty stamps; the checker skips segments never stamped.
          b.dirty.segGen.set(a.dirty.segGen);
          const heldB = heldA.map((h) => ({ ...h }));
          for (const op of then) expect(applySlabOp(b, op, heldB)).toBe(applySlabOp(a, op, heldA));
          expect(b.checkInvariants()).toEqual([]);
          expect(b.counters()).toEqual(a.counters());
          expect(firstDiff(stateBytes(b), stateBytes(a))).toBe(-1);
        },
      ),
      { numRuns: 25 },
    );
  });
});
