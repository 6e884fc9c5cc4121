/**
 * Why a pow2 allocation failed (Allocator.explainFailure). alloc (pow2.ts) takes the head partial
 * slab of the request's class on the calling CPU, else a new slab from the buddy zone (order 0 for
 * a class up to a page, the class's own order above); a CPU never allocates from another CPU's
 * slabs. So a failure means: no free slot of that class on the CPU's slabs, and no zone block of
 * the order needed (or a request above the largest class). Free memory it could not use: free
 * slots of other classes on its own slabs, every free slot on other CPUs' slabs, and the zone's
 * blocks too small for the order (buddy/explain.ts reads the zone as for every kind).
 * Costs: one pass over the slab heads of the pool, spans recorded up to RAW_SPANS per reason.
 */
import { formatSize, paragraphOf, RAW_SPANS, SpanSink, TopRuns, type FailureExplanation } from '../../core/explain';
import { readZone, zoneRefusal } from '../buddy/explain';
import { PAGE_BLOCK } from './layout';
import type { Pow2Allocator } from './pow2';

/** Each free slot of the slab whose first page is `h` (class k): its address and bytes. */
function eachFreeSlot(a: Pow2Allocator, h: number, k: number, fn: (address: number, bytes: number) => void): void {
  const obj = a.chunkBytes * 2 ** k,
    slots = k > a.logC ? 1 : a.C >>> k,
    at = a.base + h * a.pageBytes;
  for (let s = 0; s < slots; s++) if ((a.freeBits[h * a.W + (s >>> 5)] >>> (s & 31)) & 1) fn(at + s * obj, obj);
}

export function pow2Explain(a: Pow2Allocator, cpu: number, bytes: number): FailureExplanation {
  const rounded = a.handedOut(bytes);
  const order = rounded > a.pageBytes ? Math.log2(rounded / a.pageBytes) : 0;
  const z = readZone(a, order);
  // What the CPU could have had: its own free slots, and any zone block (the zone serves every
  // CPU), counted as at most the largest class, as largestFree counts it (inspect.ts).
  const maxClass = a.chunkBytes * 2 ** (a.K - 1);
  const top = new TopRuns();
  for (const r of z.top.runs) top.offer(r.address, Math.min(r.bytes, maxClass));
  const classes = new SpanSink();
  const others = new SpanSink();
  for (let h = 0; h < a.P; h++) {
    const pc = a.pageClass[h];
    if (pc === 0 || pc === PAGE_BLOCK) continue;
    if (a.pageOwner[h] - 1 === cpu)
      eachFreeSlot(a, h, pc - 1, (at, b) => {
        top.offer(at, b);
        classes.add(at, b);
      });
    else if (others.recorded < RAW_SPANS) eachFreeSlot(a, h, pc - 1, (at, b) => others.add(at, b));
  }
  const refused =
    rounded === 0
      ? `too large: the largest class is ${formatSize(maxClass)}`
      : `the ${formatSize(rounded)} class has no free slot on CPU ${cpu}'s slabs and ${zoneRefusal(order, z.largestOrder, a.pageBytes)}`;
  const e = {
    label: a.label,
    cpu,
    bytes,
    rounded,
    sizeClass: rounded > 0 ? `${formatSize(rounded)} class` : null,
    largest: top.runs,
    unusable: [classes.done('other-classes'), others.done('other-cpus'), z.fragments].filter((u) => u.bytes > 0),
    refused,
  };
  return { ...e, paragraph: paragraphOf(e, 'slot') };
}
