/**
 * Worker rows of the benchmark: the allocator lives in a SharedArrayBuffer; each
 * worker replays its own churn stream on its own CPU's pages (per-CPU pools, as the
 * NTA was designed for), all starting at one Atomics start line. Throughput is all
 * ops / the slowest worker's time, so two workers must finish twice the work in
 * the same wall time to score 2x.
 */
import { Worker } from 'node:worker_threads';
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import { recordChurn, type OpStream } from './op-stream';
import type { BenchJob } from './bench-worker';

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

/** One timed run on already-started workers, on a fresh allocator. */
async function once(spec: AllocatorSpec, streams: OpStream[], workers: Worker[]): Promise<number> {
  const cpus = streams.length;
  const buffers = createAllocator(spec, cpus).buffers as SharedArrayBuffer[];
  const start = new Int32Array(new SharedArrayBuffer(8));
  const done = workers.map(
    (w, cpu) =>
      new Promise<{ ops: number; ms: number }>((resolve, reject) => {
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
  const res = await Promise.all(done);
  return res.reduce((s, r) => s + r.ops, 0) / (Math.max(...res.map((r) => r.ms)) / 1000);
}

/** ops/s per run for nta and pow2 in 1 worker and in 2 workers free-running (same total ops). */
export async function benchWorkers(runs: number, ops: number): Promise<{ name: string; runs: number[] }[]> {
  const rows: { name: string; runs: number[] }[] = [];
  for (const spec of [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }] as AllocatorSpec[]) {
    // One CPU with all 4094 pages; or two CPUs with 2047 pages each and half the ops each.
    const one = [share(recordChurn(ops, 1, 1, spec))];
    const half = { capacityBytes: 2047 * 4096 };
    const two = [0, 1].map((cpu) => share(recordChurn(ops / 2, 1 + cpu, 1, spec, half)));
    for (const [name, streams] of [
      [`${spec.kind} 1 worker`, one],
      [`${spec.kind} 2 workers free-running`, two],
    ] as const) {
      const workers = streams.map(() => new Worker(ENTRY));
      try {
        const r: number[] = [];
        for (let i = 0; i < runs + 1; i++) {
          const v = await once(spec, streams, workers);
          if (i > 0) r.push(v);
        }
        rows.push({ name, runs: r });
      } finally {
        for (const w of workers) void w.terminate();
      }
    }
  }
  return rows;
}
