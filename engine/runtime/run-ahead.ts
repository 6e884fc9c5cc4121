/**
 * Ordered run-ahead: lockstep on CPU workers without one hand-off per op index.
 *
 * Only for FRESH op indices (never generated before). Every worker holds its own copy
 * of each lane's workload (built with makeWorkload from the same source, fed the same
 * results, so always at the coordinator's largest generated index). For a batch
 * [start, end) every worker generates op i of every lane in order; the op's CPU executes
 * it when the batch's global order reaches it, so the allocators see exactly the
 * sequence of an inline run. The coordinator follows the same order with its own
 * generator copies and records the outcomes (LockstepEngine.runAhead).
 *
 * Shared memory (one set per pool, sized for `capacity` op indices and `lanes` lanes):
 *   ctrl  Int32Array(CTRL_SLOTS)
 *         [R_START]     first op index of the batch
 *         [R_END]       exclusive bound (checkpoint multiple, requested count, capacity)
 *         [R_STOP_FAIL] 1: end the batch right after the first index with a failed alloc
 *         [R_DONE]      ops of the batch executed so far ("seq": the order of existing ops)
 *         [R_SLEEPERS]  threads in Atomics.wait on R_DONE (notify only when someone sleeps)
 *         [R_ABORT]     the coordinator gave up (a worker failed or hung): leave the batch
 *         [R_STOPPED + cpu] the op index worker `cpu` ended the batch at
 *         [R_STOPPED + cpus + cpu] 1 while worker `cpu` waits for another CPU's op (a hung
 *                       worker is then one that is in the batch and not waiting)
 *   out   Int32Array(capacity * lanes): outcome of (i, k) at slot (i - start) * lanes + k
 *   util  Float64Array(capacity * lanes): requested / held bytes right after a failed alloc
 *   large Int32Array(capacity * lanes * cpus): each CPU's largest free run right after a
 *         failed alloc (largestFree, for allocators of contiguous runs), -1 for the others
 * Written before R_DONE is bumped (Atomics), read after seeing it: ordered.
 */
import type { Allocator } from '../core/types';
import { applyOp, type IdTable } from '../core/runner';
import type { Workload } from '../workloads/types';
import { makeWorkload, type WorkloadSource } from './workload-of';

// R_DONE, written once per op, has a cache line (64 bytes) of its own.
export const R_START = 0,
  R_END = 1,
  R_STOP_FAIL = 2,
  R_SLEEPERS = 3,
  R_ABORT = 4,
  R_DONE = 16,
  R_STOPPED = 32;
/** Op indices per batch at most. */
export const AHEAD_CAPACITY = 16384;
/** A worker publishes its progress (R_DONE) at least every this many of its ops. */
const PUBLISH_EVERY = 64;

export interface RunAheadJob {
  src: WorkloadSource;
  lanes: number;
  capacity: number;
  /** Polls before a worker sleeps waiting for another CPU's op. */
  spin: number;
  ctrl: SharedArrayBuffer;
  out: SharedArrayBuffer;
  util: SharedArrayBuffer;
  large: SharedArrayBuffer;
}

export interface RunAheadViews {
  lanes: number;
  cpus: number;
  capacity: number;
  ctrl: Int32Array;
  out: Int32Array;
  util: Float64Array;
  large: Int32Array;
}

export function createRunAheadJob(
  src: WorkloadSource,
  lanes: number,
  spin: number,
  capacity = AHEAD_CAPACITY,
): RunAheadJob {
  const plain: WorkloadSource = {
    workload: src.workload,
    params: src.params,
    seed: src.seed,
    cpus: src.cpus,
    ops: src.ops,
  };
  if (src.opsText) plain.opsText = src.opsText;
  return {
    src: plain,
    lanes,
    capacity,
    spin,
    ctrl: new SharedArrayBuffer((R_STOPPED + 2 * src.cpus) * 4),
    out: new SharedArrayBuffer(capacity * lanes * 4),
    util: new SharedArrayBuffer(capacity * lanes * 8),
    large: new SharedArrayBuffer(capacity * lanes * src.cpus * 4),
  };
}

export function viewsOf(j: RunAheadJob): RunAheadViews {
  return {
    lanes: j.lanes,
    cpus: j.src.cpus,
    capacity: j.capacity,
    ctrl: new Int32Array(j.ctrl),
    out: new Int32Array(j.out),
    util: new Float64Array(j.util),
    large: new Int32Array(j.large),
  };
}

/** The coordinator's side, implemented by the pool (it owns the mailboxes that start a batch). */
export interface RunAheadPort {
  readonly views: RunAheadViews;
  /** Start batch [start, end) on every worker. */
  begin(start: number, end: number, stopOnFailure: boolean): void;
  /** Return once op `seq` of the batch has been executed (by CPU `cpu`: blamed when it does not come). */
  await(seq: number, cpu: number): void;
  /** Wait until every worker has left the batch; the op index they ended it at. */
  finish(): number;
}

