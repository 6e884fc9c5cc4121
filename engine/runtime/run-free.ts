/**
 * Free-running: every CPU worker runs its op stream as fast as it can (see
 * cpu-loop.ts for the 'shared' and 'per-cpu' streams). Used by the CLI
 * (`--schedule free`), the bench (ops and elapsed ms) and the Controller.
 * At the end every worker has passed a barrier and drained its own remote-free
 * list, so the allocators are quiescent: invariants can be checked.
 */
import type { Allocator } from '../core/types';
import type { Failure } from '../core/runner';
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import { NOT_YET, SYNC_ABORT, SYNC_SLOTS } from './cpu-loop';
import { CpuPool, type SpawnCpuWorker } from './pool';
import { opBound, type WorkloadSource } from './workload-of';

export interface FreeRunOptions extends WorkloadSource {
  allocators: AllocatorSpec[];
  spawn: SpawnCpuWorker;
  /** 'shared': one global stream, cross-CPU frees race; 'per-cpu': independent streams (seed + cpu). Default: defaultFreeStream. */
  stream?: 'shared' | 'per-cpu';
  /** A worker that makes no progress for this long fails the run (default 5000). */
  timeoutMs?: number;
  /** Attach to these allocators instead of creating fresh ones (the Controller's). */
  attach?: Allocator[];
  /** Given the progress slots (sync[cpu] = ops that CPU's stream has reached) once the run starts. */
  onStart?: (progress: Int32Array) => void;
}

export interface RemoteFrees {
  /** Per CPU: bytes this CPU pushed onto other CPUs' remote-free lists. */
  pushed: number[];
  /** Per CPU: bytes this CPU drained from its own remote-free list (as the owner). */
  drained: number[];
  /** Per CPU: of `drained`, the bytes drained by the final quiescent drain. */
  drainedAtEnd: number[];
}

export interface FreeRunLane {
  spec: AllocatorSpec;
  allocator: Allocator;
  ops: number;
  failures: Failure[];
  remote: RemoteFrees | null;
}
export interface FreeRunResult {
  lanes: FreeRunLane[];
  /** Ops executed, all CPUs and lanes. */
  ops: number;
  /** Wall time of the slowest worker's stream (not counting spawn and the final drain). */
  elapsedMs: number;
  perCpu: { ops: number; elapsedMs: number }[];
}

/** Workloads whose ops cross CPUs (frees of another CPU's buffers, traces naming CPUs). */
const CROSS_CPU = new Set(['producer-consumer', 'ops', 'trace']);

/**
 * The free-running stream for a workload: "each worker runs its own op stream as fast as it
 * can" (per-cpu), except where the workload itself names CPUs across one stream (shared).
 */
export function defaultFreeStream(workload: string): 'shared' | 'per-cpu' {
  return CROSS_CPU.has(workload) ? 'shared' : 'per-cpu';
}

export async function runFreeRunning(o: FreeRunOptions): Promise<FreeRunResult> {
  const timeoutMs = o.timeoutMs ?? 5000;
  const stream = o.stream ?? defaultFreeStream(o.workload);
  const bound = stream === 'per-cpu' ? Math.max(1, Math.ceil(opBound(o) / o.cpus)) : opBound(o);
  if (bound <= 0) throw new Error(`free-running needs a finite op count: give ops > 0 for workload '${o.workload}'`);
  const allocators = o.attach ?? o.allocators.map((s) => createAllocator(s, o.cpus));
  if (allocators.some((a) => a.buffers.some((b) => !(b instanceof SharedArrayBuffer))))
    throw new Error('free-running needs SharedArrayBuffer (cross-origin isolation in a browser)');
  // Outcomes are only read in the shared stream; per-cpu gets a 1-slot dummy per lane.
  const outcomes = allocators.map(() => {
    const b = new SharedArrayBuffer(4 * (stream === 'shared' ? bound : 1));
    new Int32Array(b).fill(NOT_YET);
    return b;
  });
  const syncBuf = new SharedArrayBuffer(4 * SYNC_SLOTS);
  const sync = new Int32Array(syncBuf);
  const pool = await CpuPool.start(
    o.spawn,
    o.cpus,
    o.allocators,
    allocators.map((a) => a.buffers),
    allocators.length,
    timeoutMs,
  );
  o.onStart?.(sync.subarray(0, o.cpus));
  // Watchdog: progress slots must move while a worker runs; a dead one is caught by the pool.
  let last = Array.from(sync.subarray(0, o.cpus));
  let still = 0;
  let finished = false;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  const hung = new Promise<never>((_, reject) => {
    watchdog = setInterval(() => {
      const now = Array.from(sync.subarray(0, o.cpus));
      if (now.some((v, c) => v !== last[c])) {
        last = now;
        still = 0;
        return;
      }
      still += 250;
      if (still >= timeoutMs && !finished) {
        Atomics.store(sync, SYNC_ABORT, 1);
        reject(new Error(`free run made no progress within ${timeoutMs / 1000} s (a CPU worker is hung)`));
      }
    }, 250);
  });
  try {
    const reports = await Promise.race([
      pool.runFree(() => ({
        type: 'free',
        workload: o.workload,
        params: o.params,
        opsText: o.opsText,
        seed: o.seed,
        cpus: o.cpus,
        ops: o.ops,
        stream,
        outcomes,
        sync: syncBuf,
        timeoutMs,
      })),
      hung,
    ]);
    finished = true;
    const lanes = allocators.map((allocator, k) => ({
      spec: o.allocators[k],
      allocator,
      ops: reports.reduce((s, r) => s + r.ops[k], 0),
      failures: reports.flatMap((r) => r.failures[k]).sort((x, y) => x.op - y.op || x.cpu - y.cpu),
      remote: remoteFrees(
        allocator,
        reports.map((r) => r.drainedAtEnd[k]),
      ),
    }));
    return {
      lanes,
      ops: lanes.reduce((s, l) => s + l.ops, 0),
      elapsedMs: Math.max(...reports.map((r) => r.elapsedMs)),
      perCpu: reports.map((r) => ({ ops: r.ops.reduce((s, x) => s + x, 0), elapsedMs: r.elapsedMs })),
    };
  } catch (e) {
    Atomics.store(sync, SYNC_ABORT, 1);
    throw e;
  } finally {
    clearInterval(watchdog);
    pool.terminate();
  }
}

/** NTA's per-CPU remote-free counters (null for allocators without remote frees). */
export function remoteFrees(a: Allocator, drainedAtEnd: number[]): RemoteFrees | null {
  const totals = a.remoteTotals?.bind(a);
  if (!totals) return null;
  const cpus = Array.from({ length: a.cpus }, (_, cpu) => totals(cpu));
  return { pushed: cpus.map((t) => t.pushed), drained: cpus.map((t) => t.drained), drainedAtEnd };
}
