/**
 * The lockstep engine: one global op index; at each index every lane (one
 * allocator with its own workload instance, as runner.ts Lane) gets its next op,
 * and the CPU the op names executes it. The executor is either inline (this thread)
 * or a CpuPool turn; both run the same `executeEntries`, so results are identical.
 *
 * On workers, fresh op indices (never generated before) go in batches through the
 * ordered run-ahead (run-ahead.ts): the workers generate and execute them in the
 * same global order, and `runAhead` records them here from their outcomes. Replays
 * of recorded ops keep the per-op turns.
 *
 * Executed ops are recorded in typed arrays, so going back replays recorded ops
 * without asking the (adaptive, forward-only) workload generator again. Checkpoints
 * copy every allocator buffer and id table at multiples of `interval`; past
 * `maxCheckpoints` every other one is dropped and the interval doubles, so memory
 * stays bounded and a seek replays at most one interval.
 */
import { AllocError, errorName, errorText, type Allocator } from '../core/types';
import { SKIPPED, type Failure, type IdTable } from '../core/runner';
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import type { Op, Workload } from '../workloads/types';
import {
  E_ADDR,
  E_BYTES,
  E_CPU,
  E_KIND,
  E_LANE,
  E_OUT,
  ENTRY,
  KIND_CODE,
  K_ALLOC,
  MB_ENTRIES,
  executeEntries,
  mailboxInts,
} from './cpu-loop';
import { makeWorkload, type WorkloadSource } from './workload-of';
import type { RunAheadPort, RunAheadViews } from './run-ahead';

export interface Executor {
  mailbox(cpu: number): Int32Array;
  /** Execute the first `n` entries of `cpu`'s mailbox on that CPU's thread. */
  run(cpu: number, n: number): void;
  /** Workers that hold the lanes' generators: fresh op indices run ahead in batches. */
  ahead?: RunAheadPort | null;
}

export function inlineExecutor(allocators: readonly Allocator[], cpus: number): Executor {
  const boxes = Array.from({ length: cpus }, () => new Int32Array(mailboxInts(allocators.length)));
  return { mailbox: (cpu) => boxes[cpu], run: (cpu, n) => executeEntries(allocators, boxes[cpu], n) };
}

/** Ops recorded per lane: struct of typed arrays, doubled when full. */
class Record {
  len = 0;
  kind = new Uint8Array(1024);
  cpu = new Uint8Array(1024);
  id = new Int32Array(1024);
  bytes = new Int32Array(1024);
  out = new Int32Array(1024);
  push(op: Op): void {
    if (this.len === this.kind.length) {
      const grow = <T extends Uint8Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.kind = grow(this.kind);
      this.cpu = grow(this.cpu);
      this.id = grow(this.id);
      this.bytes = grow(this.bytes);
      this.out = grow(this.out);
    }
    const i = this.len++;
    this.kind[i] = KIND_CODE[op.kind];
    this.cpu[i] = op.cpu;
    this.id[i] = op.id;
    this.bytes[i] = op.bytes;
    this.out[i] = SKIPPED;
  }
}

export interface LaneState {
  spec: AllocatorSpec;
  allocator: Allocator;
  workload: Workload;
  table: IdTable;
  rec: Record;
  /** The workload returned null at rec.len. */
  ended: boolean;
  failures: Failure[];
  /** Failure explanations in words, by op index. */
  reasons: Map<number, string>;
}

interface Checkpoint {
  op: number;
  bufs: Uint8Array[][];
  addr: Int32Array[];
  bytes: Int32Array[];
}

export class LockstepEngine {
  cursor = 0;
  readonly lanes: LaneState[];
  private checkpoints: Checkpoint[] = [];
  private exec: Executor;
  // Per-index scratch, reused so a step allocates nothing beyond the workload's own op objects.
  private readonly fresh: (Op | null)[];
  private readonly at: Int32Array;
  private readonly counts: Int32Array;

  constructor(
    readonly src: WorkloadSource & { allocators: AllocatorSpec[] },
    public interval = 1024,
    readonly maxCheckpoints = 16,
  ) {
    this.lanes = src.allocators.map((spec) => ({
      spec,
      allocator: createAllocator(spec, src.cpus),
      workload: makeWorkload(src),
      table: { addr: [], bytes: [] },
      rec: new Record(),
      ended: false,
      failures: [],
      reasons: new Map(),
    }));
    this.exec = inlineExecutor(this.allocators, src.cpus);
    this.fresh = this.lanes.map(() => null);
    this.at = new Int32Array(this.lanes.length);
    this.counts = new Int32Array(src.cpus);
  }

  get allocators(): Allocator[] {
    return this.lanes.map((l) => l.allocator);
  }
  setExecutor(e: Executor): void {
    this.exec = e;
  }

