/**
 * `--threads workers`: the same run on worker_threads, one per simulated CPU,
 * through the runtime (engine/runtime/run-headless.ts). Lockstep gives exactly
 * what the inline run gives; free-running gives real interleavings and reports
 * how many remote frees each CPU pushed and drained.
 */
import { readFileSync } from 'node:fs';
import type { RunArgs } from './args';
import { UsageError } from './args';
import type { AllocatorSpec } from '../allocators/registry';
import type { LaneResult } from './main';
import { runHeadless } from '../runtime/run-headless';
import { parseOpFile } from '../workloads/opfile';
import { parseWeeTrace } from '../workloads/trace-wee';

export async function runWithWorkers(a: RunArgs, specs: AllocatorSpec[], oplog?: string[]): Promise<LaneResult[]> {
  if (a.pngFailures) throw new UsageError('--png-failures needs --threads inline');
  const file = /^(ops|wee):(.+)$/.exec(a.workload);
  let opsText: { fileName: string; text: string } | undefined;
  if (file) {
    const path = file[2]!;
    let text: string;
    try { text = readFileSync(path, 'utf8'); } catch (e) { throw new Error(`cannot read ${path}: ${(e as Error).message}`); }
    // Parse here so a bad line is reported before any worker starts.
    if (file[1] === 'ops') parseOpFile(text, path, a.cpus); else parseWeeTrace(text, path);
    opsText = { fileName: path, text };
  }
  const res = await runHeadless({
    allocators: specs, workload: file ? (file[1] === 'ops' ? 'ops' : 'trace') : a.workload,
    params: { ...a.params }, opsText, seed: a.seed, cpus: a.cpus, ops: a.ops,
    threads: 'workers', schedule: a.schedule, check: a.check,
    oplog: oplog && ((lane, line) => oplog.push(line.replace(/^\S+/, a.allocators[lane]!))),
  });
  return res.lanes.map((l, i) => ({ name: a.allocators[i]!, allocator: l.allocator, failures: l.failures, ops: l.ops, remote: l.remote ?? null }));
}
