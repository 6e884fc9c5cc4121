/**
 * Where a run's ops come from, built from plain data (a RunConfig or the CLI's
 * arguments) the same way in every thread:
 * - a generated stream: one generator writes into a ring op buffer in blocks, ahead
 *   of execution (memory does not grow with the run; seeks regenerate);
 * - a trace or op file: parsed once into a linear op buffer that holds the whole file;
 * - an adaptive workload: one generator per lane, asked op by op (no op buffer).
 */
import { OpBuffer } from '../core/op-buffer';
import { WORKLOADS, createWorkload } from '../workloads/generators';
import { parseTrace } from '../workloads/trace';
import { replayStream } from '../workloads/replay';
import type { AdaptiveWorkload, Op, OpStream } from '../workloads/types';

export interface WorkloadSource {
  workload: string;
  params: Record<string, number | string>;
  /** An imported op file / trace, when workload is 'ops' or 'trace' (the format is recognised from the text). */
  opsText?: { fileName: string; text: string; format?: string };
  /** The same file already parsed (the CLI parses once to report problems first); used instead of opsText. */
  parsed?: { fileName: string; ops: readonly Op[] };
  seed: number;
  cpus: number;
  /** 0 = the workload's own end. */
  ops: number;
}

/** Ring capacity of generated streams: enough for a batch and the ops a seek may replay. */
export const RING_OPS = 1 << 20;
/** Ops produced per block. */
export const BLOCK_OPS = 1 << 16;

export type Source =
  | { kind: 'stream'; stream: OpStream; ops: OpBuffer; name: string }
  | { kind: 'adaptive'; make: () => AdaptiveWorkload; name: string };

export const isTrace = (s: WorkloadSource): boolean => s.workload === 'ops' || s.workload === 'trace';

/** Build the run's source; a bad trace or parameter throws before anything runs. */
export function buildSource(s: WorkloadSource): Source {
  if (isTrace(s)) {
    if (!s.parsed && !s.opsText) throw new Error(`workload '${s.workload}' needs an op file (opsText)`);
    const fileName = s.parsed?.fileName ?? s.opsText?.fileName ?? '';
    const ops = s.parsed?.ops ?? parseTrace(s.opsText?.text ?? '', fileName, s.cpus, s.opsText?.format).ops;
    const n = s.ops > 0 ? Math.min(s.ops, ops.length) : ops.length;
    const buf = OpBuffer.create({ capacity: Math.max(1, n) });
    const stream = replayStream(fileName, ops, n);
    buf.beginProducing();
    if (n > 0 && !buf.reserve(n)) throw new Error(`${fileName}: ${n} ops do not fit in the op buffer`);
    stream.produce(buf, n);
    buf.end();
    return { kind: 'stream', stream, ops: buf, name: fileName };
  }
  const params = { ...s.params, seed: s.seed, cpus: s.cpus, ops: s.ops };
  const first = createWorkload(s.workload, params); // validates the name and parameters
  if (first.kind === 'adaptive') {
    let spare: AdaptiveWorkload | null = first;
    const make = (): AdaptiveWorkload => {
      const w = spare ?? (createWorkload(s.workload, params) as AdaptiveWorkload);
      spare = null;
      return w;
    };
    return { kind: 'adaptive', make, name: s.workload };
  }
  const buf = OpBuffer.create({ ring: true, capacity: RING_OPS });
  buf.beginProducing();
  return { kind: 'stream', stream: first, ops: buf, name: s.workload };
}

/**
 * Produce ops up to index `to` (or the stream's end), in blocks. The ring never
 * overwrites ops not yet consumed: `to` must be within capacity of `consumed`.
 */
export function fill(src: Extract<Source, { kind: 'stream' }>, to: number): void {
  const buf = src.ops;
  while (!buf.ended && buf.produced < to) {
    const n = Math.min(BLOCK_OPS, to - buf.produced);
    if (!buf.reserve(n)) throw new Error(`op buffer full: ${n} more ops would overwrite ops not yet executed`);
    const made = src.stream.produce(buf, n);
    if (made === 0) buf.end();
    else buf.publish();
  }
}

/** Ops the run will have at most, or 0 when the workload ends by itself (unknown length). */
export function opBound(s: WorkloadSource): number {
  if (s.ops > 0) return s.ops;
  return Object.hasOwn(WORKLOADS, s.workload) ? WORKLOADS[s.workload].defaultOps : 0;
}
