/** CPU workers as Node worker_threads (CLI, bench, tests). */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerMessage, WorkerReply } from '../workers/cpu-worker';
import type { SpawnCpuWorker, WorkerHandle } from '../workers/pool';

const ENTRY = new URL('./cpu-worker.mjs', import.meta.url);

export const nodeSpawn: SpawnCpuWorker = (index: number): WorkerHandle => {
  const w = new Worker(ENTRY, { name: `fragscope-cpu-${index}` });
  let ending = false;
  return {
    postMessage: (m: WorkerMessage) => w.postMessage(m),
    listen(onMessage, onDeath) {
      w.on('message', (m: WorkerReply) => onMessage(m));
      w.on('error', (e: Error) => onDeath(e.message));
      w.on('messageerror', (e: Error) => onDeath(`message could not be deserialised: ${e.message}`));
      w.on('exit', (code: number) => {
        if (!ending) onDeath(`exited with code ${code}`);
      });
    },
    terminate() {
      ending = true;
      void w.terminate();
    },
  };
};

/** Hardware threads of this machine (how many CPU workers to start). */
export const nodeCores = (): number => availableParallelism();
