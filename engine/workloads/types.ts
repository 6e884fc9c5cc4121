/**
 * Workloads are seeded, deterministic op generators, of two kinds.
 *
 * - A stream (OpStream) never looks at outcomes: one instance produces the ops of a
 *   run into the packed op buffer (engine/core/op-buffer.ts) in blocks, ahead of
 *   execution, and every lane (allocator) and every CPU worker reads the same ops.
 *   An allocation that fails in one allocator is still "issued": its later free in
 *   that allocator is skipped (and counted), so all allocators see the same stream.
 *   churn, producer-consumer and every trace are streams.
 * - An adaptive workload changes course on an allocator's answers (the seed's
 *   fragmentation test halves MAX after a failure; its stress test starts freeing):
 *   one instance per lane, asked op by op, told each outcome.
 *
 * Both keep their state small (O(live allocations)) and can save and restore it, so
 * a seek regenerates ops from a checkpoint instead of keeping every op of a run.
 *
 * Allocations are named by slot (see op-buffer.ts): an alloc takes a free slot, the
 * free names it, and the slot is reused only after its free.
 */
import type { OpBuffer, OpKindName } from '../core/op-buffer';

export type OpKind = OpKindName;

/** One op, as adaptive workloads hand it over (a reused object: copy what you keep). */
export interface Op {
  kind: OpKindName;
  /** CPU that executes the op. */
  cpu: number;
  /** Allocation slot (new for alloc; an earlier alloc's slot otherwise). */
  id: number;
  /** Requested bytes (alloc only; 0 otherwise). */
  bytes: number;
}

export interface OpStream {
  readonly name: string;
  readonly kind: 'stream';
  /** Push up to `n` ops into `out` (room for them is reserved); how many were pushed, 0 = the end. */
  produce(out: OpBuffer, n: number): number;
  save(): unknown;
  restore(state: unknown): void;
}

export interface AdaptiveWorkload {
  readonly name: string;
  readonly kind: 'adaptive';
  /** The next op, or null when the workload is over. The object may be reused by the next call. */
  next(): Op | null;
  /** What the allocator answered to the op next() returned: an address (>= 0) or a negative error. */
  result(outcome: number): void;
  /** Per-op annotation for failure records and logs, e.g. the current MAX of seed-fragmentation. */
  annotate?(): Readonly<Record<string, number>>;
  save(): unknown;
  restore(state: unknown): void;
}

export type Workload = OpStream | AdaptiveWorkload;

export interface WorkloadParams {
  seed: number;
  cpus: number;
  /** Stop after this many ops (0 = the workload's own end). */
  ops: number;
  [key: string]: number | string | undefined;
}
