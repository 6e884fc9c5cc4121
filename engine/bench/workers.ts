/**
 * Worker rows of the benchmark: the allocator lives in a SharedArrayBuffer; each
 * worker replays its own churn stream on its own CPU's pages (per-CPU pools, as the
 * NTA was designed for), all starting at one Atomics start line. Throughput is all
 * ops / the slowest worker's time, so two workers must finish twice the work in
 * the same wall time to score 2x. Every run's per-CPU counts are checked against an
 * inline run of the same per-CPU streams on the same pool split.
 */
import { Worker } from 'node:worker_threads';
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import type { OpStream } from './op-stream';
import type { BenchJob, BenchResult } from './bench-worker';
import { checkReference, checkRun, referenceRun } from './check';

const ENTRY = new URL('./bench-worker.mjs', import.meta.url);

/** A stream's typed arrays moved into SharedArrayBuffers (workers get views, not copies). */
function share(s: OpStream): OpStream {
  const sh = <T extends Uint8Array | Int32Array>(a: T): T => {
    const b = new (a.constructor as new (buf: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
    b.set(a);
    return b;
  };
  return { ...s, kind: sh(s.kind), cpu: sh(s.cpu), id: sh(s.id), bytes: sh(s.bytes) };
}

/** One timed run on already-started workers, on a fresh allocator: each worker's answer. */
async function once(spec: AllocatorSpec, streams: OpStream[], workers: Worker[]): Promise<BenchResult[]> {
  const cpus = streams.length;
  const buffers = createAllocator(spec, cpus).buffers as SharedArrayBuffer[];
  const start = new Int32Array(new SharedArrayBuffer(8));
  const done = workers.map(
    (w, cpu) =>
      new Promise<BenchResult>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
        const job: BenchJob = {
          spec,
          cpus,
          cpu,
          buffers,
          stream: streams[cpu],
          start: start.buffer as SharedArrayBuffer,
        };
        w.postMessage(job);
      }),
  );
  while (Atomics.load(start, 1) < cpus) await new Promise((r) => setTimeout(r, 5));
  Atomics.store(start, 0, 1);
  Atomics.notify(start, 0);
  return Promise.all(done);
}

export interface WorkerRow {
  name: string;
  /** ops/s per timed run. */
  runs: number[];
  /** Failed allocations per run (all CPUs), the same in every checked run. */
  failed: number;
}

/**
 * ops/s per run for `spec` in 1 worker (stream `one`) and in 2 workers free-running (streams
 * `two`, one per CPU); every run is checked, and what differed is pushed on `problems`.
 */
export async function benchWorkers(
  spec: AllocatorSpec,
  runs: number,
  one: OpStream[],
  two: OpStream[],
  problems: string[],
): Promise<WorkerRow[]> {
  const rows: WorkerRow[] = [];
  for (const [name, plain] of [
    [`${spec.kind} 1 worker`, one],
    [`${spec.kind} 2 workers free-running`, two],
  ] as const) {
    const ref = referenceRun(spec, plain);
    problems.push(...checkReference(spec, ref));
    const streams = plain.map(share);
    const workers = streams.map(() => new Worker(ENTRY));
    try {
      const r: number[] = [];
      for (let i = 0; i < runs + 1; i++) {
        const res = await once(spec, streams, workers);
        problems.push(...checkRun(name, i, res, ref));
        const ops = res.reduce((s, x) => s + x.ops, 0);
        if (i > 0) r.push(ops / (Math.max(...res.map((x) => x.ms)) / 1000)); // run 0 warms the JIT up
      }
      rows.push({ name, runs: r, failed: ref.reduce((s, x) => s + x.failed, 0) });
    } finally {
      for (const w of workers) void w.terminate();
    }
  }
  return rows;
}
