/**
 * A benchmark CPU worker: attaches to the shared allocator, waits at the start
 * line, replays its own recorded op stream as CPU `cpu`, reports elapsed ms and
 * what the replay did (ops, failed allocations, rejected frees).
 * No per-op messages: the whole stream runs inside this thread.
 */
import { parentPort } from 'node:worker_threads';
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import { replay, type OpStream, type ReplayCounts } from './op-stream';

export interface BenchJob {
  spec: AllocatorSpec;
  cpus: number;
  cpu: number;
  buffers: SharedArrayBuffer[];
  stream: OpStream;
  start: SharedArrayBuffer;
}

/** A worker's answer: what its replay did (checked against the inline run) and how long it took. */
export interface BenchResult extends ReplayCounts {
  ms: number;
}

// The same worker serves every run of a row, so runs after the first find the JIT warm.
parentPort!.on('message', (job: BenchJob) => {
  const a = createAllocator(job.spec, job.cpus, job.buffers, false);
  const start = new Int32Array(job.start);
  const addr = new Float64Array(job.stream.ids).fill(-1);
  Atomics.add(start, 1, 1);
  Atomics.notify(start, 1); // ready
  while (Atomics.load(start, 0) === 0) Atomics.wait(start, 0, 0); // the start line
  const t0 = performance.now();
  const me = job.cpu;
  const counts = replay(
    job.stream,
    addr,
    0,
    job.stream.length,
    (_c, b) => a.alloc(me, b),
    (_c, p, b) => a.free(me, p, b),
  );
  const result: BenchResult = { ...counts, ms: performance.now() - t0 };
  parentPort!.postMessage(result);
});
