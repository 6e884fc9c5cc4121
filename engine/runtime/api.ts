/**
 * The control API of a run (the contract between the runtime and the UI/CLI).
 *
 * The UI talks to a Controller living in a dedicated control worker through
 * comlink (main thread: `import type` only). Bulk data never goes through
 * messages: the allocators keep their state in SharedArrayBuffers that map workers
 * attach to (AllocatorInfo.buffers), and a small published header (published.ts)
 * says which op those states belong to.
 */
import type { AllocatorSpec } from '../allocators/registry';
import type { Metrics } from '../core/metrics';
import type { OpBufferHandle } from '../core/op-buffer';
import type { CallerRow } from '../import/callers';
import type { BlockInfo } from '../core/types';
import type { FailureExplanation } from '../core/explain';
import type { Failure } from '../core/records';
import type { KernelView } from './kernel-views';
import type { OpKind } from '../workloads/types';

export type Schedule = 'lockstep' | 'free';

export interface RunConfig {
  /** A generated workload name ('churn', ...) or 'ops' for `opsText`. */
  workload: string;
  /** Workload parameters (see WORKLOADS[name].params); seed, cpus and ops are set from below. */
  params: Record<string, number | string>;
  /** An imported op file / trace, when workload is 'ops' (or 'trace'); `format` forces one. */
  opsText?: { fileName: string; text: string; format?: string };
  /**
   * A trace already imported (the app's import worker): its ended op buffer in shared memory,
   * attached here without a copy (every lane and CPU worker reads it), and its call sites by the
   * buffer's site index. Used instead of opsText.
   */
  importedTrace?: { fileName: string; ops: OpBufferHandle; sites: readonly string[] };
  allocators: AllocatorSpec[];
  cpus: number;
  schedule: Schedule;
  seed: number;
  /** Stop after this many ops (0 = the workload's own end). */
  ops: number;
}

export interface AllocatorInfo {
  name: string;
  label: string;
  chunkBytes: number;
  pageBytes: number;
  pages: number;
  baseAddress: number;
  /** Attach another thread to this allocator: createAllocator(spec, cpus, buffers, false). */
  spec: AllocatorSpec;
  cpus: number;
  /** Allocator.buffers (SharedArrayBuffers in the browser): shared, never copied. */
  buffers: readonly ArrayBufferLike[];
}

export interface RunInfo {
  allocators: AllocatorInfo[];
  /** The published header: generation, op and playing of the states in `buffers` (published.ts). */
  published: SharedArrayBuffer | ArrayBuffer;
}

/** One executed op and what each allocator answered (address >= 0, 0 = ok for frees, or a negative code). */
export interface OpRecord {
  index: number;
  cpu: number;
  kind: OpKind;
  id: number;
  /** Requested bytes: of the allocation for an alloc, of the allocation being freed (mapped, unmapped) otherwise. */
  bytes: number;
  outcomes: number[];
  /** Per allocator: the address a free, map or unmap named (-1 for allocations or skipped ops). */
  addresses: number[];
  /** Per allocator: why it failed, in words (largest free run of the CPU vs the request, or growth). */
  reasons: (string | null)[];
}

export interface AllocatorSummary {
  name: string;
  label: string;
  /** Ops this allocator's lane has executed. */
  op: number;
  metrics: Metrics;
  /** Failed allocations before the cursor. */
  failureCount: number;
  /** A sample of them (the first and the last ones kept, see core/records.ts), with the reason's name. */
  failures: (Failure & { reason: string })[];
  /** Frees, maps and unmaps the allocator rejected (wrong size, double free, ...), and the first few. */
  errors: number;
  errorSample: { op: number; kind: string; reason: string }[];
  /** Frees, maps and unmaps skipped because their allocation had failed in this lane. */
  skipped: number;
  /** Free-run histogram: [bytes, count] sorted by size. */
  histogram: [number, number][];
  /** /proc/buddyinfo of the zone under the allocator (free blocks per order 0..10), when it has one. */
  buddyinfo?: number[];
}

export interface Summary {
  /** Published generation this summary belongs to (published.ts). */
  generation: number;
  /** The shared op cursor (ops executed on every lane). */
  op: number;
  done: boolean;
  playing: boolean;
  allocators: AllocatorSummary[];
  /** The last ops (at most 50), newest last. */
  lastOps: OpRecord[];
  /** A worker error or a hang turned into a message; the run must be reset. */
  error?: string;
  /** Checkpoints kept for seeking: bytes used, the budget, how many, and the op interval between them. */
  checkpoints: { used: number; budget: number; count: number; interval: number };
}

export type RunTarget = { kind: 'failure' } | { kind: 'op'; op: number } | { kind: 'end' };

export interface ControlApi {
  configure(cfg: RunConfig): Promise<RunInfo>;
  step(n: number): Promise<Summary>;
  runUntil(target: RunTarget): Promise<Summary>;
  /** Run continuously at `opsPerSecond` (Infinity = as fast as possible) until paused or done. */
  play(opsPerSecond: number): Promise<void>;
  pause(): Promise<Summary>;
  reset(): Promise<Summary>;
  /** Go to op `op` (lockstep only): restore the nearest checkpoint at or before it, replay the rest. */
  seek(op: number): Promise<Summary>;
  summary(): Promise<Summary>;
  /**
   * The block holding `address` in lane `lane`'s allocator (the map tooltip: chunk states have
   * no allocation table), read now; null outside the pool, for an unknown lane or before configure().
   */
  blockAt(lane: number, address: number): Promise<BlockInfo | null>;
  /**
   * The per-call-site table of the whole imported trace (as the CLI's --callers, every row,
   * largest bytes requested first): computed once per configure() on a run of its own, so it
   * does not follow the cursor. Null when the run is not an imported trace with call sites.
   */
  callers(): Promise<CallerRow[] | null>;
  /**
   * Per lane, the blocks live at the cursor that were allocated at call site `site` (a
   * CallerRow.site): [start, bytes, ...] sorted by start, bytes as the lane's allocator handed out.
   */
  siteBlocks(site: string): Promise<Float64Array[]>;
  /**
   * Why each lane's allocation at op `op` failed (core/explain.ts), read now: call it with the
   * cursor right after that op (seek(op + 1)); null for a lane that did not fail there, [] when
   * the cursor is elsewhere or the run is free-running.
   */
  explainFailures(op: number): Promise<(FailureExplanation | null)[]>;
  /**
   * Lane `lane`'s /proc/slabinfo and, with `withCaches`, its slab pages by cache (the map's
   * colour-by-cache), read now between two slices; null for an unknown lane or before configure().
   */
  kernelView(lane: number, withCaches: boolean): Promise<KernelView | null>;
  /** The callback (a Comlink.proxy) is called at most once per ~16 ms while the run changes. */
  subscribe(cb: (s: Summary) => void): Promise<void>;
  dispose(): Promise<void>;
}
