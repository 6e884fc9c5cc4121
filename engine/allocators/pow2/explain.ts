/**
 * Why a pow2 allocation failed (Allocator.explainFailure). alloc (pow2.ts) takes the head partial
 * page of the request's class on the calling CPU, else dedicates the CPU's lowest unheld page to
 * the class; a CPU never takes another CPU's pages. So a failure means: no free slot of that
 * class on the CPU's pages and no unheld page left on it (or a request above a page). Free
 * memory it could not use: free slots of other classes on its own pages, and everything free on
 * other CPUs' pages (their free slots and unheld pages).
 * Costs: one pass over the failing CPU's pages (page class and free bits), and over other CPUs'
 * pages until RAW_SPANS spans are recorded; totals come from cpuSlots without a scan.
 */
import { pagesOfCpu } from '../../core/lock';
import { formatSize, paragraphOf, RAW_SPANS, SpanSink, TopRuns, type FailureExplanation } from '../../core/explain';
import type { Pow2Allocator } from './pow2';

/** Free blocks of page `page`: an unheld page whole, else each free slot of its class. */
function eachFree(a: Pow2Allocator, page: number, fn: (address: number, bytes: number, k: number) => void): void {
  const at = a.base + page * a.pageBytes;
  const pc = a.pageClass[page];
  if (pc === 0) {
    fn(at, a.pageBytes, a.K - 1);
    return;
  }
  const k = pc - 1,
    obj = a.chunkBytes << k,
    slots = a.C >>> k;
  for (let s = 0; s < slots; s++) {
    if ((a.freeBits[page * a.W + (s >>> 5)] >>> (s & 31)) & 1) fn(at + s * obj, obj, k);
  }
}

/** Free bytes on `cpu`'s pages, from its slot counts (no scan). */
function freeBytesOf(a: Pow2Allocator, cpu: number): number {
  const sx = cpu * a.SSTRIDE;
  let n = (pagesOfCpu(a.P, a.cpus, cpu).count - a.cpuSlots[sx + a.K]) * a.pageBytes;
  for (let k = 0; k < a.K; k++) n += a.cpuSlots[sx + k] * (a.chunkBytes << k);
  return n;
}

export function pow2Explain(a: Pow2Allocator, cpu: number, bytes: number): FailureExplanation {
  const rounded = a.handedOut(bytes);
  const top = new TopRuns();
  const classes = new SpanSink();
  const own = pagesOfCpu(a.P, a.cpus, cpu);
  for (let pg = own.first; pg < own.first + own.count; pg++) {
    eachFree(a, pg, (at, b) => {
      top.offer(at, b);
      classes.add(at, b);
    });
  }
  const others = new SpanSink();
  let otherBytes = 0;
  for (let o = 0; o < a.cpus; o++) {
    if (o === cpu) continue;
    otherBytes += freeBytesOf(a, o);
    const r = pagesOfCpu(a.P, a.cpus, o);
    for (let pg = r.first; pg < r.first + r.count && others.recorded < RAW_SPANS; pg++)
      eachFree(a, pg, (at, b) => others.add(at, b));
  }
  others.count(otherBytes - others.bytes);

  const refused =
    rounded === 0
      ? `too large: the largest class is ${formatSize(a.pageBytes)}`
      : `the ${formatSize(rounded)} class has no free slot on CPU ${cpu} and none of its ${own.count.toLocaleString('en-US')} pages is left to dedicate`;
  const e = {
    label: a.label,
    cpu,
    bytes,
    rounded,
    sizeClass: rounded > 0 ? `${formatSize(rounded)} class` : null,
    largest: top.runs,
    unusable: [classes.done('other-classes'), others.done('other-cpus')].filter((u) => u.bytes > 0),
    refused,
  };
  return { ...e, paragraph: paragraphOf(e, 'slot') };
}
