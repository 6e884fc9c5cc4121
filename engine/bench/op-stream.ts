/**
 * The op stream of the bench, in plain typed arrays that every contender replays
 * identically with no per-op allocation (JS allocators, the CPU workers, and the native
 * glibc replayer through a binary file).
 *
 * It is the churn workload's own stream (the engine's op buffer, engine/core/op-buffer.ts):
 * a stream does not look at outcomes, so no allocator is needed to record it. Every free
 * carries the requested bytes of the allocation it frees (the op buffer names the slot; the
 * size comes from that slot's alloc), as an allocator that checks sizes requires (avl_free): a
 * free of size 0 would be rejected and change nothing, and a bench of such frees would measure
 * rejected frees and then allocations failing on a full pool.
 */
import { K_ALLOC, K_FREE, OpBuffer } from '../core/op-buffer';
import type { AllocatorSpec } from '../allocators/registry';
import { CHURN_PARAMS } from '../workloads/churn';
import { createWorkload } from '../workloads/generators';

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

/** A stream's ops as the bench's arrays, each on CPU `cpu`, with every free's size from its alloc. */
export function fromOpBuffer(buf: OpBuffer, cpu: number): OpStream {
  const n = buf.produced;
  const s = emptyStream(n);
  const size = new Int32Array(Math.max(1, buf.slots));
  for (let i = 0; i < n; i++) {
    const p = i & buf.mask;
    const kind = buf.kind[p];
    const slot = buf.slot[p];
    if (kind !== K_ALLOC && kind !== K_FREE) throw new Error(`op ${i}: the bench replays only allocs and frees`);
    if (kind === K_ALLOC) size[slot] = buf.size[p];
    s.kind[i] = kind === K_ALLOC ? OP_ALLOC : OP_FREE;
    s.cpu[i] = cpu;
    s.id[i] = slot;
    s.bytes[i] = size[slot];
  }
  s.length = n;
  s.ids = buf.slots;
  return s;
}

/**
 * `cpus` churn streams of `ops` ops each, one per CPU (seeds seed, seed+1, ...), for a pool split
 * between the CPUs: each stream's target refers to its CPU's share, and each CPU frees only its
 * own allocations, so the per-CPU pools never interact.
 */
export function recordChurn(ops: number, seed: number, cpus = 1): OpStream[] {
  const capacityBytes = Math.floor(BENCH_POOL_BYTES / cpus);
  const streams: OpStream[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) {
    const w = createWorkload('churn', { seed: seed + cpu, cpus: 1, ops, capacityBytes });
    if (w.kind !== 'stream') throw new Error('churn is a stream');
    const buf = OpBuffer.create({ capacity: ops, shared: false });
    buf.beginProducing();
    buf.reserve(ops);
    w.produce(buf, ops);
    buf.publish();
    streams.push(fromOpBuffer(buf, cpu));
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
  addr: Float64Array,
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
