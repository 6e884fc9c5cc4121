/**
 * The engine's executor on CPU workers: batches of op indices go to the workers
 * (pool.ts, lane-runner.ts), and afterwards the coordinator reads each op's outcome
 * and records what the inline loop (loop.ts) records, in op order: failures with the
 * failing CPU's largest block and the utilisation right after them, rejected and
 * skipped ops, the newest outcomes. The utilisation comes from the requested and held
 * bytes at the batch's start (the allocators are quiescent then) plus each op's
 * changes, so it is exactly the inline figure.
 */
import { K_ALLOC, K_FREE, type OpBuffer } from '../../core/op-buffer';
import type { Executor } from '../engine';
import { OUT_RING, SKIPPED, type Lane } from '../lane';
import { BATCH_MAX, type BatchBuffers } from './protocol';
import type { WorkerPool } from './pool';

const OUT_MASK = OUT_RING - 1;

interface LaneBatch {
  out: Float64Array;
  largest: Float64Array;
  held: Float64Array;
  /** Requested bytes per slot, as of the last op merged (a free's size when its slot was reused since). */
  req: Float64Array;
}

function shared(bytes: number): ArrayBufferLike {
  return new SharedArrayBuffer(bytes);
}

/** The per-lane batch buffers the workers write (protocol.ts). */
export function makeBatchBuffers(lanes: number): BatchBuffers[] {
  return Array.from({ length: lanes }, () => ({
    out: shared(BATCH_MAX * 8),
    largest: shared(BATCH_MAX * 8),
    held: shared(BATCH_MAX * 8),
  }));
}

export class WorkerExecutor implements Executor {
  private readonly views: LaneBatch[];

  constructor(
    private readonly pool: WorkerPool,
    private readonly lanes: readonly Lane[],
    private readonly ops: OpBuffer,
    buffers: BatchBuffers[],
    /** false: free-running on the shared stream (only a slot's own ops keep their order). */
    private readonly ordered = true,
  ) {
    this.views = buffers.map((b) => ({
      out: new Float64Array(b.out),
      largest: new Float64Array(b.largest),
      held: new Float64Array(b.held),
      req: new Float64Array(1024),
    }));
    this.reloadReq();
  }

  /** Requested bytes of every slot, from the slot tables (after a seek). */
  private reloadReq(): void {
    this.lanes.forEach((L, k) => {
      const v = this.views[k];
      if (v.req.length < L.slots.length) v.req = new Float64Array(L.slots.length);
      for (let s = 0; s < L.slots.length; s++) v.req[s] = L.slots.req[s];
    });
  }

  runStream(from: number, to: number): number {
    let first = -1;
    for (let at = from; at < to; at += BATCH_MAX) {
      const end = Math.min(to, at + BATCH_MAX);
      const start = this.lanes.map((L) => L.allocator.counters());
      this.pool.batch(at, end, this.ordered);
      this.lanes.forEach((L, k) => {
        const f = this.merge(L, this.views[k], at, end, start[k].requestedBytes, start[k].heldBytes);
        if (f >= 0 && (first < 0 || f < first)) first = f;
      });
    }
    return first;
  }

  /** Record lane L's outcomes of [from, to) as the inline loop would; returns its first failure or -1. */
  private merge(L: Lane, v: LaneBatch, from: number, to: number, requested: number, held: number): number {
    const { kind: K, cpu: C, slot: S, size: Z, mask: m } = this.ops;
    if (v.req.length < this.ops.slots) {
      const r = new Float64Array(Math.max(this.ops.slots, v.req.length * 2));
      r.set(v.req);
      v.req = r;
    }
    let first = -1;
    for (let i = from; i < to; i++) {
      const j = i - from;
      const p = i & m;
      const r = v.out[j];
      held += v.held[j];
      const kind = K[p];
      if (kind === K_ALLOC) {
        v.req[S[p]] = Z[p];
        if (r >= 0) requested += Z[p];
        else {
          if (first < 0) first = i;
          L.failures.push({
            op: i,
            cpu: C[p],
            bytes: Z[p],
            code: r,
            largest: v.largest[j],
            utilisation: held > 0 ? requested / held : 0,
          });
        }
      } else if (r === SKIPPED) L.skipped++;
      else if (r < 0) L.recordError(i, kind, r);
      else if (kind === K_FREE) requested -= v.req[S[p]];
      L.outcomes[i & OUT_MASK] = r;
    }
    v.held.fill(0, 0, to - from);
    return first;
  }

  reset(cursor: number): void {
    this.pool.reset(cursor);
    this.reloadReq();
  }
}
