/**
 * SLAB on CPU workers: lockstep runs equal inline ones bit for bit (every field, the chunk states,
 * counters, failures and outcomes), with refills, flushes, growth and reaps going through gate();
 * free-running runs end with their invariants intact. The cases of engine/runtime/workers.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AllocatorSpec } from '../registry';
import { runHeadless } from '../../runtime/run-headless';
import { inlineVsWorkers, LOCKSTEP_CASES, lockstepRun } from '../../runtime/test-support';

const SPECS: AllocatorSpec[] = [
  { kind: 'slab', preset: '2.6.18-x86_64' },
  // A small pool that runs out, and a fast clock: cache_reap every 1,000 ops of a CPU.
  { kind: 'slab', preset: '2.6.18-i386', overrides: { pages: 600, opsPerSecond: 500 } },
];
const base = lockstepRun(SPECS);

describe('SLAB lockstep on CPU workers equals inline', () => {
  const cases = LOCKSTEP_CASES;
  for (const [workload, cpus, params] of cases) {
    it(`${workload} on ${cpus} CPU(s), ${Math.min(cpus, 2)} workers: state, failures and outcomes bit for bit`, async () => {
      const { inline, diffs } = await inlineVsWorkers(base(workload, cpus, 40000, params));
      expect(diffs).toEqual([]);
      // The small pool runs out on churn: failed growth goes through the gate too.
      if (workload === 'churn') expect(inline.lanes[1].failures.count).toBeGreaterThan(0);
    });
  }
});

describe('SLAB free-running', () => {
  it('producer-consumer on 2 CPUs (shared stream, cross-CPU frees): invariants hold at the end', async () => {
    const r = await runHeadless({ ...base('producer-consumer', 2, 40000), schedule: 'free', threads: 'workers' });
    for (const a of r.allocators) expect(a.checkInvariants()).toEqual([]);
  });

  it('churn with a stream per CPU: every CPU runs its own ops, racing on the slab lock', async () => {
    const r = await runHeadless({ ...base('churn', 2, 20000), schedule: 'free', threads: 'workers' });
    expect(r.ops[0]).toBe(20000);
    for (const a of r.allocators) expect(a.checkInvariants()).toEqual([]);
  });
});