  /** Ops lane k has executed. */
  laneOps(k: number): number {
    return Math.min(this.cursor, this.lanes[k].rec.len);
  }
  get done(): boolean {
    return this.lanes.every((l) => l.ended && this.cursor >= l.rec.len);
  }

  /** Execute op index `cursor` on every lane that has one; false when all lanes have ended. */
  step(): boolean {
    return this.run(1) === 1;
  }

  /** No lane has a recorded op at the cursor: the next index is generated now. */
  private get atFresh(): boolean {
    return this.lanes.every((l) => this.cursor >= l.rec.len);
  }

  private failureCount(): number {
    let n = 0;
    for (const L of this.lanes) n += L.failures.length;
    return n;
  }

  /**
   * Execute up to `n` op indices; how many ran (fewer when every lane has ended).
   * `untilFailure`: stop right after the first index where a new allocation failure appears.
   */
  run(n: number, untilFailure = false): number {
    const before = untilFailure ? this.failureCount() : 0;
    let ran = 0;
    while (ran < n) {
      const ahead = this.exec.ahead;
      const got = ahead && this.atFresh ? this.runAhead(ahead, n - ran, untilFailure) : this.stepOne() ? 1 : 0;
      if (got === 0) break;
      ran += got;
      if (untilFailure && this.failureCount() > before) break;
    }
    return ran;
  }

  private stepOne(): boolean {
    const i = this.cursor;
    const { lanes, fresh, at, counts } = this;
    if (i % this.interval === 0) this.checkpoint();
    counts.fill(0);
    let any = false;
    for (let k = 0; k < lanes.length; k++) {
      const L = lanes[k];
      fresh[k] = null;
      at[k] = -1;
      if (i >= L.rec.len) {
        if (L.ended) continue;
        const op = L.workload.next();
        if (!op) {
          L.ended = true;
          continue;
        }
        L.rec.push(op);
        fresh[k] = op;
      }
      any = true;
      const kind = L.rec.kind[i];
      const id = L.rec.id[i];
      const cpu = L.rec.cpu[i];
      let addr = 0,
        bytes = L.rec.bytes[i];
      if (kind !== K_ALLOC) {
        const a = L.table.addr[id];
        if (a === undefined || a < 0) {
          L.rec.out[i] = SKIPPED;
          continue;
        }
        addr = a;
        bytes = L.table.bytes[id];
      }
      const mb = this.exec.mailbox(cpu);
      const e = MB_ENTRIES + counts[cpu] * ENTRY;
      mb[e + E_LANE] = k;
      mb[e + E_KIND] = kind;
      mb[e + E_CPU] = cpu;
      mb[e + E_ADDR] = addr;
      mb[e + E_BYTES] = bytes;
      at[k] = e;
      counts[cpu]++;
    }
    if (!any) return false;
    for (let cpu = 0; cpu < counts.length; cpu++) if (counts[cpu] > 0) this.exec.run(cpu, counts[cpu]);
    for (let k = 0; k < lanes.length; k++) {
      const L = lanes[k];
      if (at[k] >= 0) {
        const cpu = L.rec.cpu[i];
        const r = this.exec.mailbox(cpu)[at[k] + E_OUT];
        const id = L.rec.id[i];
        const kind = L.rec.kind[i];
        L.rec.out[i] = r;
        // As runner.ts applyOp: a freed id keeps its address (a postponed free still needs its unmap).
        if (kind === K_ALLOC) {
          L.table.addr[id] = r;
          L.table.bytes[id] = L.rec.bytes[i];
        }
      }
      const op = fresh[k];
      if (op) this.learn(L, op, i, L.rec.out[i]);
    }
    this.cursor = i + 1;
    return true;
  }

  /**
   * A batch of fresh op indices from `cursor`, run ahead by the workers: the same ops from this
   * thread's generators, the outcomes from theirs, then what stepOne does after executing.
   * Ends at the next checkpoint multiple (so it copies the exact state), after `n`
   * indices, after the first failed alloc (`untilFailure`), or when every lane has ended.
   */
  private runAhead(port: RunAheadPort, n: number, untilFailure: boolean): number {
    const start = this.cursor;
    const { lanes } = this;
    const v = port.views;
    const nl = lanes.length;
    if (start % this.interval === 0) this.checkpoint();
    if (lanes.every((l) => l.ended)) return 0;
    const end = Math.min(start + n, (Math.floor(start / this.interval) + 1) * this.interval, start + v.capacity);
    port.begin(start, end, untilFailure);
    let seq = 0;
    let i = start;
    for (; i < end; i++) {
      let any = false,
        failed = false;
      for (let k = 0; k < nl; k++) {
        const L = lanes[k];
        if (L.ended) continue;
        const op = L.workload.next();
        if (!op) {
          L.ended = true;
          continue;
        }
        any = true;
        L.rec.push(op);
        const slot = (i - start) * nl + k;
        port.await(seq++, op.cpu);
        const r = v.out[slot];
        L.rec.out[i] = r;
        if (op.kind === 'alloc') {
          L.table.addr[op.id] = r;
          L.table.bytes[op.id] = op.bytes;
          if (r < 0) failed = true;
        }
        this.learn(L, op, i, r, v, slot);
      }
      if (!any) break;
      if (failed && untilFailure) {
        i++;
        break;
      }
    }
    const stopped = port.finish();
    if (stopped !== i)
      throw new Error(`run-ahead: the workers ended the batch at op ${stopped}, the coordinator at ${i}`);
    this.cursor = i;
    return i - start;
  }

