/**
 * The engine of a run: its lanes (one allocator each), its op source, a cursor and
 * checkpoints. `run` executes the next op indices, on this thread (the op loop,
 * loop.ts) or through an executor that hands them to CPU workers; `seek` restores
 * the nearest checkpoint and replays at full speed (a short replay on this thread, a
 * long one on the workers when there are some). The CLI, the
 * bench and the app's control worker all drive a run through this class.
 *
 * Checkpoints are taken at multiples of the interval (checkpoints.ts); with
 * `checkpoints: false` (headless runs that never seek) none are kept and the op
 * buffer only holds the ops being executed.
 */
import { createAllocator, bytesNeeded, type AllocatorSpec } from '../allocators/registry';
import type { Allocator } from '../core/types';
import { CheckpointStore } from './checkpoints';
import { Lane, type LaneState } from './lane';
import { runAdaptive, runStream } from './loop';
import { buildSource, fill, RING_OPS, type Source, type WorkloadSource } from './source';
import { BATCH_MAX } from './workers/protocol';

export interface EngineOptions {
  /** Keep checkpoints for seeking (default true). */
  checkpoints?: boolean;
  /** First checkpoint interval in op indices (default 65536; doubles past the budget). */
  interval?: number;
  /** Bytes the checkpoints may take (default 256 MiB). */
  budgetBytes?: number;
}

/** A call's ops for the CPU workers (Executor.runStream). */
export interface WorkerSpan {
  from: number;
  to: number;
  /**
   * Produce ops up to `upto` (called while workers run; it may go past `to`, so that the next call
   * finds its first ops ready) and return where the span ends now (sooner when the stream ended).
   */
  ensure(upto: number): number;
  /** The first op index after `op` where the workers must stand still (a checkpoint), or Infinity. */
  nextStop(op: number): number;
  /** Every op before `op` ran and is recorded, and nothing runs: take the checkpoint there. */
  atStop(op: number): void;
}

/** Runs ops on CPU workers instead of this thread (runtime/workers). */
export interface Executor {
  /**
   * Execute the span's ops on every lane, recording as the op loop does, in batches that never
   * cross a stop. With `stopAtFailure` no batch starts once a failure was recorded. Returns the op
   * index reached and the first failure's op index, or -1.
   */
  runStream(span: WorkerSpan, stopAtFailure: boolean): { reached: number; first: number };
  /** The state in shared memory changed under the workers (a seek): they must forget what they knew. */
  reset(cursor: number): void;
}

interface Extra {
  lanes: { lane: LaneState; slots: ReturnType<Lane['slots']['save']> }[];
  stream: unknown;
}

export const DEFAULT_INTERVAL = 1 << 16;
/** Seeks replaying fewer op indices than this run on this thread even when there are CPU workers. */
const SEEK_INLINE_MAX = 8192;
export const DEFAULT_BUDGET = 256 * 1024 * 1024;

export class Engine {
  readonly lanes: Lane[];
  readonly source: Source;
  cursor = 0;
  private readonly store: CheckpointStore<Extra> | null;
  private executor: Executor | null = null;
  /** The generator's state at checkpoint ops that production passed ahead of execution. */
  private readonly streamAt = new Map<number, unknown>();

  constructor(
    readonly config: WorkloadSource & { allocators: AllocatorSpec[] },
    opts: EngineOptions = {},
  ) {
    this.source = buildSource(config);
    const adaptive = this.source.kind === 'adaptive' ? this.source.make : null;
    this.lanes = config.allocators.map((spec) => {
      const a = createAllocator(spec, config.cpus, undefined, true);
      return new Lane(a, adaptive ? adaptive() : null);
    });
    const keep = opts.checkpoints ?? true;
    this.store = keep
      ? new CheckpointStore<Extra>(
          this.allocators,
          opts.interval ?? DEFAULT_INTERVAL,
          opts.budgetBytes ?? DEFAULT_BUDGET,
        )
      : null;
    if (this.store && this.source.kind === 'stream' && this.source.ops.ring) {
      // A seek regenerates at most one interval of ops, which must fit in the ring with a batch.
      this.store.interval = Math.min(this.store.interval, RING_OPS / 4);
    }
    this.checkpoint();
  }

  get allocators(): Allocator[] {
    return this.lanes.map((l) => l.allocator);
  }

