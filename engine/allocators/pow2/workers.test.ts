/**
 * pow2 on CPU workers: lockstep runs equal inline ones bit for bit (every field, the chunk
 * states, counters, failures and outcomes), with every slab taken from and given back to the
 * shared zone behind gate(), classes above a page included; free-running runs race on the zone's
 * lock and end with their invariants intact. The cases of engine/runtime/workers.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AllocatorSpec } from '../registry';
import { runHeadless } from '../../runtime/run-headless';
import { inlineVsWorkers, LOCKSTEP_CASES, lockstepRun } from '../../runtime/test-support';

const SPECS: AllocatorSpec[] = [
  { kind: 'pow2' },
  // A small zone that runs out, with classes up to 131072 (blocks of up to 32 pages).
  { kind: 'pow2', overrides: { pages: 600 } },
];
const run = lockstepRun(SPECS);
// churn: sizes up to 140000, so classes above a page (and TooLarge) come up
const base = (workload: string, cpus: number, ops: number, params: Record<string, number | string> = {}) =>
  run(workload, cpus, ops, workload === 'churn' ? { max: 140000, ...params } : params);

describe('pow2 lockstep on CPU workers equals inline', () => {
  const cases: typeof LOCKSTEP_CASES = [
    ...LOCKSTEP_CASES,
    // Jumbo frames: 16760-byte buffers in class 32768 (order-3 blocks), freed on the CPU the flow hashes to.
    ['nic-rx', 4, { mtu: 9000 }],
  ];
  // One allocator per run: with as many lanes as workers each lane would run whole on one worker
  // (executor.ts assignGroups), and the CPUs of one lane would never run side by side.
  for (const [workload, cpus, params] of cases) {
    it(`${workload} on ${cpus} CPU(s), ${Math.min(cpus, 2)} workers: state, failures and outcomes bit for bit`, async () => {
      const failures: number[] = [];
      for (const spec of SPECS) {
        const o = { ...base(workload, cpus, 30000, params), allocators: [spec] };
        const { inline, diffs } = await inlineVsWorkers(o);
        expect(diffs).toEqual([]);
        const a = inline.lanes[0];
        failures.push(a.failures.count);
      }
      // The small zone runs out on churn: failed slabs go through the gate too.
      if (workload === 'churn') expect(failures[1]).toBeGreaterThan(0);
    });
  }
});

describe('pow2 free-running', () => {
  it('producer-consumer on 2 CPUs (shared stream, cross-CPU frees give slabs back): invariants hold at the end', async () => {
    const r = await runHeadless({ ...base('producer-consumer', 2, 40000), schedule: 'free', threads: 'workers' });
    for (const a of r.allocators) expect(a.checkInvariants()).toEqual([]);
  });

  it("churn with a stream per CPU: every CPU runs its own ops, racing on the zone's lock", async () => {
    const r = await runHeadless({ ...base('churn', 2, 20000), schedule: 'free', threads: 'workers' });
    expect(r.ops[0]).toBe(20000);
    for (const a of r.allocators) expect(a.checkInvariants()).toEqual([]);
  });
});
