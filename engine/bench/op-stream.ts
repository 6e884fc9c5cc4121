/**
 * A recorded op stream for benchmarks: the churn workload is run once against
 * NTA (the generator adapts to results), and the ops are kept in typed arrays so
 * that every contender replays the IDENTICAL stream with no per-op allocation.
 */
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import { Lane } from '../core/runner';
import { createWorkload } from '../workloads/generators';

export interface OpStream {
  /** 0 = alloc, 1 = free. */
  kind: Uint8Array;
  cpu: Uint8Array;
  id: Int32Array;
  bytes: Int32Array;
  length: number;
  /** Distinct allocation ids. */
  ids: number;
}

export function recordChurn(
  ops: number,
  seed: number,
  cpus = 1,
  spec: AllocatorSpec = { kind: 'nta', preset: 'blog' },
  params: Record<string, number> = {},
): OpStream {
  const s: OpStream = {
    kind: new Uint8Array(ops),
    cpu: new Uint8Array(ops),
    id: new Int32Array(ops),
    bytes: new Int32Array(ops),
    length: 0,
    ids: 0,
  };
  const lane = new Lane(
    createAllocator(spec, cpus, undefined, true),
    createWorkload('churn', { ...params, seed, cpus, ops }),
  );
  while (s.length < ops && lane.step()) {
    const op = lane.lastOp!;
    const i = s.length++;
    s.kind[i] = op.kind === 'alloc' ? 0 : 1;
    s.cpu[i] = op.cpu;
    s.id[i] = op.id;
    s.bytes[i] = op.bytes;
    if (op.id + 1 > s.ids) s.ids = op.id + 1;
  }
  return s;
}

/** Replay ops [from, to) with alloc/free callbacks; returns ops executed (frees of failed allocs are skipped). */
export function replay(
  s: OpStream,
  addr: Int32Array,
  from: number,
  to: number,
  alloc: (cpu: number, bytes: number) => number,
  free: (cpu: number, address: number, bytes: number) => void,
): number {
  let done = 0;
  const { kind, cpu, id, bytes } = s;
  for (let i = from; i < to; i++) {
    if (kind[i] === 0) {
      addr[id[i]] = alloc(cpu[i], bytes[i]);
      done++;
    } else {
      const p = addr[id[i]];
      if (p >= 0) {
        free(cpu[i], p, bytes[i]);
        done++;
      }
    }
  }
  return done;
}
