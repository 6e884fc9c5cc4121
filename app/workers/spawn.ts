/** CPU workers as browser module Web Workers (bundled by Vite), for the Controller in the control worker. */
import type { FromCpu, ToCpu } from '../../engine/runtime/cpu-loop';
import type { SpawnCpuWorker, WorkerHandle } from '../../engine/runtime/pool';

export const browserSpawn: SpawnCpuWorker = (cpu: number): WorkerHandle => {
  const w = new Worker(new URL('./cpu.worker.ts', import.meta.url), { type: 'module', name: `fragscope-cpu-${cpu}` });
  return {
    postMessage: (m: ToCpu) => w.postMessage(m),
    listen(onMessage, onDeath) {
      w.onmessage = (ev: MessageEvent<FromCpu>) => onMessage(ev.data);
      w.onerror = (ev: ErrorEvent) => {
        ev.preventDefault();
        onDeath(ev.message || 'the worker script failed to load or threw');
      };
      w.onmessageerror = () => onDeath('a message could not be deserialised');
    },
    terminate: () => w.terminate(),
  };
};