  /**
   * First execution of an op: failures (as runner.ts Lane records them) and the workload's feedback.
   * Run ahead, the allocator has moved on: the worker's figures from right after the failure are passed.
   */
  private learn(L: LaneState, op: Op, i: number, r: number, v?: RunAheadViews, slot = 0): void {
    if (op.kind === 'alloc' && r < 0) {
      let utilisation: number;
      if (v) utilisation = v.util[slot];
      else {
        const c = L.allocator.counters();
        utilisation = c.heldBytes > 0 ? c.requestedBytes / c.heldBytes : 0;
      }
      const f: Failure = { op: i, cpu: op.cpu, bytes: op.bytes, reason: errorName(r), utilisation };
      const annot = L.workload.annotate?.();
      if (annot && 'max' in annot) f.max = annot.max;
      L.failures.push(f);
      const largest = v ? (v.large[slot * v.cpus] >= 0 ? (c: number) => v.large[slot * v.cpus + c] : null) : undefined;
      L.reasons.set(i, describeFailure(L.allocator, op.cpu, op.bytes, r, largest));
    }
    L.workload.result(op, r);
  }

  private checkpoint(): void {
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last && last.op >= this.cursor) return;
    this.checkpoints.push({
      op: this.cursor,
      bufs: this.lanes.map((l) => l.allocator.buffers.map((b) => new Uint8Array(b).slice())),
      addr: this.lanes.map((l) => Int32Array.from(l.table.addr)),
      bytes: this.lanes.map((l) => Int32Array.from(l.table.bytes)),
    });
    if (this.checkpoints.length > this.maxCheckpoints) {
      this.checkpoints = this.checkpoints.filter((_, j) => j % 2 === 0);
      this.interval *= 2;
    }
  }

  /** Go to op index `op`: restore the nearest checkpoint at or before it when going back (or far enough forward), replay the rest. */
  seek(op: number): void {
    const target = Math.max(0, Math.floor(op));
    let best: Checkpoint | undefined;
    for (const c of this.checkpoints) if (c.op <= target) best = c;
    if (best && (target < this.cursor || best.op > this.cursor)) this.restore(best);
    if (this.cursor < target) this.run(target - this.cursor); // replay recorded ops, then new ones
  }

  private restore(c: Checkpoint): void {
    this.lanes.forEach((l, k) => {
      l.allocator.buffers.forEach((b, i) => new Uint8Array(b).set(c.bufs[k][i]));
      l.table.addr = Array.from(c.addr[k]);
      l.table.bytes = Array.from(c.bytes[k]);
    });
    this.cursor = c.op;
  }

  get checkpointCount(): number {
    return this.checkpoints.length;
  }
}

/**
 * Why an allocation failed, in words, from the allocator's state right after the failure.
 * `largestOf`: each CPU's largest free run then (null: none); default: asked of the allocator now.
 */
export function describeFailure(
  a: Allocator,
  cpu: number,
  bytes: number,
  code: number,
  largestOf?: ((cpu: number) => number) | null,
): string {
  const perCpu =
    largestOf !== undefined
      ? (largestOf ?? undefined)
      : a.capabilities.contiguousRuns
        ? a.largestFree.bind(a)
        : undefined;
  const largest = perCpu?.(cpu);
  let run = largest !== undefined ? `largest free run on CPU ${cpu} is ${largest} B < ${bytes} B requested` : null;
  if (run && perCpu && a.cpus > 1) {
    // NTA never takes memory from another CPU: say so when another CPU could have served it.
    const others = Array.from({ length: a.cpus }, (_, c) => c)
      .filter((c) => c !== cpu)
      .map((c) => `CPU ${c}: ${perCpu(c)} B`);
    run += ` (other CPUs' largest runs: ${others.join(', ')}; an allocation never uses another CPU's memory)`;
  }
  if (code === AllocError.NoSpace) {
    if (run) return run;
    if (a.name === 'pow2') {
      let cls = a.geometry.chunkBytes;
      while (cls < bytes) cls *= 2;
      return `no free ${cls} B slot on CPU ${cpu} and no page of CPU ${cpu} left to dedicate to that class`;
    }
  }
  if (code === AllocError.GrowFailed)
    return `the pool could not grow (capacity ${a.geometry.pages} pages exhausted)${run ? `; ${run}` : ''}`;
  return errorText(code);
}
