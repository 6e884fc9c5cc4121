/**
 * NTA on CPU workers: lockstep runs equal inline ones bit for bit (every field, the chunk states,
 * counters, failures and outcomes), PATCH2's growth taking order-0 pages from the shared zone
 * behind gate() (the zone's order decides which pages a CPU gets, so the order of growths must be
 * the inline one); free-running runs end with their invariants intact. The cases of
 * engine/runtime/workers.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AllocatorSpec } from '../registry';
import { runHeadless } from '../../runtime/run-headless';
import { inlineVsWorkers, LOCKSTEP_CASES, lockstepRun } from '../../runtime/test-support';

const SPECS: AllocatorSpec[] = [
  // Growth from a zone that runs out: CPUs take pages from it in turn.
  { kind: 'nta', preset: 'patch2', overrides: { maxPages: 400 } },
  { kind: 'nta', preset: 'patch1', overrides: { regions: 200 } },
];
const base = lockstepRun(SPECS);

describe('NTA lockstep on CPU workers equals inline', () => {
  const cases = LOCKSTEP_CASES;
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
      // patch2 grows until the zone has no page left, and then fails.
      expect(failures[0]).toBeGreaterThan(0);
    });
  }
});

describe('NTA free-running', () => {
  it('churn with a stream per CPU: growths race on the zone lock; invariants hold at the end', async () => {
    const r = await runHeadless({ ...base('churn', 2, 20000), schedule: 'free', threads: 'workers' });
    expect(r.ops[0]).toBe(20000);
    for (const a of r.allocators) expect(a.checkInvariants()).toEqual([]);
  });
});
