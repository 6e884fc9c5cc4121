/** Node entry of a CPU worker (loaded through cpu-worker.mjs): wires parentPort to the pure worker. */
import { parentPort } from 'node:worker_threads';
import { createCpuWorker, type WorkerMessage, type WorkerReply } from '../workers/cpu-worker';

if (!parentPort) throw new Error('cpu-worker.ts must run in a worker_threads Worker');
const port = parentPort;
const handle = createCpuWorker((m: WorkerReply) => port.postMessage(m));
port.on('message', (m: WorkerMessage) => handle(m));
