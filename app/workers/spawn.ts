/** CPU workers as browser module Web Workers (bundled by Vite), for the Controller in the control worker. */
import type { WorkerMessage, WorkerReply } from '../../engine/runtime/workers/cpu-worker';
import type { SpawnCpuWorker, WorkerHandle } from '../../engine/runtime/workers/pool';

export const browserSpawn: SpawnCpuWorker = (index: number): WorkerHandle => {
  const w = new Worker(new URL('./cpu.worker.ts', import.meta.url), { type: 'module', name: `fragscope-cpu-${index}` });
  return {
    postMessage: (m: WorkerMessage) => w.postMessage(m),
    listen(onMessage, onDeath) {
      w.onmessage = (ev: MessageEvent<WorkerReply>) => onMessage(ev.data);
      w.onerror = (ev: ErrorEvent) => {
        ev.preventDefault();
        onDeath(ev.message || 'the worker script failed to load or threw');
      };
      w.onmessageerror = () => onDeath('a message could not be deserialised');
    },
    terminate: () => w.terminate(),
  };
};
