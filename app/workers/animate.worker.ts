/** Browser entry of the export worker (GIF exports): the logic lives in app/export/animate-worker-core.ts. */
import { startAnimateWorker, type AnimateWorkerScope } from '../export/animate-worker-core';

startAnimateWorker(self as unknown as AnimateWorkerScope);
