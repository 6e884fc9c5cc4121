/**
 * One way to build a run's workload from plain data (RunConfig-like), shared by
 * the coordinator and the CPU workers so every thread builds the same stream.
 */
import { WORKLOADS, createWorkload } from '../workloads/generators';
import { parseTrace } from '../workloads/trace';
import { replayWorkload } from '../workloads/replay';
import type { Workload } from '../workloads/types';

export interface WorkloadSource {
  workload: string;
  params: Record<string, number | string>;
  opsText?: { fileName: string; text: string };
  seed: number;
  cpus: number;
  /** 0 = the workload's own end. */
  ops: number;
}

export function makeWorkload(s: WorkloadSource): Workload {
  if (s.workload === 'ops' || s.workload === 'trace') {
    if (!s.opsText) throw new Error(`workload '${s.workload}' needs an op file (opsText)`);
    // 'ops' and 'trace' both name an imported file; its format is recognised from its text.
    const { ops } = parseTrace(s.opsText.text, s.opsText.fileName, s.cpus);
    return replayWorkload(s.opsText.fileName, ops, s.ops);
  }
  return createWorkload(s.workload, { ...s.params, seed: s.seed, cpus: s.cpus, ops: s.ops });
}

/** Ops the stream will have at most, or 0 when unknown (a workload that ends by itself). */
export function opBound(s: WorkloadSource): number {
  if (s.workload === 'ops' || s.workload === 'trace') {
    if (!s.opsText) return 0;
    const n = parseTrace(s.opsText.text, s.opsText.fileName, s.cpus).ops.length;
    return s.ops > 0 ? Math.min(s.ops, n) : n;
  }
  if (s.ops > 0) return s.ops;
  return Object.hasOwn(WORKLOADS, s.workload) ? WORKLOADS[s.workload].defaultOps : 0;
}
