/**
 * The runtime for the CLI: run a workload to its end inline, on lockstep workers
 * or free-running, and hand back the attached allocators (for metrics, snapshots
 * and PNGs). Inline and lockstep-workers use the same LockstepEngine and give the
 * same failures and the same final state as runner.ts Lane, op for op.
 */
import type { Allocator } from '../core/types';
import { formatOpLine, type Failure } from '../core/runner';
import type { AllocatorSpec } from '../allocators/registry';
import type { Op, OpKind } from '../workloads/types';
import type { Schedule } from './api';
import { KIND_NAME } from './cpu-loop';
import { LockstepEngine } from './lockstep';
import { CpuPool, type SpawnCpuWorker } from './pool';
import { runFreeRunning, type RemoteFrees } from './run-free';
import type { WorkloadSource } from './workload-of';

export interface HeadlessOptions extends WorkloadSource {
  allocators: AllocatorSpec[];
  threads: 'inline' | 'workers';
  schedule: Schedule;
  /** Worker factory; default: Node worker_threads (node/spawn.ts). */
  spawn?: SpawnCpuWorker;
  /** Op-log lines in runner.ts format, lane by lane per op index (lockstep only). */
  oplog?: (lane: number, line: string) => void;
  /** Check every allocator's invariants after every op (lockstep; slow). */
  check?: boolean;
  /** Free-running stream kind (see cpu-loop.ts). */
  stream?: 'shared' | 'per-cpu';
  timeoutMs?: number;
  /** Hardware threads; default: os.availableParallelism() through node/spawn.ts. */
  cores?: number;
}

export interface HeadlessLane {
  spec: AllocatorSpec;
  allocator: Allocator;
  failures: Failure[];
  ops: number;
  remote?: RemoteFrees | null;
}
export interface HeadlessResult {
  lanes: HeadlessLane[];
  elapsedMs: number;
}

async function defaultSpawn(): Promise<SpawnCpuWorker> {
  return (await import('./node/spawn')).nodeSpawn;
}

export async function runHeadless(o: HeadlessOptions): Promise<HeadlessResult> {
  if (o.threads === 'inline' && o.schedule === 'free')
    throw new Error('the free-running schedule needs worker threads (--threads workers)');
  if (o.schedule === 'free') {
    const r = await runFreeRunning({ ...o, spawn: o.spawn ?? (await defaultSpawn()) });
    return { lanes: r.lanes, elapsedMs: r.elapsedMs };
  }
  // No seeking headless: one checkpoint (op 0) only.
  const engine = new LockstepEngine(o, Infinity);
  let pool: CpuPool | null = null;
  if (o.threads === 'workers') {
    pool = await CpuPool.start(
      o.spawn ?? (await defaultSpawn()),
      o.cpus,
      o.allocators,
      engine.allocators.map((a) => a.buffers),
      engine.lanes.length,
      o.timeoutMs ?? 5000,
    );
    const p = pool;
    const ahead = p.enterLockstep(o.cores ?? (await import('./node/spawn')).nodeCores(), {
      src: o,
      lanes: engine.lanes.length,
    });
    engine.setExecutor({ mailbox: (cpu) => p.mailboxes[cpu], run: (cpu, n) => p.turn(cpu, n), ahead });
  }
  const t0 = performance.now();
  try {
    const op: Op = { kind: 'alloc', cpu: 0, id: 0, bytes: 0 };
    // Batches (run ahead on workers); checking invariants after every op index needs batches of one.
    const chunk = o.check ? 1 : 16384;
    for (let from = engine.cursor; engine.run(chunk) > 0; from = engine.cursor) {
      if (!o.oplog && !o.check) continue;
      for (let i = from; i < engine.cursor; i++)
        engine.lanes.forEach((L, k) => {
          if (i >= L.rec.len) return;
          if (o.oplog) {
            op.kind = KIND_NAME[L.rec.kind[i]] as OpKind;
            op.cpu = L.rec.cpu[i];
            op.id = L.rec.id[i];
            op.bytes = L.rec.bytes[i];
            o.oplog(k, formatOpLine(L.allocator, i, op, L.rec.out[i], L.table.bytes[op.id] ?? 0));
          }
          if (o.check) {
            const errs = L.allocator.checkInvariants();
            if (errs.length)
              throw new Error(`invariant broken in ${L.allocator.label} after op ${i}:\n  ${errs.join('\n  ')}`);
          }
        });
    }
    const elapsedMs = performance.now() - t0;
    if (pool) await pool.leaveLockstep();
    return {
      lanes: engine.lanes.map((L, k) => ({
        spec: L.spec,
        allocator: L.allocator,
        failures: L.failures,
        ops: engine.laneOps(k),
      })),
      elapsedMs,
    };
  } catch (e) {
    throw pool ? await pool.explain(e) : e;
  } finally {
    pool?.terminate();
  }
}
