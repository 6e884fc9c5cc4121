/**
 * Why a SLAB kmalloc failed (Allocator.explainFailure). __cache_alloc (mm/slab.c, 2.6.18) pops
 * the CPU's array; cache_alloc_refill then tries the shared array, the partial and free slabs;
 * with nothing there cache_grow asks the zone for 2^gfporder pages (and, off-slab, a management
 * object from its slabp_cache), and only when that fails does kmalloc return NULL (core.ts). So at
 * a failure the request's cache has no free object anywhere but in OTHER CPUs' arrays, and the
 * zone has no block of the cache's order (or the management object could not be had). The free
 * memory the CPU could not use: objects in other CPUs' arrays (of any cache), objects of other
 * caches in the shared arrays, free objects of other caches in their slabs (and in this CPU's own
 * arrays), and the zone's blocks below the order needed.
 * Cost: one walk of every cache's three slab lists and their objects, and of the zone's lists.
 */
import { paragraphOf, SpanSink, type FailureExplanation, type UnusableReason } from '../../core/explain';
import { readZone, zoneRefusal } from '../buddy/explain';
import { CACHED, FREE, L_FREE, L_FULL, L_PARTIAL, LIVE, MGMT, NSTRIDE, objChunk, SHARED } from './layout';
import { SLAB_CHUNK_BYTES } from './params';
import type { SlabAllocator } from './slab';

/** Where each free object of every slab lies, by why `cpu` could not take it. */
function readObjects(s: SlabAllocator, cpu: number): Map<UnusableReason, SpanSink> {
  const sinks = new Map<UnusableReason, SpanSink>(
    (['other-cpu-caches', 'shared-array', 'other-classes'] as const).map((r) => [r, new SpanSink()]),
  );
  const sink = (r: UnusableReason) => sinks.get(r) as SpanSink;
  s.caches.forEach((c, k) => {
    for (const L of [L_FULL, L_PARTIAL, L_FREE]) {
      for (let q = s.node[k * NSTRIDE + 2 * L]; q; q = s.slNext[q - 1]) {
        for (let i = 0; i < c.num; i++) {
          const obj = objChunk(s, k, q - 1, i);
          const st = s.objState[obj];
          if (st === LIVE || st === MGMT) continue;
          const at = s.base + obj * SLAB_CHUNK_BYTES;
          const r: UnusableReason =
            st === FREE
              ? 'other-classes'
              : st === SHARED
                ? 'shared-array'
                : st - CACHED === cpu
                  ? 'other-classes'
                  : 'other-cpu-caches';
          sink(r).add(at, c.objBytes);
        }
      }
    }
  });
  return sinks;
}

export function slabExplain(s: SlabAllocator, cpu: number, bytes: number): FailureExplanation {
  const rounded = s.handedOut(bytes);
  const k = rounded > 0 ? s.caches.findIndex((c) => c.csSize >= bytes) : -1;
  const c = k >= 0 ? s.caches[k] : null;
  const order = c ? c.gfporder : 0;
  const zone = readZone(s, order);
  const sinks = readObjects(s, cpu);
  let refused: string;
  if (!c) refused = `too large: the largest cache is ${s.caches[s.caches.length - 1].name}`;
  else if (zone.largestOrder >= order && c.offSlab)
    refused = `cache_grow of ${c.name} refused: its off-slab management (${s.caches[c.mgmtCache].name}) could not be had`;
  else refused = `cache_grow of ${c.name} refused: ${zoneRefusal(order, zone.largestOrder, s.geometry.pageBytes)}`;
  const unusable = [
    (sinks.get('other-cpu-caches') as SpanSink).done('other-cpu-caches'),
    (sinks.get('shared-array') as SpanSink).done('shared-array'),
    (sinks.get('other-classes') as SpanSink).done('other-classes'),
    zone.fragments,
  ].filter((u) => u.bytes > 0);
  const e = {
    label: s.label,
    cpu,
    bytes,
    rounded,
    sizeClass: c ? `${c.name}, order-${order} slabs` : null,
    largest: zone.top.runs,
    unusable,
    refused,
  };
  return { ...e, paragraph: paragraphOf(e, 'block in the zone') };
}
