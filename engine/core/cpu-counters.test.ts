import { describe, expect, it } from 'vitest';
import { sumCpuCounters } from './cpu-counters';

describe('sumCpuCounters', () => {
  it('sums each field over the CPUs at the stride, failures from the counters or from their own array', () => {
    // 2 CPUs, stride 4: allocs, frees, requested, allocated; held and pending share slot 3.
    const cnt = new Float64Array([1, 2, 30, 40, 5, 6, 70, 80]);
    const inCounters = { stride: 4, allocs: 0, frees: 1, requested: 2, allocated: 3, held: 3, failures: 1 };
    expect(sumCpuCounters(cnt, 2, inCounters)).toEqual({
      allocs: 6,
      frees: 8,
      failures: 8,
      requestedBytes: 100,
      allocatedBytes: 120,
      heldBytes: 120,
      pendingBytes: 0,
      postponedBytes: 0,
    });
    const apart = { stride: 4, allocs: 0, frees: 1, requested: 2, allocated: 3, held: 3, pending: 2 };
    const fails = new Float64Array([9, 0, 0, 0, 4, 0, 0, 0]);
    const r = sumCpuCounters(cnt, 2, apart, fails);
    expect([r.failures, r.pendingBytes]).toEqual([13, 100]);
    // One CPU: the second's slots are not read.
    expect(sumCpuCounters(cnt, 1, apart, fails).allocs).toBe(1);
  });
});
