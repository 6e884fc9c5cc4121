/**
 * `--threads workers`: the same run on worker_threads, one per simulated CPU,
 * through the runtime (engine/runtime/run-headless.ts). Lockstep gives exactly
 * what the inline run gives; free-running gives real interleavings and reports
 * how many remote frees each CPU pushed and drained.
 */
import type { RunArgs } from './args';
import { UsageError } from './args';
import type { AllocatorSpec } from '../allocators/registry';
import { traceArg, type LaneResult } from './main';
import { runHeadless } from '../runtime/run-headless';
import { parseTrace } from '../workloads/trace';

export async function runWithWorkers(a: RunArgs, specs: AllocatorSpec[], oplog?: string[]): Promise<LaneResult[]> {
  if (a.pngFailures) throw new UsageError('--png-failures needs --threads inline');
  const file = traceArg(a);
  // Parse here so a bad line is reported before any worker starts.
  if (file) parseTrace(file.text, file.path, a.cpus, file.format);
  const opsText = file ? { fileName: file.path, text: file.text } : undefined;
  const res = await runHeadless({
    allocators: specs,
    workload: file ? 'trace' : a.workload,
    params: { ...a.params },
    opsText,
    seed: a.seed,
    cpus: a.cpus,
    ops: a.ops,
    threads: 'workers',
    schedule: a.schedule,
    check: a.check,
    oplog: oplog && ((lane, line) => oplog.push(line.replace(/^\S+/, a.allocators[lane]))),
  });
  return res.lanes.map((l, i) => ({
    name: a.allocators[i],
    allocator: l.allocator,
    failures: l.failures,
    ops: l.ops,
    remote: l.remote ?? null,
  }));
}
