/**
 * SLUB and buddy on CPU workers: lockstep runs bit for bit the inline run (the cases of
 * engine/runtime/workers.test.ts). SLUB's slow paths and every buddy op go through gate();
 * its fast paths touch only the executing CPU's state.
 */
import { describe, expect, it } from 'vitest';
import type { AllocatorSpec } from '../registry';
import { runHeadless } from '../../runtime/run-headless';
import { inlineVsWorkers, LOCKSTEP_CASES, lockstepRun } from '../../runtime/test-support';

const SPECS: AllocatorSpec[] = [
  { kind: 'slub', preset: '2.6.22' },
  { kind: 'slub', preset: '3.6-i386' },
  { kind: 'slub', preset: '6.6-x86_64', overrides: { pages: 1500 } },
  { kind: 'buddy' },
];
const base = lockstepRun(SPECS);

describe('SLUB and buddy: lockstep on CPU workers equals inline', () => {
  const cases = LOCKSTEP_CASES;
  for (const [workload, cpus, params] of cases) {
    it(`${workload} on ${cpus} CPU(s), ${Math.min(cpus, 2)} workers: state, failures and outcomes`, async () => {
      const { diffs } = await inlineVsWorkers(base(workload, cpus, 30000, params));
      expect(diffs).toEqual([]);
    });
  }
  it('free-running on 2 workers ends with invariants intact', async () => {
    const r = await runHeadless({ ...base('churn', 2, 30000), schedule: 'free', threads: 'workers', cores: 2 });
    for (const a of r.allocators) expect(a.checkInvariants()).toEqual([]);
  });
});
