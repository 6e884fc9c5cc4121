/**
 * Random op driving for SLAB's tests (used by *.test.ts only): kmallocs of every size (multi-page
 * slabs too), kfrees on any CPU, bad frees, and page-level allocs and frees.
 */
import fc from 'fast-check';
import type { AllocatorSpec } from '../registry';
import { createAllocator } from '../registry';
import type { SlabAllocator } from './slab';
import { SLAB_PRESETS, type SlabParams } from './params';

export interface SlabOp {
  /**
   * 0..4 kmalloc, 8 a bad free, 9 alloc pages, 11 a burst of kmallocs of one size, 12 a burst of
   * frees of the newest blocks on one CPU (arrays overflow into the shared array and the slabs),
   * else a free of a random live block (kfree or free pages).
   */
  kind: number;
  cpu: number;
  bytes: number;
  pick: number;
}

export interface Held {
  p: number;
  n: number;
  /** Page block of this order, or -1 for a kmalloc. */
  order: number;
}

export const slabOp: fc.Arbitrary<SlabOp> = fc.record({
  kind: fc.integer({ min: 0, max: 12 }),
  cpu: fc.nat(3),
  bytes: fc.oneof(
    fc.integer({ min: 1, max: 300 }),
    fc.integer({ min: 1, max: 4096 }),
    fc.integer({ min: 1, max: 140000 }),
    fc.constantFrom(32, 33, 64, 65, 96, 97, 128, 129, 192, 193, 256, 4096, 4097, 131072),
  ),
  pick: fc.nat(),
});

/** A SLAB through the registry, as the runtime builds it. */
export function makeSlab(preset: string, cpus: number, overrides: Partial<SlabParams> = {}): SlabAllocator {
  const spec = { kind: 'slab', preset, overrides } as AllocatorSpec;
  return createAllocator(spec, cpus) as SlabAllocator;
}

export const PRESETS = SLAB_PRESETS;

/** Apply one op; `held` follows the live allocations. Returns the op's result. */
export function applySlabOp(a: SlabAllocator, o: SlabOp, held: Held[]): number {
  const cpu = o.cpu % a.cpus;
  if (o.kind === 11 || o.kind === 12) {
    let last = 0;
    const n = Math.min(1 + (o.pick % 150), o.bytes > 4096 ? 12 : 150);
    for (let j = 0; j < n; j++) {
      if (o.kind === 11) {
        last = a.alloc(cpu, o.bytes);
        if (last >= 0) held.push({ p: last, n: o.bytes, order: -1 });
      } else {
        const x = held.pop();
        if (!x) break;
        last = x.order >= 0 ? a.freePages(cpu, x.p, x.order) : a.free(cpu, x.p, x.n);
      }
    }
    return last;
  }
  if (o.kind === 8) return a.free(cpu, a.geometry.baseAddress + 8 + 32 * (o.pick % 64), 1);
  if (o.kind === 9) {
    const order = o.pick % 4;
    const p = a.allocPages(cpu, order);
    if (p >= 0) held.push({ p, n: 0, order });
    return p;
  }
  if (o.kind <= 4 || held.length === 0) {
    const p = a.alloc(cpu, o.bytes);
    if (p >= 0) held.push({ p, n: o.bytes, order: -1 });
    return p;
  }
  const i = o.pick % held.length;
  const x = held[i];
  const r = x.order >= 0 ? a.freePages(cpu, x.p, x.order) : a.free(cpu, x.p, x.n);
  if (r === 0) held.splice(i, 1);
  return r;
}
