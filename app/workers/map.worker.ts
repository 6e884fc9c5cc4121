/** Browser entry of a map worker (one per map): the logic lives in app/map/map-worker-core.ts. */
import { startMapWorker, type WorkerScope } from '../map/map-worker-core';

startMapWorker(self as unknown as WorkerScope);
