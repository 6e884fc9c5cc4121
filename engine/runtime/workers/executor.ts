/**
 * The engine's executor on CPU workers: batches of op indices go to the workers
 * (pool.ts, lane-runner.ts), and afterwards the coordinator reads each op's outcome
 * and records what the inline loop (loop.ts) records, in op order: failures with the
 * failing CPU's largest block and the utilisation right after them, rejected and
 * skipped ops, the newest outcomes. The utilisation comes from the requested and held
 * bytes at the batch's start (the allocators are quiescent then) plus each op's
 * changes, so it is exactly the inline figure.
 */
import { K_ALLOC, K_FREE, K_PAGE_ALLOC, K_PAGE_FREE, type OpBuffer } from '../../core/op-buffer';
import type { Executor, WorkerSpan } from '../engine';
import { OUT_RING, SKIPPED, UNMODELLED, type Lane } from '../lane';
import { alignedRequest } from '../loop';
import { BATCH_MAX, type BatchBuffers } from './protocol';
import type { WorkerPool } from './pool';

const OUT_MASK = OUT_RING - 1;
/**
 * Op indices per batch: this thread produces the next batch's ops and records the previous
 * batch's outcomes while the workers run one. As large as the buffers allow (the default
 * checkpoint interval): each batch is a hand-off there and back, and on 2 busy cores a woken
 * thread waits for a core (batches of 16,384 instead: Play in the browser 10% slower).
 */
const BATCH_STEP = BATCH_MAX;

interface LaneBatch {
  out: Float64Array;
  largest: Float64Array;
  held: Float64Array;
  util: Float64Array;
  info: Int32Array;
}

function shared(bytes: number): ArrayBufferLike {
  return new SharedArrayBuffer(bytes);
}

/** The two sets of per-lane batch buffers the workers write (protocol.ts). */
export function makeBatchBuffers(lanes: number): BatchBuffers[][] {
  return [0, 1].map(() =>
    Array.from({ length: lanes }, () => ({
      out: shared(BATCH_MAX * 8),
      largest: shared(BATCH_MAX * 8),
      held: shared(BATCH_MAX * 8),
      util: shared(BATCH_MAX * 8),
      info: shared(16),
    })),
  );
}

/**
 * Which workers run which lane. Lanes are independent, so with at least as many lanes as
 * workers each lane runs whole on one worker (all its CPUs' ops in order: no waiting at all,
 * and as many lanes at a time as there are workers). With fewer lanes than workers, a lane's
 * CPUs are spread over its share of the workers (lane-runner.ts keeps the inline order).
 */
export function assignGroups(lanes: number, workers: number, cpus: number): [number, number][] {
  if (lanes >= workers) return Array.from({ length: lanes }, (_, k) => [k % workers, 1]);
  const out: [number, number][] = [];
  let base = 0;
  for (let k = 0; k < lanes; k++) {
    const share = Math.floor(workers / lanes) + (k < workers % lanes ? 1 : 0);
    out.push([base, Math.max(1, Math.min(share, cpus))]);
    base += share;
  }
  return out;
}

export class WorkerExecutor implements Executor {
  /** Per set, per lane. */
  private readonly views: LaneBatch[][];
  /** Requested bytes per slot, as of the last op merged (a free's size when its slot was reused since). */
  private req: Float64Array[];

  constructor(
    private readonly pool: WorkerPool,
    private readonly lanes: readonly Lane[],
    private readonly ops: OpBuffer,
    buffers: BatchBuffers[][],
    /** false: free-running on the shared stream (only a slot's own ops keep their order). */
    private readonly ordered = true,
    cpus = 1,
  ) {
    pool.groups.set(assignGroups(lanes.length, pool.workers, cpus).flat());
    this.views = buffers.map((set) =>
      set.map((b) => ({
        out: new Float64Array(b.out),
        largest: new Float64Array(b.largest),
        held: new Float64Array(b.held),
        util: new Float64Array(b.util),
        info: new Int32Array(b.info),
      })),
    );
    this.req = lanes.map(() => new Float64Array(1024));
    this.reloadReq();
  }

  /** Requested bytes of every slot, from the slot tables (after a seek). */
  private reloadReq(): void {
    this.lanes.forEach((L, k) => {
      if (this.req[k].length < L.slots.length) this.req[k] = new Float64Array(L.slots.length);
      this.req[k].set(L.slots.req.subarray(0, L.slots.length));
    });
  }

