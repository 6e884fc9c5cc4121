/**
 * The runtime for the CLI and the bench: run a workload to its end inline, on CPU
 * workers in lockstep (the same results as inline, bit for bit) or free-running,
 * through the same Engine as the app, without checkpoints (nothing seeks): memory
 * follows the live set and a bounded history, not the length of the run.
 */
import type { AllocatorSpec } from '../allocators/registry';
import type { Allocator } from '../core/types';
import type { Schedule } from './api';
import { Engine } from './engine';
import { buildFreeRun, defaultFreeStream } from './free-run';
import type { Lane } from './lane';
import { OUT_RING } from './lane';
import type { WorkloadSource } from './source';
import { startPool, workersFor, type PoolSetup } from './start-pool';
import type { SpawnCpuWorker } from './workers/pool';

export interface HeadlessOptions extends WorkloadSource {
  allocators: AllocatorSpec[];
  threads: 'inline' | 'workers';
  schedule: Schedule;
  /** Worker factory; default: Node worker_threads (node/spawn.ts). */
  spawn?: SpawnCpuWorker;
  /** Called after every chunk of op indices [from, to) (lockstep): op logs, invariant checks. */
  onChunk?: (engine: Engine, from: number, to: number) => void;
  /** Op indices per chunk when onChunk is given (at most OUT_RING: the outcome rings hold that many). */
  chunk?: number;
  /** Stop right after every failed allocation and call this (inline only): PNGs at failures. */
  onFailure?: (engine: Engine) => void;
  /** Explain the first failed allocations of each lane where they happen (inline only: lane.ts EXPLAIN_FIRST). */
  explain?: boolean;
  /** Free-running stream kind (see free-run.ts). */
  stream?: 'shared' | 'per-cpu';
  timeoutMs?: number;
  /** Hardware threads; default: os.availableParallelism(). */
  cores?: number;
}

/** Free-running: per CPU, remote-free bytes pushed to other CPUs and drained as owner (of them, at the final drain). */
export interface RemoteFrees {
  pushed: number[];
  drained: number[];
  drainedAtEnd: number[];
}

export interface HeadlessResult {
  engine: Engine;
  lanes: Lane[];
  allocators: Allocator[];
  /** Ops each lane executed. */
  ops: number[];
  elapsedMs: number;
  /** Free-running on allocators with remote frees (NTA): what went through them; else null. */
  remote: (RemoteFrees | null)[];
}

/**
 * The quiescent point of a free run: every CPU drains what others queued for it (as its
 * next free would), so invariants can be checked and nothing stays pending.
 */
export function quiesce(allocators: readonly Allocator[], cpus: number, free: boolean): (RemoteFrees | null)[] {
  return allocators.map((a) => {
    if (!free || !a.drainRemote || !a.remoteTotals) return null;
    const drainedAtEnd = Array.from({ length: cpus }, (_, c) => a.drainRemote?.(c) ?? 0);
    const t = Array.from({ length: cpus }, (_, c) => a.remoteTotals?.(c) ?? { pushed: 0, drained: 0 });
    return { pushed: t.map((x) => x.pushed), drained: t.map((x) => x.drained), drainedAtEnd };
  });
}

async function nodeSpawn(): Promise<SpawnCpuWorker> {
  return (await import('./node/spawn')).nodeSpawn;
}

async function nodeCores(): Promise<number> {
  return (await import('./node/spawn')).nodeCores();
}

export async function runHeadless(o: HeadlessOptions): Promise<HeadlessResult> {
  if (o.threads === 'inline' && o.schedule === 'free') {
    throw new Error('the free-running schedule needs worker threads (--threads workers)');
  }
  if (o.onFailure && o.threads !== 'inline') throw new Error('stopping at every failure needs --threads inline');
  const engine = new Engine(o, { checkpoints: false });
  if (o.explain) for (const L of engine.lanes) L.explain = true;
  const cores = o.cores ?? (await nodeCores());
  const workers = workersFor(o.schedule, o.cpus, engine.lanes.length, cores);
  // The run's time, not counting starting the workers (seconds in Node with tsx).
  let t0 = performance.now();
  let setup: PoolSetup | null = null;
  try {
    if (o.threads === 'workers') {
      const spawn = o.spawn ?? (await nodeSpawn());
      const stream = o.stream ?? defaultFreeStream(o.workload);
      if (o.schedule === 'free' && (stream === 'per-cpu' || engine.source.kind === 'adaptive')) {
        const run = await buildFreeRun(spawn, engine, { ...o, schedule: 'free' }, workers, o.timeoutMs);
        t0 = performance.now();
        try {
          await run.go(() => undefined);
        } finally {
          run.pool.terminate();
        }
        const ops = run.progress();
        const elapsedMs = performance.now() - t0;
        const remote = quiesce(engine.allocators, o.cpus, true);
        return {
          engine,
          lanes: engine.lanes,
          allocators: engine.allocators,
          ops: engine.lanes.map(() => ops),
          elapsedMs,
          remote,
        };
      }
      if (engine.source.kind === 'stream') {
        setup = await startPool(spawn, engine, o, workers, o.schedule === 'lockstep', o.timeoutMs, cores);
        engine.setExecutor(setup.executor);
        t0 = performance.now();
      }
    }
    const chunk = o.onChunk ? Math.min(o.chunk ?? OUT_RING, OUT_RING) : 1 << 20;
    for (;;) {
      const from = engine.cursor;
      const ran = engine.run(chunk, o.onFailure !== undefined);
      if (ran === 0) break;
      o.onChunk?.(engine, from, engine.cursor);
      if (o.onFailure) {
        const at = engine.cursor - 1;
        if (engine.lanes.some((L) => L.failures.count > 0 && L.failures.tail(1)[0]?.op === at)) o.onFailure(engine);
      }
    }
    const elapsedMs = performance.now() - t0;
    const remote = quiesce(engine.allocators, o.cpus, o.schedule === 'free');
    return {
      engine,
      lanes: engine.lanes,
      allocators: engine.allocators,
      ops: engine.lanes.map((_, k) => engine.laneOps(k)),
      elapsedMs,
      remote,
    };
  } catch (e) {
    throw setup ? await setup.pool.explain(e) : e;
  } finally {
    setup?.pool.terminate();
  }
}
