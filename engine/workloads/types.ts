/**
 * Workloads are seeded, deterministic op generators.
 *
 * One generator instance drives ONE allocator: some workloads adapt to results
 * (seed-fragmentation halves MAX after a failure, seed-stress frees once the pool
 * is full), so after the first differing result two allocators' streams may
 * differ. Every generator draws its random numbers per op index from its own
 * seeded PRNG, so op i of two instances is the same draw whatever happened
 * before ("op for op").
 *
 * Allocations are named by `id` (0, 1, 2, ...); a free names the id, and the
 * runner maps ids to addresses and passes the recorded size.
 */
export type OpKind = 'alloc' | 'free' | 'map' | 'unmap';

export interface Op {
  kind: OpKind;
  /** CPU that executes the op. */
  cpu: number;
  /** Allocation id (new for alloc; an earlier alloc's id otherwise). */
  id: number;
  /** Requested bytes (alloc only; 0 otherwise). */
  bytes: number;
}

export interface Workload {
  /** Workload name as on the CLI. */
  readonly name: string;
  /** The next op, or null when the workload is over. */
  next(): Op | null;
  /** Tell the generator what the allocator answered: an address (>= 0) or a negative error code. */
  result(op: Op, outcome: number): void;
  /** Extra per-op annotation for logs, e.g. the current MAX of seed-fragmentation. */
  annotate?(): Record<string, number>;
}

export interface WorkloadParams {
  seed: number;
  cpus: number;
  /** Stop after this many ops (0 = the workload's own end). */
  ops: number;
  [key: string]: number | string | undefined;
}
