/**
 * Why a SLUB kmalloc failed (Allocator.explainFailure). slab_alloc (mm/slub.c) takes the CPU's
 * freelist; __slab_alloc then the active slab's page->freelist, the CPU's partial slabs (3.6+),
 * the node's partial list, and last new_slab: 2^order pages from the zone, or 2^min order
 * (3.6, 6.6: the fallback); kmalloc_large asks the zone for 2^get_order(size) pages (slow.ts,
 * slub.ts). So at a failure the request's cache has no free object but in OTHER CPUs' frozen
 * slabs, and the zone has no block of the order asked. The free memory the CPU could not use:
 * free objects of other CPUs' frozen slabs (their active and per-CPU partial slabs), free
 * objects of other caches (in their slabs, or in this CPU's own frozen slabs), and the zone's
 * blocks below the order.
 * Cost: one pass over the page table (pgSlab) and the chunk states of every slab.
 */
import { formatSize, paragraphOf, SpanSink, type FailureExplanation } from '../../core/explain';
import { ChunkState } from '../../core/types';
import { readZone, zoneRefusal } from '../buddy/explain';
import { MAX_ORDER } from '../buddy/zone';
import { ISTRIDE, I_MIN_ORDER, I_ORDER, KIND_LARGE } from './layout';
import type { SlubAllocator } from './slub';
import { getOrder } from './versions';

export function slubExplain(s: SlubAllocator, cpu: number, bytes: number): FailureExplanation {
  const rounded = s.handedOut(bytes);
  let c = -1;
  for (let k = 0; k < s.kmallocCount && rounded > 0; k++) if (s.sizeOf(k) === rounded && c < 0) c = k;
  const order =
    c >= 0
      ? s.cacheInfo[c * ISTRIDE + (s.code === 2622 ? I_ORDER : I_MIN_ORDER)]
      : Math.min(getOrder(bytes), MAX_ORDER);
  const zone = readZone(s, order);

  const caches = new SpanSink(),
    others = new SpanSink();
  const { chunkBytes, pageBytes, baseAddress } = s.geometry;
  const cpp = pageBytes / chunkBytes;
  let buf = new Uint8Array(cpp);
  for (let h = 0; h < s.P; h++) {
    if (s.pgSlab[h] !== h + 1 || s.pgKind[h] >= KIND_LARGE) continue; // a slab's first page only
    const pages = 2 ** s.zone.usedOrder(h);
    if (buf.length < pages * cpp) buf = new Uint8Array(pages * cpp);
    s.pageStates(h, pages, buf);
    const frozen = s.sFrozen[h] - 1;
    for (let i = 0; i < pages * cpp; i++) {
      const st = buf[i];
      if (st !== ChunkState.Free && st !== ChunkState.Cached) continue;
      const sink = st === ChunkState.Cached && frozen !== cpu ? others : caches;
      sink.add(baseAddress + h * pageBytes + i * chunkBytes, chunkBytes);
    }
    h += pages - 1;
  }

  let refused: string;
  if (rounded === 0) refused = `too large: ${formatSize(bytes)} is more than this SLUB can hand out`;
  else if (c >= 0)
    refused = `new_slab of ${s.cacheName(c)} refused: ${zoneRefusal(order, zone.largestOrder, pageBytes)}`;
  else refused = `kmalloc_large refused: ${zoneRefusal(order, zone.largestOrder, pageBytes)}`;
  const e = {
    label: s.label,
    cpu,
    bytes,
    rounded,
    sizeClass: c >= 0 ? `${s.cacheName(c)}, order-${order} slabs` : rounded > 0 ? `order ${order}` : null,
    largest: zone.top.runs,
    unusable: [others.done('other-cpu-caches'), caches.done('other-classes'), zone.fragments].filter(
      (u) => u.bytes > 0,
    ),
    refused,
  };
  return { ...e, paragraph: paragraphOf(e, 'block in the zone') };
}
