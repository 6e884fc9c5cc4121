import { describe, expect, it } from 'vitest';
import type { AllocatorSpec } from '../allocators/registry';
import { nodeSpawn } from './node/spawn';
import { runHeadless } from './run-headless';
import { Engine } from './engine';
import { startPool } from './start-pool';
import { inlineVsWorkers, LOCKSTEP_CASES, lockstepRun, sameState } from './test-support';
import type { SpawnCpuWorker, WorkerHandle } from './workers/pool';

const SPECS: AllocatorSpec[] = [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }];
const base = lockstepRun(SPECS);

describe('lockstep on CPU workers', () => {
  const cases = LOCKSTEP_CASES;
  for (const [workload, cpus, params] of cases) {
    it(`${workload} on ${cpus} CPU(s), ${Math.min(cpus, 2)} workers: bit for bit the inline run (state, failures, outcomes)`, async () => {
      const { diffs } = await inlineVsWorkers(base(workload, cpus, 60000, params));
      expect(diffs).toEqual([]);
    });
  }

  it('more CPUs than workers: 8 CPUs on 2 workers equal inline', async () => {
    const inline = await runHeadless({ ...base('churn', 8, 40000), threads: 'inline' });
    const workers = await runHeadless({ ...base('churn', 8, 40000), threads: 'workers', cores: 2 });
    SPECS.forEach((_, k) => expect(sameState(inline.allocators[k], workers.allocators[k])).toBe(true));
  });

  it('NTA growth (patch2) goes through the gate: equal to inline with failures on 2 CPUs', async () => {
    const specs: AllocatorSpec[] = [{ kind: 'nta', preset: 'patch2', overrides: { maxPages: 200 } }];
    const o = { ...base('churn', 2, 50000), allocators: specs };
    const inline = await runHeadless({ ...o, threads: 'inline' });
    const workers = await runHeadless({ ...o, threads: 'workers', cores: 2 });
    expect(inline.lanes[0].failures.count).toBeGreaterThan(0);
    expect(workers.lanes[0].failures.list()).toEqual(inline.lanes[0].failures.list());
    expect(sameState(inline.allocators[0], workers.allocators[0])).toBe(true);
  });

  it.each([
    ['two lanes, a worker each', SPECS],
    ['one small NTA lane over both workers, failing', [{ kind: 'nta', preset: 'blog', overrides: { regions: 64 } }]],
  ] as [string, AllocatorSpec[]][])(
    'seeking (short replays here, long ones on the workers), then on: equal to inline (%s)',
    async (_, allocators) => {
      const cfg = { ...base('producer-consumer', 2, 80000), allocators };
      const e = new Engine(cfg, { interval: 16384 });
      const setup = await startPool(nodeSpawn, e, cfg, 2, true);
      e.setExecutor(setup.executor);
      try {
        e.run(50000);
        // Back to 12345: restore op 0, replay 12345 on the workers; forward past a checkpoint;
        // back a little (replayed here); then on.
        for (const op of [12345, 45000, 36000, 12345]) expect(e.seek(op)).toBe(op);
        e.run(20000, true);
        e.run(80000);
        const ref = new Engine(cfg, { checkpoints: false });
        ref.run(80000);
        e.lanes.forEach((L, k) => {
          expect(sameState(L.allocator, ref.lanes[k].allocator)).toBe(true);
          expect(L.failures.list()).toEqual(ref.lanes[k].failures.list());
        });
        if (allocators.length === 1) expect(e.lanes[0].failures.count).toBeGreaterThan(0);
      } finally {
        setup.pool.terminate();
      }
    },
  );

  it('production runs ahead of the workers across checkpoints: a seek past the ring regenerates exactly', async () => {
    // 1.3 M ops outgrow the ring (RING_OPS): seeking back to 70,000 restores the generator from the
    // checkpoint at 65,536, whose state was noted while the ops were produced ahead of execution.
    const cfg = base('churn', 1, 1_300_000);
    const e = new Engine(cfg);
    const setup = await startPool(nodeSpawn, e, cfg, 2, true);
    e.setExecutor(setup.executor);
    try {
      e.run(1_300_000);
      const ref = new Engine(cfg, { checkpoints: false });
      for (const op of [70000, 600_000]) {
        expect(e.seek(op)).toBe(op);
        ref.run(op - ref.cursor);
        e.lanes.forEach((L, k) => expect(sameState(L.allocator, ref.lanes[k].allocator)).toBe(true));
      }
      e.run(700_000);
      ref.run(700_000);
      e.lanes.forEach((L, k) => {
        expect(sameState(L.allocator, ref.lanes[k].allocator)).toBe(true);
        expect(L.failures.list()).toEqual(ref.lanes[k].failures.list());
      });
    } finally {
      setup.pool.terminate();
    }
  });
});

describe('free-running', () => {
  it('producer-consumer on 2 CPUs (shared stream): invariants hold at the end, nothing left pending', async () => {
    const r = await runHeadless({ ...base('producer-consumer', 2, 40000), schedule: 'free', threads: 'workers' });
    for (const a of r.allocators) {
      expect(a.checkInvariants()).toEqual([]);
      expect(a.counters().pendingBytes).toBe(0);
    }
  });

  it('churn with a stream per CPU: every CPU runs its own ops', async () => {
    const r = await runHeadless({ ...base('churn', 2, 20000), schedule: 'free', threads: 'workers' });
    expect(r.ops[0]).toBe(20000);
    for (const a of r.allocators) expect(a.checkInvariants()).toEqual([]);
  });
});

/** A factory whose worker 1 throws instead of serving, or never serves a command. */
function faulty(mode: 'throw' | 'hang'): SpawnCpuWorker {
  return (index): WorkerHandle => {
    const real = nodeSpawn(index);
    if (index === 0) return real;
    return {
      ...real,
      postMessage(m) {
        if (m.type !== 'serve') real.postMessage(m);
        // 'hang': it never enters the command loop. 'throw': it gets a job it cannot do.
        else if (mode === 'throw')
          real.postMessage({ type: 'free-run', workload: 'nope', params: {}, seed: 1, ops: 1, cpus: [1] });
      },
    };
  };
}

describe('a worker that dies or hangs', () => {
  it('a hung worker becomes an error naming it, after the timeout without progress', async () => {
    await expect(
      runHeadless({
        ...base('churn', 2, 200000),
        threads: 'workers',
        cores: 2,
        spawn: faulty('hang'),
        timeoutMs: 1500,
      }),
    ).rejects.toThrow(/CPU worker 1 made no progress for 1.5 s/);
  });

  it('a worker that throws fails the run with its message', async () => {
    await expect(
      runHeadless({ ...base('churn', 2, 200000), threads: 'workers', cores: 2, spawn: faulty('throw') }),
    ).rejects.toThrow(/CPU worker 1 failed: unknown workload 'nope'/);
  });

  it('a long but moving batch is not called hung (the watchdog watches progress, not time)', async () => {
    // 300 ms without progress would trip it; a batch of 65536 ops on 4 lanes takes longer than that, with progress.
    const specs: AllocatorSpec[] = [SPECS[0], SPECS[1], SPECS[0], SPECS[1]];
    const r = await runHeadless({
      ...base('churn', 2, 300000),
      allocators: specs,
      threads: 'workers',
      cores: 2,
      timeoutMs: 300,
    });
    expect(r.ops[0]).toBe(300000);
  });
});
