/**
 * `--threads workers`: the same run on worker_threads, one per simulated CPU,
 * through the runtime (engine/runtime/run-headless.ts). Lockstep gives exactly
 * what the inline run gives; free-running gives real interleavings and reports
 * how many remote frees each CPU pushed and drained.
 */
import type { AllocatorSpec } from '../allocators/registry';
import { runHeadless } from '../runtime/run-headless';
import { formatOpFile } from '../workloads/opfile';
import { detectTraceFormat } from '../workloads/trace';
import type { RunArgs } from './args';
import type { LaneResult } from './report';
import type { LoadedTrace } from './run';

/**
 * The text the workers parse. They recognise the format from the text, so a file
 * read as another format (`ops:`, `wee:`, `--format`) goes to them as the op file
 * of the ops already parsed here: every thread then replays exactly those ops.
 */
function workerText(t: LoadedTrace): string {
  if (t.format === undefined || detectTraceFormat(t.text)?.name === t.format) return t.text;
  return formatOpFile(t.parsed.ops, `${t.path}, read as ${t.format}`);
}

export async function runWithWorkers(
  a: RunArgs,
  specs: AllocatorSpec[],
  trace: LoadedTrace | null,
  oplog?: (line: string) => void,
): Promise<LaneResult[]> {
  const res = await runHeadless({
    allocators: specs,
    workload: trace ? 'trace' : a.workload,
    params: { ...a.params },
    opsText: trace ? { fileName: trace.path, text: workerText(trace) } : undefined,
    seed: a.seed,
    cpus: a.cpus,
    ops: a.ops,
    threads: 'workers',
    schedule: a.schedule,
    check: a.check,
    oplog: oplog && ((lane, line) => oplog(line.replace(/^\S+/, a.allocators[lane]))),
  });
  return res.lanes.map((l, i) => ({
    name: a.allocators[i],
    allocator: l.allocator,
    failures: l.failures,
    ops: l.ops,
    remote: l.remote ?? null,
  }));
}
