/** Node entry of a CPU worker (loaded through cpu-worker.mjs): wires parentPort to the pure loop. */
import { parentPort } from 'node:worker_threads';
import { createCpuWorker, type FromCpu, type ToCpu } from '../cpu-loop';

if (!parentPort) throw new Error('cpu-worker.ts must run in a worker_threads Worker');
const port = parentPort;
const handle = createCpuWorker((m: FromCpu) => port.postMessage(m));
port.on('message', (m: ToCpu) => handle(m));
