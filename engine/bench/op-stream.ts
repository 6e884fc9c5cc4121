/**
 * A recorded op stream for benchmarks: the churn workload is run once against an
 * inline NTA (the generator adapts to results, so it must see real outcomes), and
 * the ops are kept in typed arrays so that every contender replays the IDENTICAL
 * stream with no per-op allocation.
 *
 * Every free carries the requested bytes of the allocation it frees: the workload
 * emits frees with bytes 0 (the runner looks the size up), and an allocator that
 * checks sizes, as avl_free requires, rejects a free of the wrong size and keeps
 * the block. A stream with size-0 frees would measure rejected frees and then
 * allocations failing on a full pool.
 */
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import type { Allocator } from '../core/types';
import { Lane } from '../core/runner';
import { CHURN_PARAMS } from '../workloads/churn';
import { createWorkload } from '../workloads/generators';
import type { Op, Workload } from '../workloads/types';

export const OP_ALLOC = 0;
export const OP_FREE = 1;

export interface OpStream {
  /** OP_ALLOC or OP_FREE. */
  kind: Uint8Array;
  cpu: Uint8Array;
  id: Int32Array;
  /** Requested bytes: of the allocation itself, or (free) of the allocation with that id. */
  bytes: Int32Array;
  length: number;
  /** Distinct allocation ids (ids are dense: 0 .. ids-1). */
  ids: number;
}

/** The NTA the bench records on and compares with: the seed's 4094 pages. */
export const BENCH_NTA: AllocatorSpec = { kind: 'nta', preset: 'blog' };
/** The seed's pool (4094 pages of 4 KiB): the capacity churn's target refers to by default. */
export const BENCH_POOL_BYTES = CHURN_PARAMS.capacityBytes.default;

export function emptyStream(capacity: number): OpStream {
  return {
    kind: new Uint8Array(capacity),
    cpu: new Uint8Array(capacity),
    id: new Int32Array(capacity),
    bytes: new Int32Array(capacity),
    length: 0,
    ids: 0,
  };
}

/** Run `workload` on `allocator` as an inline Lane would, recording each op with the freed size. */
export function recordOps(allocator: Allocator, workload: Workload, ops: number): OpStream {
  const s = emptyStream(ops);
  const lane = new Lane(allocator, workload);
  while (s.length < ops && lane.step()) {
    const op = lane.lastOp!;
    if (op.kind !== 'alloc' && op.kind !== 'free')
      throw new Error(`op ${s.length} is a ${op.kind}: the bench replays only allocs and frees`);
    const i = s.length++;
    s.kind[i] = op.kind === 'alloc' ? OP_ALLOC : OP_FREE;
    s.cpu[i] = op.cpu;
    s.id[i] = op.id;
    // The lane's id table holds the size the allocation asked for; a free's own bytes are 0.
    s.bytes[i] = op.kind === 'alloc' ? op.bytes : (lane.table.bytes[op.id] ?? 0);
    if (op.id + 1 > s.ids) s.ids = op.id + 1;
  }
  return s;
}

/** The workload's ops with their CPU replaced: one CPU's own stream on a pool split between CPUs. */
function onCpu(w: Workload, cpu: number): Workload {
  return {
    name: w.name,
    next: (): Op | null => {
      const op = w.next();
      if (op) op.cpu = cpu;
      return op;
    },
    result: (op, outcome) => w.result(op, outcome),
  };
}

/**
 * `cpus` churn streams of `ops` ops each, one per CPU (seeds seed, seed+1, ...), recorded on one
 * NTA whose pool is split between the CPUs. Each CPU frees only its own allocations, so the
 * per-CPU pools never interact and recording them one after the other gives the outcomes of
 * any interleaving. Each stream's target refers to its CPU's share of the pool.
 */
export function recordChurn(ops: number, seed: number, cpus = 1, spec: AllocatorSpec = BENCH_NTA): OpStream[] {
  const allocator = createAllocator(spec, cpus);
  const capacityBytes = Math.floor(BENCH_POOL_BYTES / cpus);
  const streams: OpStream[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) {
    const w = createWorkload('churn', { seed: seed + cpu, cpus: 1, ops, capacityBytes });
    streams.push(recordOps(allocator, onCpu(w, cpu), ops));
  }
  return streams;
}

/** What one replay did: ops executed, allocations that failed, and frees the contender rejected. */
export interface ReplayCounts {
  ops: number;
  failed: number;
  errors: number;
}

/**
 * Replay ops [from, to) with alloc/free callbacks (alloc: address >= 0 or a negative failure;
 * free: 0 or a negative error). A free of an id whose allocation failed is skipped, as the
 * runner does; `addr` (length >= s.ids) must start filled with -1.
 */
export function replay(
  s: OpStream,
  addr: Int32Array,
  from: number,
  to: number,
  alloc: (cpu: number, bytes: number) => number,
  free: (cpu: number, address: number, bytes: number) => number,
): ReplayCounts {
  let ops = 0;
  let failed = 0;
  let errors = 0;
  const { kind, cpu, id, bytes } = s;
  for (let i = from; i < to; i++) {
    if (kind[i] === OP_ALLOC) {
      const p = alloc(cpu[i], bytes[i]);
      addr[id[i]] = p;
      if (p < 0) failed++;
      ops++;
    } else {
      const p = addr[id[i]];
      if (p >= 0) {
        if (free(cpu[i], p, bytes[i]) < 0) errors++;
        ops++;
      }
    }
  }
  return { ops, failed, errors };
}
