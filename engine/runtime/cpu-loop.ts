/**
 * What one simulated CPU's worker runs (pure: no DOM, no Node imports; the
 * browser entry app/workers/cpu.worker.ts and node/cpu-worker.ts only wire
 * messages to `createCpuWorker`).
 *
 * Lockstep mailbox (one Int32Array over a SharedArrayBuffer per worker):
 *   [0] state   IDLE, REQUEST (coordinator posted entries), DONE (worker wrote outcomes),
 *               QUIT (leave the loop), FAILED (the worker threw; message follows by postMessage),
 *               AHEAD (run the run-ahead batch described in shared memory, see run-ahead.ts)
 *   [1] count   entries in this turn
 *   [2] spin    polls before sleeping in Atomics.wait (set by the coordinator: long when
 *               every thread has a core of its own, short when threads share cores)
 *   [4 + ENTRY*j ..] entry j: lane, kind (K_*), cpu, address (free/map/unmap), bytes, outcome
 * The coordinator keeps the id tables and passes addresses, so the worker holds no
 * per-run state besides the attached allocators. All entries of one turn are ops of
 * the same op index on different allocators (one per lane), so they are independent.
 *
 * Free-running: the worker builds its own copy of each lane's workload and runs it.
 * 'shared' stream: every worker generates the same global stream (copies stay equal
 * because each is fed the same results) and executes the ops naming its CPU; for an
 * alloc of another CPU it waits for that op's outcome in a shared outcome array (it
 * needs the address and must feed result()); frees of other CPUs do not wait, so
 * they race with this CPU's own ops: real interleavings. 'per-cpu' stream: an
 * independent instance per CPU (seed + cpu, cpus 1) mapped onto this CPU, no waiting.
 */
import { errorName, type Allocator } from '../core/types';
import { applyOp, type Failure, type IdTable } from '../core/runner';
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import { makeWorkload, type WorkloadSource } from './workload-of';
import { WORKLOADS, workloadParams } from '../workloads/generators';
import { RunAheadWorker, type RunAheadJob } from './run-ahead';

export const MB_STATE = 0,
  MB_COUNT = 1,
  MB_SPIN = 2,
  MB_ENTRIES = 4;
export const S_IDLE = 0,
  S_REQUEST = 1,
  S_DONE = 2,
  S_QUIT = 3,
  S_FAILED = 4,
  S_AHEAD = 5;
export const E_LANE = 0,
  E_KIND = 1,
  E_CPU = 2,
  E_ADDR = 3,
  E_BYTES = 4,
  E_OUT = 5,
  ENTRY = 6;
export const K_ALLOC = 0,
  K_FREE = 1,
  K_MAP = 2,
  K_UNMAP = 3;
export const KIND_CODE = { alloc: K_ALLOC, free: K_FREE, map: K_MAP, unmap: K_UNMAP } as const;
export const KIND_NAME = ['alloc', 'free', 'map', 'unmap'] as const;
/** Outcome slot not written yet (free-running outcome arrays). */
export const NOT_YET = -0x7fffffff;
/** Free-running sync array: [cpu] progress (ops generated), then these slots. */
export const SYNC_FINISHED = 16,
  SYNC_ABORT = 17,
  SYNC_SLOTS = 18;

export function mailboxInts(entries: number): number {
  return MB_ENTRIES + entries * ENTRY;
}

/** Execute the `n` entries of a mailbox (the same code inline and in a worker: that is what makes them agree). */
export function executeEntries(allocators: readonly Allocator[], mb: Int32Array, n: number): void {
  for (let j = 0, at = MB_ENTRIES; j < n; j++, at += ENTRY) {
    const a = allocators[mb[at + E_LANE]];
    const cpu = mb[at + E_CPU];
    const k = mb[at + E_KIND];
    mb[at + E_OUT] =
      k === K_ALLOC
        ? a.alloc(cpu, mb[at + E_BYTES])
        : k === K_FREE
          ? a.free(cpu, mb[at + E_ADDR], mb[at + E_BYTES])
          : k === K_MAP
            ? a.map(cpu, mb[at + E_ADDR])
            : a.unmap(cpu, mb[at + E_ADDR]);
  }
}