  /** Memory the checkpoints take now, and the budget. */
  get checkpointBytes(): { used: number; budget: number; count: number; interval: number } {
    const s = this.store;
    return { used: s?.bytes ?? 0, budget: s?.budgetBytes ?? 0, count: s?.count ?? 0, interval: s?.interval ?? 0 };
  }

  setExecutor(e: Executor | null): void {
    this.executor = e;
  }

  /** Every lane has ended: the stream is exhausted, or every adaptive lane ended. */
  get done(): boolean {
    const s = this.source;
    if (s.kind === 'stream') return s.ops.ended && this.cursor >= s.ops.produced;
    return this.lanes.every((l) => l.ended >= 0 && l.ended <= this.cursor);
  }

  /** Ops lane k has executed (an adaptive lane stops at its own end). */
  laneOps(k: number): number {
    const e = this.lanes[k].ended;
    return e >= 0 ? Math.min(e, this.cursor) : this.cursor;
  }

  /**
   * Execute up to `n` op indices from the cursor; how many ran (fewer at the end, or
   * right after the first failed allocation with `untilFailure`).
   */
  run(n: number, untilFailure = false): number {
    const start = this.cursor;
    const goal = start + n;
    const failures = untilFailure ? this.failureCount() : 0;
    const workers = this.executor && this.source.kind === 'stream';
    while (this.cursor < goal) {
      // On workers a call crosses checkpoints (they stop there, briefly); inline it stops at each.
      const ran = workers
        ? this.runOnWorkers(goal - this.cursor, untilFailure)
        : this.runSpan(Math.min(goal, this.nextCheckpoint(this.cursor)) - this.cursor, untilFailure);
      this.checkpoint();
      if (ran === 0 || (untilFailure && this.failureCount() > failures)) break;
    }
    return this.cursor - start;
  }

  /** Failed allocations so far, all lanes. */
  failureCount(): number {
    let n = 0;
    for (const L of this.lanes) n += L.failures.count;
    return n;
  }

  /** The first checkpoint op index after `op` (Infinity without checkpoints). */
  private nextCheckpoint(op: number): number {
    const iv = this.store?.interval ?? Infinity;
    return Number.isFinite(iv) ? (Math.floor(op / iv) + 1) * iv : Infinity;
  }

  /**
   * Produce generated ops up to `upto`. Production runs ahead of execution, so the generator's
   * state is noted at each checkpoint op it passes: the checkpoint taken there later needs it.
   */
  private produce(upto: number): void {
    const s = this.source;
    if (s.kind !== 'stream') return;
    const buf = s.ops;
    while (!buf.ended && buf.produced < upto) {
      const c = this.store && buf.ring ? this.nextCheckpoint(buf.produced) : Infinity;
      fill(s, Math.min(upto, c));
      if (buf.produced === c) this.streamAt.set(c, s.stream.save());
    }
  }

  /** The generator's state at the cursor (a ring's checkpoint), from the notes of `produce`. */
  private streamAtCursor(s: Extract<Source, { kind: 'stream' }>): unknown {
    if (s.ops.produced === this.cursor) return s.stream.save();
    const at = this.streamAt.get(this.cursor);
    for (const op of this.streamAt.keys()) if (op <= this.cursor) this.streamAt.delete(op);
    if (at === undefined) throw new Error(`engine: no generator state noted at op ${this.cursor}`);
    return at;
  }

  /**
   * Up to `n` indices from the cursor on this thread without crossing a checkpoint; advances
   * the cursor and returns how many ran.
   */
  private runSpan(n: number, stop: boolean): number {
    const s = this.source;
    const from = this.cursor;
    if (s.kind === 'adaptive') {
      this.cursor += runAdaptive(this.lanes, from, n, stop);
      return this.cursor - from;
    }
    const buf = s.ops;
    buf.setConsumed(from);
    const want = Math.min(from + n, from + RING_OPS / 2);
    this.produce(want);
    const to = buf.ended ? Math.min(want, buf.produced) : want;
    if (to <= from) return 0;
    for (const L of this.lanes) L.slots.ensure(buf.slots);
    this.cursor = runStream(this.lanes, buf, from, to, stop);
    return this.cursor - from;
  }

