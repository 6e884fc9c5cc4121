import { describe, expect, it } from 'vitest';
import { nodeSpawn } from './node/spawn';
import { runFreeRunning } from './run-free';
import { runHeadless } from './run-headless';
import { Controller } from './controller';
import type { SpawnCpuWorker, WorkerHandle } from './pool';
import type { RunConfig } from './api';

describe('free-running', () => {
  it('producer-consumer on 2 CPUs: invariants hold at the end, pending remote frees drained by their owners', async () => {
    const r = await runFreeRunning({
      allocators: [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }],
      workload: 'producer-consumer',
      params: {},
      seed: 7,
      cpus: 2,
      ops: 20000,
      spawn: nodeSpawn,
    });
    expect(r.ops).toBe(40000);
    for (const l of r.lanes) {
      expect(l.allocator.checkInvariants()).toEqual([]);
      expect(l.allocator.counters().pendingBytes).toBe(0);
    }
    const remote = r.lanes[0].remote!;
    // CPU 1 frees CPU 0's buffers: it pushes, CPU 0 (the owner) drains; CPU 0 never frees, so its drain is the final one.
    expect(remote.pushed[1]).toBeGreaterThan(0);
    expect(remote.pushed[0]).toBe(0);
    expect(remote.drained[0]).toBe(remote.pushed[1]);
    expect(remote.drainedAtEnd[0]).toBe(remote.drained[0]);
    expect(r.perCpu.map((c) => c.ops)).toEqual([expect.any(Number), expect.any(Number)]);
  });

  it('per-cpu streams run independently (churn, 2 CPUs)', async () => {
    const r = await runHeadless({
      allocators: [{ kind: 'nta', preset: 'blog' }],
      workload: 'churn',
      params: {},
      seed: 1,
      cpus: 2,
      ops: 10000,
      threads: 'workers',
      schedule: 'free',
      stream: 'per-cpu',
    });
    expect(r.lanes[0].ops).toBe(10000);
    expect(r.lanes[0].allocator.checkInvariants()).toEqual([]);
  });
});

/** A factory whose workers never answer (hung) or die right after init. */
function fakeSpawn(mode: 'hang' | 'die'): SpawnCpuWorker {
  return (cpu): WorkerHandle => {
    if (cpu === 0 || mode === 'hang') {
      const real = nodeSpawn(cpu);
      if (mode === 'die' || cpu === 0) return real;
      // Answer 'ready' through the real worker, then never serve a lockstep turn.
      return {
        ...real,
        postMessage: (m) => {
          if (m.type !== 'lockstep') real.postMessage(m);
        },
      };
    }
    const real = nodeSpawn(cpu);
    let die: ((reason: string) => void) | null = null;
    return {
      ...real,
      listen: (onMessage, onDeath) => {
        die = onDeath;
        real.listen(onMessage, onDeath);
      },
      // The worker attaches, then its thread is gone when the first turn comes.
      postMessage: (m) => {
        if (m.type === 'lockstep') {
          real.terminate();
          setTimeout(() => die?.('exited with code 1'), 10);
        } else real.postMessage(m);
      },
    };
  };
}

describe('dead and hung workers', () => {
  const cfg: RunConfig = {
    workload: 'churn',
    params: {},
    allocators: [{ kind: 'nta', preset: 'blog' }],
    cpus: 2,
    schedule: 'lockstep',
    seed: 1,
    ops: 100,
  };

  it('a hung CPU worker rejects the call with a clear message, fast', async () => {
    const c = new Controller(fakeSpawn('hang'), { timeoutMs: 300 });
    await c.configure(cfg);
    await expect(c.step(10)).rejects.toThrow('CPU 1 worker did not answer within 300 ms');
    expect((await c.summary()).error).toBe('CPU 1 worker did not answer within 300 ms');
    await expect(c.step(1)).rejects.toThrow(/reset\(\) it/);
    await c.dispose();
  });

  it('a dead CPU worker rejects the call with its death', async () => {
    const c = new Controller(fakeSpawn('die'), { timeoutMs: 300 });
    await c.configure(cfg);
    await expect(c.step(10)).rejects.toThrow('CPU 1 worker died: exited with code 1');
    await c.dispose();
  });

  it('a worker that throws fails the turn at once with its message', async () => {
    const c = new Controller(nodeSpawn, { timeoutMs: 5000 });
    await c.configure({ ...cfg, cpus: 1 });
    // Corrupt nothing, but give the worker a lane it does not have: executeEntries throws in the worker.
    const engine = (c as unknown as { engine: { setExecutor: unknown; lanes: unknown[] } }).engine;
    const pool = (c as unknown as { pool: { mailboxes: Int32Array[]; turn: (cpu: number, n: number) => void } }).pool;
    (engine as { setExecutor: (e: unknown) => void }).setExecutor({
      mailbox: (cpu: number) => pool.mailboxes[cpu],
      run: (cpu: number, n: number) => {
        pool.mailboxes[cpu][4] = 7;
        pool.turn(cpu, n);
      },
    });
    const t0 = performance.now();
    await expect(c.step(1)).rejects.toThrow(/^CPU 0 worker failed: /);
    expect(performance.now() - t0).toBeLessThan(2000);
    await c.dispose();
  });
});
