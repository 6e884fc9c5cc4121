/**
 * How the coordinator (the CLI's or the control worker's thread) and the CPU workers
 * talk. Messages set a worker up once; after that every command goes through shared
 * memory, so a batch costs no message round trip.
 *
 * ctrl: Int32Array(CTRL_SLOTS), shared by the coordinator and every worker
 *   [C_SEQ]    +1 per command; workers sleep on it (Atomics.wait) between commands
 *   [C_CMD]    CMD_BATCH, CMD_RESET, CMD_QUIT
 *   [C_FROM]   first op index of the batch (or the cursor of a reset)
 *   [C_TO]     end of the batch (exclusive)
 *   [C_DONE]   workers finished with the command (the coordinator waits for W)
 *   [C_ABORT]  1: leave the command at once (the coordinator gave up on a worker)
 *   [C_FAILED] 1 + the index of a worker that threw (its message follows by postMessage)
 *   [C_BUF]    which of the two batch buffer sets a batch writes (the coordinator reads the other)
 *   [C_ORDERED] 1: lockstep (the allocators see the inline order); 0: free-running on one
 *              shared stream (only a slot's own ops keep their order: real races)
 * prog: Int32Array(W * L * PROG_STRIDE), per worker w and lane k at (w * L + k) * PROG_STRIDE
 *   (each on its own cache line): [+0] every op of w in lane k below this index has run;
 *   [+1] threads sleeping on +0 (notify only then); [+2] 1 + the worker w waits for, or 0
 * groups: Int32Array(2 * L): lane k is run by workers groups[2k] .. groups[2k] + groups[2k+1] - 1,
 *   op i of CPU c by worker groups[2k] + c % groups[2k+1] (see assignGroups in executor.ts); the
 *   coordinator changes it only between batches, followed by a reset
 * Per lane k, two sets (double buffered; made by the coordinator, BATCH_MAX entries, entry
 * i - from of op i):
 *   out     f64  the outcome (as lane.ts outcomes)
 *   largest f64  for a failed allocation: the failing CPU's largest free block then
 *   held    f64  bytes of pages the allocator took (+) or gave back (-) during the op;
 *                the coordinator zeroes it after reading a batch (not written by a lane's only worker)
 *   util    f64  a lane's only worker: the utilisation right after a failed allocation
 *   info    i32  [0] 1 when the lane's only worker ran the batch (util written, held not),
 *                [1] how many of its outcomes are negative (failures, skips, errors)
 * Slot tables and allocator state are shared too (lane.ts, the allocators' buffers).
 */
import type { AllocatorSpec } from '../../allocators/registry';
import type { OpBufferHandle } from '../../core/op-buffer';
import type { FailureLogState } from '../../core/records';
import type { LaneHandle } from '../lane';

export const C_SEQ = 0,
  C_CMD = 1,
  C_FROM = 2,
  C_TO = 3,
  C_DONE = 4,
  C_ABORT = 5,
  C_FAILED = 6,
  C_ORDERED = 7,
  C_BUF = 8,
  CTRL_SLOTS = 16;
export const CMD_BATCH = 1,
  CMD_RESET = 2,
  CMD_QUIT = 3;
export const PROG_STRIDE = 16;
/** Op indices per batch at most. */
export const BATCH_MAX = 1 << 16;

export interface BatchBuffers {
  out: ArrayBufferLike;
  largest: ArrayBufferLike;
  held: ArrayBufferLike;
  util: ArrayBufferLike;
  info: ArrayBufferLike;
}

export interface InitMessage {
  type: 'init';
  /** This worker's index; it executes the ops of CPUs c with c % workers === index. */
  index: number;
  workers: number;
  cpus: number;
  specs: AllocatorSpec[];
  /** Per lane: the allocator's buffers. */
  buffers: ArrayBufferLike[][];
  lanes: LaneHandle[];
  /** Per set (2), per lane. */
  batch: BatchBuffers[][];
  /** The run's op buffer (null for an adaptive workload: then the worker only free-runs). */
  ops: OpBufferHandle | null;
  ctrl: ArrayBufferLike;
  prog: ArrayBufferLike;
  groups: ArrayBufferLike;
  /** Polls of a shared slot before sleeping on it (long when every thread has a core). */
  spin: number;
}

export interface FreeRunMessage {
  type: 'free-run';
  /** This worker's own stream: a workload built with these parameters, its ops mapped onto `cpus`. */
  workload: string;
  params: Record<string, number | string>;
  seed: number;
  ops: number;
  /** The simulated CPUs this worker runs. */
  cpus: number[];
}

export type ToWorker = InitMessage | FreeRunMessage;

export interface FreeRunReport {
  ops: number;
  elapsedMs: number;
  /** Per lane: failed allocations (all counted, a sample kept), rejected and skipped ops. */
  lanes: { failures: FailureLogState; errors: number; skipped: number }[];
}

export type FromWorker =
  | { type: 'ready'; index: number }
  | { type: 'error'; index: number; message: string }
  | { type: 'free-done'; index: number; report: FreeRunReport };
