/** Browser entry of one simulated CPU's worker: messages in, the pure loop (engine/runtime/cpu-loop.ts), messages out. */
import { createCpuWorker, type FromCpu, type ToCpu } from '../../engine/runtime/cpu-loop';

const handle = createCpuWorker((m: FromCpu) => self.postMessage(m));
self.onmessage = (ev: MessageEvent<ToCpu>) => handle(ev.data);
