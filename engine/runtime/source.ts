/**
 * Where a run's ops come from, built from plain data (a RunConfig or the CLI's
 * arguments) the same way in every thread:
 * - a generated stream: one generator writes into a ring op buffer in blocks, ahead
 *   of execution (memory does not grow with the run; seeks regenerate);
 * - a trace or op file: imported once (engine/import) into a linear op buffer that holds
 *   the whole file; the CLI streams the file into it and passes the filled buffer;
 * - an adaptive workload: one generator per lane, asked op by op (no op buffer).
 */
import { OpBuffer, type OpBufferHandle } from '../core/op-buffer';
import { importText, requireCpus } from '../import/import';
import { WORKLOADS, createWorkload } from '../workloads/generators';
import type { AdaptiveWorkload, OpStream } from '../workloads/types';

export interface WorkloadSource {
  workload: string;
  params: Record<string, number | string>;
  /** An imported op file / trace, when workload is 'ops' or 'trace' (the format is recognised from the text). */
  opsText?: { fileName: string; text: string; format?: string };
  /** The file already imported into an ended linear op buffer (the CLI streams it once); used instead of opsText. */
  imported?: { fileName: string; ops: OpBuffer };
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

/**
 * Attach to an imported op buffer made in another thread, with a header of its own: a run cut
 * short by `ops` rewinds its header (buildSource), which must not shorten the buffer for the
 * next run made from the same import. The columns are shared, never copied.
 */
export function attachImported(h: OpBufferHandle): OpBuffer {
  const header =
    typeof SharedArrayBuffer !== 'undefined'
      ? new SharedArrayBuffer(h.header.byteLength)
      : new ArrayBuffer(h.header.byteLength);
  new Int32Array(header).set(new Int32Array(h.header));
  return new OpBuffer({ ...h, header });
}

/** Build the run's source; a bad trace or parameter throws before anything runs. */
export function buildSource(s: WorkloadSource): Source {
  if (isTrace(s)) {
    if (!s.imported && !s.opsText) throw new Error(`workload '${s.workload}' needs an op file (opsText)`);
    let name: string;
    let buf: OpBuffer;
    if (s.imported) ({ fileName: name, ops: buf } = s.imported);
    else {
      const t = s.opsText ?? { fileName: '', text: '' };
      const r = importText(t.text, { fileName: t.fileName, format: t.format });
      requireCpus(r, s.cpus);
      [name, buf] = [t.fileName, r.ops];
    }
    // `ops` cuts the run short: the buffer ends there (what follows is never read).
    if (s.ops > 0 && s.ops < buf.produced) {
      buf.rewind(s.ops);
      buf.end();
    }
    return { kind: 'stream', stream: filledStream(name), ops: buf, name };
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

/** The stream of a buffer that already holds every op: it produces nothing more, and seeks never regenerate. */
function filledStream(name: string): OpStream {
  return { name, kind: 'stream', produce: () => 0, save: () => null, restore: () => undefined };
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
