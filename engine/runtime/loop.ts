/**
 * The op loop: the one place where ops are applied to allocators. The CLI, the
 * bench, the app's control worker, seeks and checkpoint replays all run it; CPU
 * workers run the same per-op step (applyOp) on the ops of their CPUs.
 *
 * Ops are applied index-major: op i on every lane, then op i+1. Lanes are
 * independent, so this gives each lane exactly what it would get alone, and a run
 * can stop right after the first index where any lane failed an allocation.
 */
import { K_ALLOC, K_FREE, K_MAP, K_PAGE_ALLOC, KIND_OF_NAME, type OpBuffer } from '../core/op-buffer';
import type { Allocator } from '../core/types';
import { EXPLAIN_FIRST, OUT_RING, SKIPPED, UNMODELLED, type Lane } from './lane';

const OUT_MASK = OUT_RING - 1;

/**
 * The bytes an allocation asks of allocator `a` when it must start at a multiple of
 * 2^alignLog2 (memalign, posix_memalign, aligned_alloc in a trace). An allocator that can
 * align a block itself says how much to ask (alignedBytes: pow2's classes and the buddy's
 * blocks are aligned to their own size); any other hands out blocks aligned to its chunk,
 * so the request is padded by align - chunk, as a memalign over malloc pads before it
 * trims (glibc _int_memalign). Our choice: the padding stays in the block (it is not given
 * back), so it shows as part of the allocation.
 */
export function alignedRequest(a: Allocator, bytes: number, alignLog2: number): number {
  if (alignLog2 === 0) return bytes;
  const align = 2 ** alignLog2;
  if (a.alignedBytes) return a.alignedBytes(bytes, align);
  return align <= a.geometry.chunkBytes ? bytes : bytes + align - a.geometry.chunkBytes;
}

/**
 * Apply one op to one lane and record its outcome (slot table, errors, skips). Returns
 * the outcome; a failed allocation is returned, not recorded (the caller knows how to
 * describe it: inline or on a worker). `align`: log2 of an allocation's alignment (0: none).
 */
export function applyOp(L: Lane, i: number, kind: number, cpu: number, slot: number, bytes: number, align = 0): number {
  const a: Allocator = L.allocator;
  const t = L.slots;
  let r: number;
  if (kind >= K_PAGE_ALLOC) r = applyPageOp(L, i, kind, cpu, slot, bytes);
  else if (kind === K_ALLOC) {
    const need = align === 0 ? bytes : alignedRequest(a, bytes, align);
    r = a.alloc(cpu, need);
    t.addr[slot] = r;
    t.req[slot] = need;
    t.owner[slot] = cpu;
  } else {
    const ad = t.addr[slot];
    L.named[i & OUT_MASK] = ad < 0 ? -1 : ad;
    if (ad < 0) {
      r = SKIPPED;
      L.skipped++;
    } else {
      r = kind === K_FREE ? a.free(cpu, ad, t.req[slot]) : kind === K_MAP ? a.map(cpu, ad) : a.unmap(cpu, ad);
      if (r < 0) L.recordError(i, kind, r);
    }
  }
  L.outcomes[i & OUT_MASK] = r;
  return r;
}

/**
 * A page-level event (size = order). Allocators without a page allocator (allocPages) do not
 * model them: the op is counted as not modelled, and so is the free of its pages.
 */
function applyPageOp(L: Lane, i: number, kind: number, cpu: number, slot: number, order: number): number {
  const a = L.allocator;
  const t = L.slots;
  let r: number;
  if (kind === K_PAGE_ALLOC) {
    r = a.allocPages ? a.allocPages(cpu, order) : UNMODELLED;
    t.addr[slot] = r;
    t.req[slot] = order;
    t.owner[slot] = cpu;
    if (r === UNMODELLED) L.unmodelled++;
  } else {
    const ad = t.addr[slot];
    L.named[i & OUT_MASK] = ad < 0 ? -1 : ad;
    if (ad === UNMODELLED || !a.freePages) {
      r = UNMODELLED;
      L.unmodelled++;
    } else if (ad < 0) {
      r = SKIPPED;
      L.skipped++;
    } else {
      r = a.freePages(cpu, ad, t.req[slot]);
      if (r < 0) L.recordError(i, kind, r);
    }
  }
  return r;
}

