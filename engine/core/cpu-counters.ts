/**
 * Per-CPU counters as the kinds keep them: f64 slots per CPU at a fixed stride (one cache line
 * or more, so CPUs never share one), written only by the thread running that CPU's ops, and
 * summed into the contract's Counters when asked (off the hot path). Each kind says where its
 * fields are; this is the one place they are summed.
 */
import type { Counters } from './types';

export interface CpuCounterSlots {
  /** f64 slots per CPU. */
  stride: number;
  allocs: number;
  frees: number;
  requested: number;
  allocated: number;
  held: number;
  /** Bytes kept away from other CPUs (cached objects), when the kind counts them here. */
  pending?: number;
  /** Failed allocations: an offset in the counters, or absent when kept in their own array. */
  failures?: number;
}

/**
 * Sum `cpus` CPUs' counters. `fails`: failed allocations kept apart from the counters (at the
 * same stride, as a failed call must leave the counters byte for byte unchanged).
 */
export function sumCpuCounters(cnt: Float64Array, cpus: number, s: CpuCounterSlots, fails?: Float64Array): Counters {
  const r: Counters = {
    allocs: 0,
    frees: 0,
    failures: 0,
    requestedBytes: 0,
    allocatedBytes: 0,
    heldBytes: 0,
    pendingBytes: 0,
    postponedBytes: 0,
  };
  for (let c = 0; c < cpus; c++) {
    const b = c * s.stride;
    r.allocs += cnt[b + s.allocs];
    r.frees += cnt[b + s.frees];
    r.failures += s.failures === undefined ? (fails?.[b] ?? 0) : cnt[b + s.failures];
    r.requestedBytes += cnt[b + s.requested];
    r.allocatedBytes += cnt[b + s.allocated];
    r.heldBytes += cnt[b + s.held];
    if (s.pending !== undefined) r.pendingBytes += cnt[b + s.pending];
  }
  return r;
}
