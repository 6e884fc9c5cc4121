/**
 * Start the CPU workers of a run and attach them to its shared memory: the
 * allocators' buffers, the lanes' slot tables and outcome rings, the op buffer and
 * the batch buffers. Used by the Controller and the headless runner.
 */
import type { AllocatorSpec } from '../allocators/registry';
import type { Engine } from './engine';
import { WorkerExecutor, makeBatchBuffers } from './workers/executor';
import { WorkerPool, type SpawnCpuWorker } from './workers/pool';

export interface PoolSetup {
  pool: WorkerPool;
  executor: WorkerExecutor;
}

/**
 * Polls of a shared slot before sleeping: long when every worker has a core of its own (the
 * coordinator sleeps through a batch), short when workers share cores (polling would steal the
 * core from the worker being waited for).
 */
export function spinFor(workers: number, cores: number): number {
  return cores >= workers ? 20000 : 200;
}

/**
 * Workers for a run on CPU workers. Free-running: one per CPU up to the cores (a worker is a
 * CPU there). Lockstep: lanes are independent, so a lane runs whole on a worker of its own
 * (executor.ts assignGroups) and several lanes run at once even on one simulated CPU; more
 * CPUs than lanes spread a lane's CPUs over the workers. Never more workers than cores.
 */
export function workersFor(schedule: 'lockstep' | 'free', cpus: number, lanes: number, cores: number): number {
  const want = schedule === 'free' ? cpus : Math.max(cpus, lanes);
  return Math.max(1, Math.min(want, cores));
}

export async function startPool(
  spawn: SpawnCpuWorker,
  engine: Engine,
  cfg: { allocators: AllocatorSpec[]; cpus: number },
  workers: number,
  ordered: boolean,
  timeoutMs = 10000,
  cores = workers + 1,
): Promise<PoolSetup> {
  const src = engine.source;
  if (src.kind !== 'stream') throw new Error('CPU workers run streams; an adaptive workload runs on one thread');
  const batch = makeBatchBuffers(engine.lanes.length);
  const pool = await WorkerPool.start(
    spawn,
    workers,
    {
      cpus: cfg.cpus,
      specs: cfg.allocators,
      buffers: engine.allocators.map((a) => [...a.buffers]),
      lanes: engine.lanes.map((L) => L.handle),
      batch,
      ops: src.ops.handle,
      spin: spinFor(workers, cores),
    },
    timeoutMs,
  );
  return { pool, executor: new WorkerExecutor(pool, engine.lanes, src.ops, batch, ordered, cfg.cpus) };
}