  /**
   * The span's ops in batches; while the workers run one batch, this thread records the previous
   * one and produces the ops of the next (`ensure`). At a stop the workers finish their batch,
   * it is recorded, and `atStop` runs while nothing else does.
   */
  runStream(span: WorkerSpan, stopAtFailure: boolean): { reached: number; first: number } {
    let first = -1;
    type Batch = { at: number; end: number; set: number; start: { requestedBytes: number; heldBytes: number }[] };
    let prev: Batch | null = null;
    const record = (b: Batch): void => {
      this.lanes.forEach((L, k) => {
        const f = this.merge(L, k, this.views[b.set][k], b.at, b.end, b.start[k].requestedBytes, b.start[k].heldBytes);
        if (f >= 0 && (first < 0 || f < first)) first = f;
      });
    };
    let set = 0;
    let { from: at, to } = span;
    while (at < to) {
      const stop = span.nextStop(at);
      const end = Math.min(to, at + BATCH_STEP, stop);
      // Between batches nothing runs: the counters are exact at op `at`.
      const start = this.lanes.map((L) => L.allocator.counters());
      this.pool.launch(at, end, this.ordered, set);
      if (prev) record(prev);
      // The next batch's ops, past the span's end too (the next call then starts at once).
      to = span.ensure(end + BATCH_STEP);
      this.pool.wait();
      prev = { at, end, set, start };
      set ^= 1;
      at = end;
      if (end === stop) {
        record(prev);
        prev = null;
        span.atStop(end);
      }
      if (stopAtFailure && first >= 0) break;
    }
    if (prev) record(prev);
    return { reached: at, first };
  }

  /** Record lane L's outcomes of [from, to) as the inline loop would; returns its first failure or -1. */
  private merge(L: Lane, k: number, v: LaneBatch, from: number, to: number, requested: number, held: number): number {
    if (v.info[0] === 1) return this.mergeAlone(L, v, from, to);
    const { kind: K, cpu: C, slot: S, size: Z, mask: m } = this.ops;
    if (this.req[k].length < this.ops.slots) {
      const r = new Float64Array(Math.max(this.ops.slots, this.req[k].length * 2));
      r.set(this.req[k]);
      this.req[k] = r;
    }
    const req = this.req[k];
    const page = L.allocator.geometry.pageBytes;
    let first = -1;
    for (let i = from; i < to; i++) {
      const j = i - from;
      const p = i & m;
      const r = v.out[j];
      held += v.held[j];
      const kind = K[p];
      if (r === UNMODELLED) L.unmodelled++;
      else if (kind === K_ALLOC || kind === K_PAGE_ALLOC) {
        // A page allocation requests its 2^order pages (allocPages in core/types.ts).
        const bytes = kind === K_ALLOC ? alignedRequest(L.allocator, Z[p], this.ops.align[p]) : page * 2 ** Z[p];
        req[S[p]] = bytes;
        if (r >= 0) requested += bytes;
        else {
          if (first < 0) first = i;
          L.failures.push({
            op: i,
            cpu: C[p],
            bytes,
            code: r,
            largest: v.largest[j],
            utilisation: held > 0 ? requested / held : 0,
          });
        }
      } else if (r === SKIPPED) L.skipped++;
      else if (r < 0) L.recordError(i, kind, r);
      else if (kind === K_FREE || kind === K_PAGE_FREE) requested -= req[S[p]];
      L.outcomes[i & OUT_MASK] = r;
    }
    v.held.fill(0, 0, to - from);
    return first;
  }

  /**
   * The same for a batch the lane's only worker ran (lane-runner.ts runAlone): it read each
   * failure's utilisation and wrote the outcome rings (shared, lane.ts), so only the negative
   * outcomes need a look. The requested bytes per slot (req) are not followed: a lane's group
   * changes only with a reset, which reloads them.
   */
  private mergeAlone(L: Lane, v: LaneBatch, from: number, to: number): number {
    const { kind: K, cpu: C, size: Z, mask: m } = this.ops;
    const out = v.out;
    let first = -1;
    for (let i = from, left = v.info[1]; left > 0 && i < to; i++) {
      const r = out[i - from];
      if (r >= 0) continue;
      left--;
      const p = i & m;
      const kind = K[p];
      if (r === UNMODELLED) L.unmodelled++;
      else if (kind === K_ALLOC || kind === K_PAGE_ALLOC) {
        if (first < 0) first = i;
        const bytes =
          kind === K_ALLOC
            ? alignedRequest(L.allocator, Z[p], this.ops.align[p])
            : L.allocator.geometry.pageBytes * 2 ** Z[p];
        L.failures.push({
          op: i,
          cpu: C[p],
          bytes,
          code: r,
          largest: v.largest[i - from],
          utilisation: v.util[i - from],
        });
      } else if (r === SKIPPED) L.skipped++;
      else L.recordError(i, kind, r);
    }
    return first;
  }

  reset(cursor: number): void {
    this.pool.reset(cursor);
    this.reloadReq();
  }
}
