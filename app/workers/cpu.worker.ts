/** Browser entry of a CPU worker: messages in, the pure worker (engine/runtime/workers/cpu-worker.ts), messages out. */
import { createCpuWorker, type WorkerMessage, type WorkerReply } from '../../engine/runtime/workers/cpu-worker';

const handle = createCpuWorker((m: WorkerReply) => self.postMessage(m));
self.onmessage = (ev: MessageEvent<WorkerMessage>) => handle(ev.data);
