/**
 * Free-running: CPU workers run as fast as they can, racing where the allocator
 * shares state between CPUs. Two kinds of stream:
 * - 'shared': workloads whose ops name CPUs across one stream (producer-consumer
 *   frees on other CPUs what CPU 0 allocated; traces): the engine's op buffer, run
 *   in batches on the workers with only each slot's own ops kept in order
 *   (start-pool.ts with ordered = false);
 * - 'per-cpu': every other workload: each CPU runs its own instance (seed + cpu, its
 *   share of the capacity; workers/free-stream.ts), with no waiting at all.
 * At the end every worker has stopped, so the allocators are quiescent and their
 * invariants can be checked.
 */
import type { RunConfig } from './api';
import { WORKLOADS } from '../workloads/generators';
import type { Engine } from './engine';
import { makeBatchBuffers } from './workers/executor';
import { WorkerPool, type SpawnCpuWorker } from './workers/pool';
import { PROG_STRIDE } from './workers/protocol';

/** Traces name their CPUs across one stream; generated workloads say so in the registry (crossCpu). */
export function defaultFreeStream(workload: string): 'shared' | 'per-cpu' {
  if (workload === 'ops' || workload === 'trace') return 'shared';
  return Object.hasOwn(WORKLOADS, workload) && WORKLOADS[workload].crossCpu ? 'shared' : 'per-cpu';
}

export interface FreeRun {
  pool: WorkerPool;
  /** Run every CPU's stream to its end; `onTick` is called about every 100 ms meanwhile. */
  go(onTick: () => void): Promise<void>;
  /** Ops run so far, all CPUs. */
  progress(): number;
}

/** Start the workers of a per-CPU free run on `engine`'s allocators (the engine's lanes get the results). */
export async function buildFreeRun(
  spawn: SpawnCpuWorker,
  engine: Engine,
  cfg: RunConfig,
  workers: number,
  timeoutMs = 10000,
): Promise<FreeRun> {
  const src = engine.source;
  const pool = await WorkerPool.start(
    spawn,
    workers,
    {
      cpus: cfg.cpus,
      specs: cfg.allocators,
      buffers: engine.allocators.map((a) => [...a.buffers]),
      lanes: engine.lanes.map((L) => L.handle),
      batch: makeBatchBuffers(engine.lanes.length),
      ops: src.kind === 'stream' ? src.ops.handle : null,
      spin: 200,
    },
    timeoutMs,
  );
  const progress = (): number => {
    let n = 0;
    for (let w = 0; w < workers; w++) n += pool.prog[w * engine.lanes.length * PROG_STRIDE];
    return n;
  };
  return {
    pool,
    progress,
    async go(onTick) {
      const reports = await pool.freeRun(
        (w) => ({
          type: 'free-run',
          workload: cfg.workload,
          params: cfg.params,
          seed: cfg.seed,
          ops: cfg.ops > 0 ? cfg.ops : 0,
          cpus: pool.cpusOf(w, cfg.cpus),
        }),
        onTick,
      );
      engine.lanes.forEach((L, k) => {
        for (const r of reports) {
          L.failures.merge(r.lanes[k].failures);
          L.errors += r.lanes[k].errors;
          L.skipped += r.lanes[k].skipped;
        }
      });
    },
  };
}