export interface InitMessage {
  type: 'init';
  cpu: number;
  cpus: number;
  specs: AllocatorSpec[];
  /** Per lane: that allocator's buffers (Allocator.buffers). */
  buffers: (readonly ArrayBufferLike[])[];
  mailbox: SharedArrayBuffer;
}
export interface FreeJob extends WorkloadSource {
  type: 'free';
  stream: 'shared' | 'per-cpu';
  /** Per lane: Int32Array(bound) of outcomes, filled with NOT_YET. */
  outcomes: SharedArrayBuffer[];
  /** Int32Array(SYNC_SLOTS). */
  sync: SharedArrayBuffer;
  timeoutMs: number;
}
/** `ahead`: the run-ahead job (fresh op indices run in batches), absent = per-op turns only. */
export type ToCpu = InitMessage | { type: 'lockstep'; ahead?: RunAheadJob } | FreeJob;
export type FromCpu =
  | { type: 'ready'; cpu: number }
  | { type: 'left'; cpu: number }
  | { type: 'free-done'; cpu: number; ops: number[]; elapsedMs: number; drainedAtEnd: number[]; failures: Failure[][] }
  | { type: 'error'; cpu: number; message: string };

/** The worker's message handler; `post` sends to the coordinator. */
export function createCpuWorker(post: (m: FromCpu) => void): (m: ToCpu) => void {
  let cpu = -1;
  let allocators: Allocator[] = [];
  let mb: Int32Array<ArrayBufferLike> = new Int32Array(0);
  return (m) => {
    try {
      if (m.type === 'init') {
        cpu = m.cpu;
        allocators = m.specs.map((s, k) => createAllocator(s, m.cpus, m.buffers[k], false));
        mb = new Int32Array(m.mailbox);
        post({ type: 'ready', cpu });
      } else if (m.type === 'lockstep') {
        lockstepLoop(allocators, mb, m.ahead ? new RunAheadWorker(cpu, allocators, m.ahead) : null);
        post({ type: 'left', cpu });
      } else if (m.type === 'free') {
        post({ type: 'free-done', cpu, ...runFreeStream(cpu, allocators, m) });
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (mb.length > 0) {
        Atomics.store(mb, MB_STATE, S_FAILED);
        Atomics.notify(mb, MB_STATE);
      }
      post({ type: 'error', cpu, message });
    }
  };
}

/** Serve turns until QUIT. Spins briefly before sleeping: a turn is often handed over within microseconds. */
function lockstepLoop(allocators: readonly Allocator[], mb: Int32Array, ahead: RunAheadWorker | null): void {
  const waiting = (s: number) => s !== S_REQUEST && s !== S_QUIT && s !== S_AHEAD;
  for (;;) {
    let s = Atomics.load(mb, MB_STATE);
    const spins = mb[MB_SPIN];
    for (let spin = 0; waiting(s) && spin < spins; spin++) s = Atomics.load(mb, MB_STATE);
    while (waiting(s)) {
      Atomics.wait(mb, MB_STATE, s);
      s = Atomics.load(mb, MB_STATE);
    }
    if (s === S_QUIT) {
      Atomics.store(mb, MB_STATE, S_IDLE);
      return;
    }
    if (s === S_AHEAD) {
      if (!ahead) throw new Error('run-ahead batch without a run-ahead job');
      ahead.batch();
    } else executeEntries(allocators, mb, mb[MB_COUNT]);
    Atomics.store(mb, MB_STATE, S_DONE);
    Atomics.notify(mb, MB_STATE);
  }
}

function runFreeStream(
  me: number,
  allocators: readonly Allocator[],
  job: FreeJob,
): { ops: number[]; elapsedMs: number; drainedAtEnd: number[]; failures: Failure[][] } {
  const sync = new Int32Array(job.sync);
  const perCpu = job.stream === 'per-cpu';
  // A per-CPU stream is the workload on one CPU's share of the pool: a capacity parameter
  // (churn's capacityBytes) is divided between the CPUs like the pages are.
  const share = (p: Record<string, number | string>) => {
    const spec = Object.hasOwn(WORKLOADS, job.workload) ? workloadParams(job.workload).capacityBytes : undefined;
    const cap = p.capacityBytes ?? spec?.default;
    return cap === undefined ? p : { ...p, capacityBytes: Math.floor(Number(cap) / job.cpus) };
  };
  const src = perCpu
    ? { ...job, params: share(job.params), seed: job.seed + me, cpus: 1, ops: Math.ceil(job.ops / job.cpus) }
    : job;
  const lanes = allocators.map((a, k) => ({
    a,
    w: makeWorkload(src),
    t: { addr: [], bytes: [] } as IdTable,
    out: new Int32Array(job.outcomes[k]),
    done: false,
    ops: 0,
    failures: [] as Failure[],
  }));
  const t0 = performance.now();
  for (let i = 0; ; i++) {
    let live = false;
    for (const L of lanes) {
      if (L.done) continue;
      const op = L.w.next();
      if (!op) {
        L.done = true;
        continue;
      }
      live = true;
      let r: number;
      if (perCpu) op.cpu = me;
      if (op.cpu === me) {
        r = applyOp(L.a, op, L.t);
        L.ops++;
        if (op.kind === 'alloc' && r < 0) {
          const c = L.a.counters(); // racy while other CPUs run: indicative only
          L.failures.push({
            op: i,
            cpu: me,
            bytes: op.bytes,
            reason: errorName(r),
            utilisation: c.heldBytes > 0 ? c.requestedBytes / c.heldBytes : 0,
          });
        }
        if (!perCpu && op.kind === 'alloc') {
          Atomics.store(L.out, i, r);
          Atomics.notify(L.out, i);
        }
      } else if (op.kind === 'alloc') {
        r = awaitOutcome(L.out, i, sync, job.timeoutMs, me, op.cpu);
        L.t.addr[op.id] = r;
        L.t.bytes[op.id] = op.bytes;
      } else {
        // Another CPU's free/map/unmap: not awaited. Generated workloads free an id once, so
        // assume success (the executing CPU's copy knows the real outcome; workloads adapt to allocs only).
        if (op.kind === 'free' && (L.t.addr[op.id] ?? -1) >= 0) L.t.addr[op.id] = -1;
        r = 0;
      }
      L.w.result(op, r);
    }
    if (!live) break;
    if ((i & 255) === 0) {
      Atomics.store(sync, me, i);
      if (Atomics.load(sync, SYNC_ABORT) !== 0) throw new Error(`CPU ${me}: run aborted`);
    }
  }
  const elapsedMs = performance.now() - t0;
  // Quiescent point: wait for every CPU to finish its stream, then each owner drains its remote list.
  Atomics.add(sync, SYNC_FINISHED, 1);
  Atomics.notify(sync, SYNC_FINISHED);
  const start = performance.now();
  for (let f = Atomics.load(sync, SYNC_FINISHED); f < job.cpus; f = Atomics.load(sync, SYNC_FINISHED)) {
    Atomics.wait(sync, SYNC_FINISHED, f, 50);
    if (Atomics.load(sync, SYNC_ABORT) !== 0) throw new Error(`CPU ${me}: run aborted`);
    if (performance.now() - start > job.timeoutMs)
      throw new Error(`CPU ${me} waited more than ${job.timeoutMs / 1000} s for the other CPUs to finish`);
  }
  const drainedAtEnd = allocators.map((a) => a.drainRemote?.(me) ?? 0);
  return { ops: lanes.map((L) => L.ops), elapsedMs, drainedAtEnd, failures: lanes.map((L) => L.failures) };
}

/** Wait for another CPU's outcome of op `i` (spin a little, then sleep on the slot; it notifies). */
function awaitOutcome(
  out: Int32Array,
  i: number,
  sync: Int32Array,
  timeoutMs: number,
  me: number,
  other: number,
): number {
  if (i >= out.length) throw new Error(`CPU ${me}: op ${i} is beyond the run's ${out.length} ops`);
  let v = Atomics.load(out, i);
  for (let spin = 0; v === NOT_YET && spin < 200; spin++) v = Atomics.load(out, i);
  if (v !== NOT_YET) return v;
  const start = performance.now();
  while ((v = Atomics.load(out, i)) === NOT_YET) {
    Atomics.wait(out, i, NOT_YET, 50);
    if (Atomics.load(sync, SYNC_ABORT) !== 0) throw new Error(`CPU ${me}: run aborted`);
    if (performance.now() - start > timeoutMs)
      throw new Error(`CPU ${me} waited more than ${timeoutMs / 1000} s for op ${i} of CPU ${other}`);
  }
  return v;
}