  /**
   * Up to `n` indices from the cursor on the CPU workers (a generated or imported stream). They
   * stand still at each checkpoint, which is taken then, and go on; the ops of each next batch
   * are produced while they run. A batch runs to its end: when the call is to stop at a failure
   * inside one, the engine seeks back to right after it (a restore and a replay of less than an
   * interval). Returns how many indices ran.
   */
  private runOnWorkers(n: number, stop: boolean): number {
    const s = this.source as Extract<Source, { kind: 'stream' }>;
    const ex = this.executor as Executor;
    const buf = s.ops;
    const from = this.cursor;
    buf.setConsumed(from);
    // The ring keeps every op from `from` on: a call spans at most half of it (and production
    // runs at most a batch ahead of the call's end).
    const want = Math.min(from + n, from + RING_OPS / 2);
    this.produce(Math.min(want, from + BATCH_MAX));
    const to = buf.ended ? Math.min(want, buf.produced) : want;
    if (to <= from) return 0;
    for (const L of this.lanes) L.slots.ensure(buf.slots);
    const r = ex.runStream(
      {
        from,
        to,
        ensure: (upto) => {
          this.produce(Math.min(upto, from + RING_OPS / 2 + BATCH_MAX));
          for (const L of this.lanes) L.slots.ensure(buf.slots);
          return buf.ended ? Math.min(to, buf.produced) : to;
        },
        nextStop: (op) => this.nextCheckpoint(op),
        atStop: (op) => {
          this.cursor = op;
          this.checkpoint();
        },
      },
      stop,
    );
    this.cursor = r.reached;
    if (stop && r.first >= 0 && r.first + 1 < r.reached) this.seek(r.first + 1);
    return this.cursor - from;
  }

  private checkpoint(): void {
    const st = this.store;
    if (!st || this.cursor % st.interval !== 0 || st.at(this.cursor)?.op === this.cursor) return;
    const s = this.source;
    const slots = s.kind === 'stream' ? s.ops.slots : 0;
    const lanes = this.lanes.map((L) => L.save(L.workload ? L.slots.length : slots));
    // A linear buffer (a trace) holds every op: nothing to regenerate after a seek.
    const stream = s.kind === 'stream' && s.ops.ring ? this.streamAtCursor(s) : null;
    const bytes = lanes.reduce((n, l) => n + l.slots.addr.byteLength * 1.75 + 16384, 0);
    st.take(this.cursor, { lanes, stream }, bytes);
  }

  /**
   * Go to op index `op`: restore the last checkpoint at or before it when going back
   * (or when it is nearer than the cursor), then replay (SEEK_INLINE_MAX). Returns the
   * cursor reached (less than `op` when the run ends first).
   */
  seek(op: number): number {
    const target = Math.max(0, Math.floor(op));
    const cp = this.store?.at(target);
    if (target < this.cursor && !cp) throw new Error(`cannot seek back to op ${target}: no checkpoint`);
    const from = this.cursor;
    if (cp && (target < this.cursor || cp.op > this.cursor)) this.restore(cp);
    // A long replay goes to the CPU workers like a run (each lane on its own worker, so the
    // lanes replay at once); a short one runs here, where it costs no hand-off.
    const inline = !this.executor || this.source.kind !== 'stream' || target - this.cursor < SEEK_INLINE_MAX;
    if (!inline && this.cursor !== from) this.executor?.reset(this.cursor);
    while (this.cursor < target) {
      const ran = inline
        ? this.runSpan(Math.min(target, this.nextCheckpoint(this.cursor)) - this.cursor, false)
        : this.runOnWorkers(target - this.cursor, false);
      this.checkpoint();
      if (ran === 0) break;
    }
    // Ops ran on this thread: the workers' view of the run is stale.
    if (inline && this.cursor !== from) this.executor?.reset(this.cursor);
    return this.cursor;
  }

  private restore(cp: NonNullable<ReturnType<CheckpointStore<Extra>['at']>>): void {
    this.store?.restore(cp);
    this.lanes.forEach((L, k) => L.restore(cp.extra.lanes[k]));
    const s = this.source;
    if (s.kind === 'stream' && s.ops.ring) {
      // The ring may still hold the ops from the checkpoint on; if not, regenerate them.
      if (!s.ops.holds(cp.op)) {
        s.stream.restore(cp.extra.stream);
        s.ops.rewind(cp.op);
        for (const op of this.streamAt.keys()) if (op > cp.op) this.streamAt.delete(op);
      }
    }
    this.cursor = cp.op;
  }
}

/** Bytes of allocator memory a configuration needs (for the app's warning before a large run). */
export function engineBytes(specs: readonly AllocatorSpec[], cpus: number): number {
  return specs.reduce((n, s) => n + bytesNeeded(s, cpus), 0);
}
