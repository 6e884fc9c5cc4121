/** CPU workers as Node worker_threads (CLI, bench, tests). */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FromCpu, ToCpu } from '../cpu-loop';
import type { SpawnCpuWorker, WorkerHandle } from '../pool';

const ENTRY = new URL('./cpu-worker.mjs', import.meta.url);

export const nodeSpawn: SpawnCpuWorker = (cpu: number): WorkerHandle => {
  const w = new Worker(ENTRY, { name: `fragscope-cpu-${cpu}` });
  let ending = false;
  return {
    postMessage: (m: ToCpu) => w.postMessage(m),
    listen(onMessage, onDeath) {
      w.on('message', (m: FromCpu) => onMessage(m));
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

/** Hardware threads of this machine (decides how long lockstep turns poll). */
export const nodeCores = (): number => availableParallelism();
