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

/** Runs ops on CPU workers instead of this thread (runtime/workers). */
export interface Executor {
  /**
   * Execute ops [from, to) of the stream on every lane, recording as the op loop does; the first
   * failure's op index, or -1. `ensure(upto)` produces ops up to `upto` (called while workers run)
   * and returns where the span ends now (sooner when the stream ended).
   */
  runStream(from: number, to: number, ensure: (upto: number) => number): number;
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
    while (this.cursor < goal) {
      const ran = this.runSpan(Math.min(goal, this.nextCheckpoint()) - this.cursor, untilFailure);
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

  private nextCheckpoint(): number {
    const iv = this.store?.interval ?? Infinity;
    return Number.isFinite(iv) ? (Math.floor(this.cursor / iv) + 1) * iv : Infinity;
  }

  /**
   * Up to `n` indices from the cursor without crossing a checkpoint; advances the cursor
   * and returns how many ran. On workers a batch runs to its end; when it is to stop at
   * a failure inside it, the engine seeks back to right after that failure (a restore
   * and a replay of less than one interval).
   */
  private runSpan(n: number, stop: boolean, inline = false): number {
    const s = this.source;
    const from = this.cursor;
    if (s.kind === 'adaptive') {
      this.cursor += runAdaptive(this.lanes, from, n, stop);
      return this.cursor - from;
    }
    const buf = s.ops;
    buf.setConsumed(from);
    const want = Math.min(from + n, from + RING_OPS / 2);
    // Workers get the first batch's ops now and the rest while they run (executor.ts).
    fill(s, this.executor && !inline ? Math.min(want, from + BATCH_MAX) : want);
    const to = buf.ended ? Math.min(want, buf.produced) : want;
    if (to <= from) return 0;
    const slots = buf.slots;
    for (const L of this.lanes) L.slots.ensure(slots);
    if (!this.executor || inline) {
      this.cursor = runStream(this.lanes, buf, from, to, stop);
      return this.cursor - from;
    }
    const first = this.executor.runStream(from, to, (upto) => {
      fill(s, upto);
      for (const L of this.lanes) L.slots.ensure(buf.slots);
      return buf.ended ? Math.min(to, buf.produced) : to;
    });
    this.cursor = buf.ended ? Math.min(to, buf.produced) : to;
    if (stop && first >= 0 && first + 1 < to) this.seek(first + 1);
    return this.cursor - from;
  }

  private checkpoint(): void {
    const st = this.store;
    if (!st || this.cursor % st.interval !== 0 || st.at(this.cursor)?.op === this.cursor) return;
    const s = this.source;
    const slots = s.kind === 'stream' ? s.ops.slots : 0;
    const lanes = this.lanes.map((L) => L.save(L.workload ? L.slots.length : slots));
    // A linear buffer (a trace) holds every op: nothing to regenerate after a seek.
    const stream = s.kind === 'stream' && s.ops.ring ? s.stream.save() : null;
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
    const inline = !this.executor || target - this.cursor < SEEK_INLINE_MAX;
    if (!inline && this.cursor !== from) this.executor?.reset(this.cursor);
    while (this.cursor < target) {
      const ran = this.runSpan(Math.min(target, this.nextCheckpoint()) - this.cursor, false, inline);
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
      }
    }
    this.cursor = cp.op;
  }
}

/** Bytes of allocator memory a configuration needs (for the app's warning before a large run). */
export function engineBytes(specs: readonly AllocatorSpec[], cpus: number): number {
  return specs.reduce((n, s) => n + bytesNeeded(s, cpus), 0);
}
