/**
 * Why an NTA allocation failed (Allocator.explainFailure), read from the state it failed in.
 * avl_alloc (PATCH2 avl.c) scans only the CALLING CPU's lists upward from the request's size and,
 * with nothing there, grows by growPages one-page nodes and retries once; so a failure means no
 * run on that CPU's lists had the request's chunks. What the CPU could not use:
 * - its remote-free queue: blocks of its pages freed on other CPUs, still used until its next
 *   free drains the queue (avl_free drains at its end; allocation never does unless drainOnAlloc);
 * - the free runs on other CPUs' lists: an allocation never takes another CPU's memory.
 * Costs: the failing CPU's lists from the top until TOP_RUNS runs are found, the queue, and the
 * other CPUs' lists until RAW_SPANS spans are recorded (the rest counted from the list counts).
 */
import {
  formatSize,
  RAW_SPANS,
  paragraphOf,
  SpanSink,
  TOP_RUNS,
  TopRuns,
  type FailureExplanation,
} from '../../core/explain';
import { blockChunks, U_STRIDE } from './layout';
import type { NtaAllocator } from './nta';
import { initialRegions } from './regions';

/**
 * Visit `cpu`'s free runs from the largest list down: fn(first chunk, chunks); fn returns false
 * to stop the walk. The full-region list starts with the CPU's untouched regions (layout.ts
 * "Virtual"): they are visited first, as allocation would take them.
 */
function eachRun(a: NtaAllocator, cpu: number, fn: (c: number, n: number) => boolean): void {
  const { v } = a;
  const L = a.lists;
  const { first, count } = initialRegions(a.params, cpu);
  const perRegion = L; // a region of 2^order pages is one run of `lists` chunks
  for (let i = L - 1; i >= 0; i--) {
    const k = cpu * L + i;
    if (v.listCount[k] === 0) continue;
    if (i === L - 1) {
      for (let r = v.untouched[cpu * U_STRIDE]; r < first + count; r++) if (!fn(r * perRegion, L)) return;
    }
    for (let c = v.listHead[k]; c >= 0; c = v.links[c & ~1]) {
      if (!fn(c, i + 1)) return;
      if (c === v.listTail[k]) break;
    }
  }
}

export function ntaExplain(a: NtaAllocator, cpu: number, bytes: number): FailureExplanation {
  const p = a.params;
  const C = p.chunkBytes;
  const at = (c: number) => p.baseAddress + c * C;
  const maxBytes = a.lists * C;
  const n = Math.ceil(bytes / C);
  const rounded = a.handedOut(bytes);

  const top = new TopRuns();
  eachRun(a, cpu, (c, len) => {
    top.offer(at(c), len * C);
    return top.runs.length < TOP_RUNS;
  });

  // Its remote-free queue (LIFO through `remote`), read without the lock: call when quiescent.
  const queue = new SpanSink();
  for (let c = a.v.remoteHead[cpu]; c >= 0; c = a.v.remote[c])
    queue.add(at(c), blockChunks(a.v.block[c], a.chunkShift) * C);

  const others = new SpanSink();
  for (let o = 0; o < a.cpus; o++) {
    if (o === cpu) continue;
    eachRun(a, o, (c, len) => {
      if (others.recorded < RAW_SPANS) {
        others.add(at(c), len * C);
        return true;
      }
      return false;
    });
  }
  // What the walk left out, from the list counts (exact totals without a walk).
  let otherBytes = 0;
  for (let o = 0; o < a.cpus; o++)
    if (o !== cpu) for (let i = 0; i < a.lists; i++) otherBytes += a.v.listCount[o * a.lists + i] * (i + 1) * C;
  others.count(otherBytes - others.bytes);

  let refused: string | null;
  if (bytes > maxBytes) refused = `too large: a node holds at most ${formatSize(maxBytes)}`;
  else if (p.growPages === 0) refused = `no growth: the pool is fixed at ${p.maxPages.toLocaleString('en-US')} pages`;
  // Growth takes order-0 pages from the zone (nta.ts grow): refused only when it has none left.
  else if (a.zone.freePages === 0) refused = `growth refused: maxPages ${p.maxPages} reached`;
  else refused = `growth adds one-page nodes of ${a.cpp} chunks, fewer than ${n}`;

  const e = {
    label: a.label,
    cpu,
    bytes,
    rounded,
    sizeClass: rounded > 0 ? `${n} chunks` : null,
    largest: top.runs,
    unusable: [queue.done('pending-remote'), others.done('other-cpus')].filter((u) => u.bytes > 0),
    refused,
  };
  return { ...e, paragraph: paragraphOf(e, 'run') };
}