/** Record a failed allocation with what the allocator says right now (inline: exact). */
export function recordFailure(L: Lane, i: number, cpu: number, bytes: number, code: number, max?: number): void {
  L.failures.push({
    op: i,
    cpu,
    bytes,
    code,
    largest: L.allocator.largestFree(cpu),
    utilisation: L.utilisation(),
    max,
  });
  // Right after the failed call: the state it failed in (a failed call changes nothing).
  const a = L.allocator;
  if (L.explain && a.explainFailure && L.explained.size < EXPLAIN_FIRST)
    L.explained.set(i, a.explainFailure(cpu, bytes));
}

/**
 * Ops [from, to) of the shared op buffer on every lane. Returns the index after the
 * last op executed: `to`, or with `stopAtFailure` the index right after the first op
 * at which some lane failed an allocation.
 */
export function runStream(
  lanes: readonly Lane[],
  buf: OpBuffer,
  from: number,
  to: number,
  stopAtFailure: boolean,
): number {
  const K = buf.kind,
    C = buf.cpu,
    S = buf.slot,
    Z = buf.size,
    A = buf.align,
    m = buf.mask,
    nl = lanes.length;
  // Lanes are independent: without a stop, each runs the whole span in turn, so one
  // allocator's state stays in cache (op by op across lanes cost about 20% more CPU).
  // A stop at the first failure of any lane needs the op-major order below.
  if (!stopAtFailure && nl > 1) {
    for (const L of lanes) runStream([L], buf, from, to, false);
    return to;
  }
  for (let i = from; i < to; i++) {
    const p = i & m;
    const kind = K[p],
      cpu = C[p],
      slot = S[p],
      bytes = Z[p];
    let failed = false;
    for (let k = 0; k < nl; k++) {
      const L = lanes[k];
      const r = applyOp(L, i, kind, cpu, slot, bytes, A[p]);
      if ((kind === K_ALLOC || kind === K_PAGE_ALLOC) && r < 0 && r !== UNMODELLED) {
        recordFailure(L, i, cpu, kind === K_ALLOC ? bytes : L.allocator.geometry.pageBytes * 2 ** bytes, r);
        failed = true;
      }
    }
    if (failed && stopAtFailure) return i + 1;
  }
  return to;
}

/**
 * Up to `n` op indices from `from` of adaptive lanes (each asks its own workload for
 * its next op and tells it the outcome). Returns how many indices ran: fewer than `n`
 * when every lane has ended, or right after a failure with `stopAtFailure`.
 */
export function runAdaptive(lanes: readonly Lane[], from: number, n: number, stopAtFailure: boolean): number {
  for (let i = from; i < from + n; i++) {
    let live = false;
    let failed = false;
    for (const L of lanes) {
      const w = L.workload;
      if (!w) throw new Error('runAdaptive: a lane without its own workload');
      if (L.ended >= 0) {
        L.outcomes[i & OUT_MASK] = NaN;
        continue;
      }
      const op = w.next();
      if (op === null) {
        L.ended = i;
        L.outcomes[i & OUT_MASK] = NaN;
        continue;
      }
      live = true;
      const kind = KIND_OF_NAME[op.kind];
      const at = i & OUT_MASK;
      L.opKind[at] = kind;
      L.opCpu[at] = op.cpu;
      L.opSlot[at] = op.id;
      L.opSize[at] = op.bytes;
      if (kind === K_ALLOC) L.slots.ensure(op.id + 1);
      const r = applyOp(L, i, kind, op.cpu, op.id, op.bytes);
      if (kind === K_ALLOC && r < 0) {
        recordFailure(L, i, op.cpu, op.bytes, r, w.annotate?.().max);
        failed = true;
      }
      w.result(r);
    }
    if (!live) return i - from;
    if (failed && stopAtFailure) return i + 1 - from;
  }
  return n;
}
