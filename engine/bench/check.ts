/**
 * What every timed run must match before the bench prints a figure: no rejected free
 * (a rejected free changes nothing and is cheap, so it inflates ops/s) and the same
 * failed allocations as an inline run of the same stream on the same allocator (an
 * allocation that fails fast on a full pool is cheap too).
 *
 * The reference goes through the engine's own op loop (engine/runtime/loop.ts) on an op
 * buffer of the stream whose frees carry no size: the loop takes a free's size from its
 * allocation, so a stream whose frees carry wrong sizes is caught by the timed run's errors,
 * not copied into the reference.
 */
import { createAllocator, specName, type AllocatorSpec } from '../allocators/registry';
import { K_ALLOC, K_FREE, OpBuffer } from '../core/op-buffer';
import { errorName } from '../core/types';
import { Lane } from '../runtime/lane';
import { runStream } from '../runtime/loop';
import { OP_ALLOC, type OpStream, type ReplayCounts } from './op-stream';

/** A stream's ops [0, upto) in an op buffer, each on CPU `cpu` (-1: the CPU recorded), frees without sizes. */
function opBufferOf(s: OpStream, cpu: number, upto: number): OpBuffer {
  const n = Math.min(upto, s.length);
  const buf = OpBuffer.create({ capacity: Math.max(1, n), shared: false });
  buf.beginProducing();
  buf.reserve(n);
  for (let i = 0; i < n; i++) {
    const alloc = s.kind[i] === OP_ALLOC;
    buf.push(alloc ? K_ALLOC : K_FREE, cpu >= 0 ? cpu : s.cpu[i], s.id[i], alloc ? s.bytes[i] : 0);
  }
  buf.publish();
  return buf;
}

/** Errors of the reference run, by name, for the report ("wrong-size x 3"). */
export interface Reference extends ReplayCounts {
  errorNames: string[];
}

/**
 * Inline reference runs on one fresh allocator with `streams.length` CPUs: stream k on CPU k
 * (one stream: the CPUs recorded in it), each up to op `upto`. Per-CPU pools with only own
 * frees do not interact, so running the streams one after the other gives the outcomes of
 * any interleaving. One result per stream.
 */
export function referenceRun(spec: AllocatorSpec, streams: OpStream[], upto = Infinity): Reference[] {
  const cpus = streams.length;
  const allocator = createAllocator(spec, cpus);
  return streams.map((s, k) => {
    const buf = opBufferOf(s, cpus > 1 ? k : -1, upto);
    const lane = new Lane(allocator, null);
    lane.slots.ensure(buf.slots);
    runStream([lane], buf, 0, buf.produced, false);
    return {
      // Every op runs but the frees of allocations that failed (skipped).
      ops: buf.produced - lane.skipped,
      failed: lane.failures.count,
      errors: lane.errors,
      errorNames: lane.errorSample.slice(0, 5).map((e) => `op ${e.op} ${errorName(e.code)}`),
    };
  });
}

/**
 * Compare one timed run (one entry per CPU stream) with the reference. Returns what differed,
 * one line each, naming the contender and the run; empty when the run may be reported.
 */
export function checkRun(
  contender: string,
  run: number,
  got: readonly ReplayCounts[],
  ref: readonly ReplayCounts[],
): string[] {
  const out: string[] = [];
  got.forEach((g, k) => {
    const where = `${contender}, run ${run}${got.length > 1 ? `, cpu ${k}` : ''}`;
    const r = ref[k];
    if (g.errors !== 0) out.push(`${where}: ${g.errors} rejected frees, expected 0`);
    if (!r) out.push(`${where}: no reference run for this stream`);
    else {
      if (g.failed !== r.failed)
        out.push(`${where}: ${g.failed} failed allocations, the inline run of the same stream has ${r.failed}`);
      if (g.ops !== r.ops) out.push(`${where}: ${g.ops} ops executed, the inline run of the same stream ran ${r.ops}`);
    }
  });
  return out;
}

/** Lines about the reference itself: a stream the inline runner rejects frees of is broken. */
export function checkReference(spec: AllocatorSpec, refs: readonly Reference[]): string[] {
  return refs.flatMap((r, k) =>
    r.errors === 0
      ? []
      : [`inline ${specName(spec)}, stream ${k}: ${r.errors} rejected frees (${r.errorNames.join(', ')}), expected 0`],
  );
}

/**
 * The same difference in several runs of one contender, one line: "nta inline, runs 0-5: ...".
 * Runs are deterministic, so a broken stream repeats its lines in every run; merging keeps the
 * report short enough to read. Lines with no run are kept as they are.
 */
export function mergeRuns(problems: readonly string[]): string[] {
  const merged = new Map<string, number[]>();
  for (const p of problems) {
    const m = /^(.*?), run (\d+)(.*)$/.exec(p);
    const key = m ? `${m[1]}\u0000${m[3]}` : p;
    const runs = merged.get(key) ?? [];
    if (m) runs.push(Number(m[2]));
    merged.set(key, runs);
  }
  return [...merged].map(([key, runs]) => {
    if (runs.length === 0) return key;
    const [who, rest] = key.split('\u0000');
    const contiguous = runs.every((r, i) => i === 0 || r === runs[i - 1] + 1);
    const list =
      runs.length === 1
        ? `run ${runs[0]}`
        : contiguous
          ? `runs ${runs[0]}-${runs[runs.length - 1]}`
          : `runs ${runs.join(', ')}`;
    return `${who}, ${list}${rest}`;
  });
}