type Largest = (cpu: number) => number;

/** Sleep on R_DONE while it is `v` (bounded, so an abort is noticed). */
export function sleepOnDone(ctrl: Int32Array, v: number, ms: number): void {
  Atomics.add(ctrl, R_SLEEPERS, 1);
  Atomics.wait(ctrl, R_DONE, v, ms);
  Atomics.sub(ctrl, R_SLEEPERS, 1);
}

/** A CPU worker's half: its generator copies and id tables, kept across batches. */
export class RunAheadWorker {
  private readonly v: RunAheadViews;
  private readonly lanes: { a: Allocator; w: Workload; t: IdTable; ended: boolean; largest: Largest | null }[];

  private readonly spin: number;

  constructor(
    private readonly me: number,
    allocators: readonly Allocator[],
    job: RunAheadJob,
  ) {
    this.v = viewsOf(job);
    this.spin = job.spin;
    this.lanes = allocators.map((a) => {
      const largest = a.capabilities.contiguousRuns ? a.largestFree.bind(a) : null;
      return { a, w: makeWorkload(job.src), t: { addr: [], bytes: [] }, ended: false, largest };
    });
  }

  /** Run the batch described in ctrl. */
  batch(): void {
    const spin = this.spin;
    const { ctrl, out, util, large, lanes: nl, cpus } = this.v;
    const me = this.me;
    const start = ctrl[R_START],
      end = ctrl[R_END],
      stopFail = ctrl[R_STOP_FAIL] === 1;
    let seq = 0;
    let i = start;
    this.known = 0;
    this.published = 0;
    for (; i < end; i++) {
      let any = false,
        failed = false;
      for (let k = 0; k < nl; k++) {
        const L = this.lanes[k];
        if (L.ended) continue;
        const op = L.w.next();
        if (!op) {
          L.ended = true;
          continue;
        }
        any = true;
        const slot = (i - start) * nl + k;
        let r: number;
        if (op.cpu === me) {
          if (this.known < seq && !this.reach(seq, spin)) return; // never true while mine are unpublished
          r = applyOp(L.a, op, L.t);
          if (op.kind === 'alloc' && r < 0) {
            const c = L.a.counters();
            util[slot] = c.heldBytes > 0 ? c.requestedBytes / c.heldBytes : 0;
            for (let q = 0; q < cpus; q++) large[slot * cpus + q] = L.largest ? L.largest(q) : -1;
          }
          out[slot] = r;
          this.known = seq + 1;
          // Published lazily (each store bounces R_DONE's cache line to the readers): every
          // PUBLISH_EVERY ops, before waiting for another CPU (which may need mine), at the end.
          if (this.known - this.published >= PUBLISH_EVERY) this.publish();
        } else {
          if (this.known <= seq && !this.reach(seq + 1, spin)) return;
          r = out[slot];
          if (op.kind === 'alloc') {
            L.t.addr[op.id] = r;
            L.t.bytes[op.id] = op.bytes;
          }
        }
        if (op.kind === 'alloc' && r < 0) failed = true;
        L.w.result(op, r);
        seq++;
      }
      if (!any) break;
      if (failed && stopFail) {
        i++;
        break;
      }
    }
    ctrl[R_STOPPED + me] = i;
    this.publish();
  }

  /** R_DONE as this worker last stored or read; below `known` only while its own ops are unpublished. */
  private published = 0;

  private publish(): void {
    const ctrl = this.v.ctrl;
    if (this.published === this.known) return;
    Atomics.store(ctrl, R_DONE, this.known);
    this.published = this.known;
    if (Atomics.load(ctrl, R_SLEEPERS) > 0) Atomics.notify(ctrl, R_DONE);
  }

  /** R_DONE as last seen (ops of the batch known to be executed). */
  private known = 0;

  /** Wait until R_DONE >= want; false on abort. */
  private reach(want: number, spin: number): boolean {
    const ctrl = this.v.ctrl;
    const flag = R_STOPPED + this.v.cpus + this.me;
    this.publish();
    let d = Atomics.load(ctrl, R_DONE);
    // Others' progress is never republished (a stale store would move R_DONE back).
    if (d >= want) {
      this.known = this.published = d;
      return true;
    }
    ctrl[flag] = 1;
    for (let s = 0; d < want && s < spin; s++) d = Atomics.load(ctrl, R_DONE);
    while (d < want) {
      if (Atomics.load(ctrl, R_ABORT) !== 0) {
        ctrl[flag] = 0;
        return false;
      }
      sleepOnDone(ctrl, d, 50);
      d = Atomics.load(ctrl, R_DONE);
    }
    this.known = this.published = d;
    ctrl[flag] = 0;
    return true;
  }
}
