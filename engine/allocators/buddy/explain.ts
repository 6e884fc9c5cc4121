/**
 * Why a buddy allocation failed (Allocator.explainFailure), and the zone's part of SLAB's and
 * SLUB's explanations. __rmqueue (mm/page_alloc.c, 2.6.18) takes the smallest order with a free
 * block at or above the one asked; so a failure means every free block is smaller than that
 * order: the zone's free pages are all fragments. The zone's lists are read through the host's
 * named fields (zHead, zNext: zone.ts), so every host can be explained the same way.
 */
import { formatSize, paragraphOf, SpanSink, TopRuns, type FailureExplanation, type Unusable } from '../../core/explain';
import type { Allocator, StateField } from '../../core/types';
import { MAX_ORDER, orderOf } from './zone';

function view(fields: readonly StateField[], name: string): Int32Array {
  const f = fields.find((x) => x.name === name);
  if (!f || !(f.view instanceof Int32Array)) throw new Error(`explain: no i32 field ${name}`);
  return f.view;
}

export interface ZoneReading {
  /** The zone's largest free blocks, largest first. */
  top: TopRuns;
  /** Free blocks below `order` (too small for the request). */
  fragments: Unusable;
  /** The largest free order, -1 when the zone is empty. */
  largestOrder: number;
}

/** Walk the zone's free lists of allocator `a` (largest order first); fragments are blocks below `order`. */
export function readZone(a: Allocator, order: number): ZoneReading {
  const head = view(a.fields, 'zHead'),
    next = view(a.fields, 'zNext');
  const { pageBytes, baseAddress } = a.geometry;
  const top = new TopRuns();
  const frag = new SpanSink();
  let largestOrder = -1;
  for (let o = MAX_ORDER - 1; o >= 0; o--) {
    for (let p = head[o]; p; p = next[p - 1]) {
      if (largestOrder < 0) largestOrder = o;
      const at = baseAddress + (p - 1) * pageBytes,
        bytes = pageBytes * 2 ** o;
      top.offer(at, bytes);
      if (o < order) frag.add(at, bytes);
    }
  }
  return { top, fragments: frag.done('zone-fragments'), largestOrder };
}

/** "no free block of order 3 or above (its largest: order 1, 8,192 B)". */
export function zoneRefusal(order: number, largestOrder: number, pageBytes: number): string {
  const has =
    largestOrder < 0
      ? 'the zone is empty'
      : `its largest: order ${largestOrder}, ${formatSize(pageBytes * 2 ** largestOrder)}`;
  return `the zone has no free block of order ${order} or above (${has})`;
}

export function buddyExplain(a: Allocator, cpu: number, bytes: number): FailureExplanation {
  const { pageBytes } = a.geometry;
  const order = orderOf(bytes, pageBytes);
  const z = readZone(a, order);
  const rounded = a.handedOut(bytes);
  const e = {
    label: a.label,
    cpu,
    bytes,
    rounded,
    sizeClass: rounded > 0 ? `order ${order}` : null,
    largest: z.top.runs,
    unusable: rounded > 0 ? [z.fragments].filter((u) => u.bytes > 0) : [],
    refused:
      rounded > 0
        ? zoneRefusal(order, z.largestOrder, pageBytes)
        : `too large: the largest block is order ${MAX_ORDER - 1}, ${formatSize(pageBytes * 2 ** (MAX_ORDER - 1))}`,
  };
  return { ...e, paragraph: paragraphOf(e, 'block') };
}
