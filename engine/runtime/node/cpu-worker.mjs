// Node bootstrap of a CPU worker: worker_threads load plain JS, so register tsx
// first, then load the TypeScript entry (engine code imports without extensions).
import { register } from 'tsx/esm/api';

register();
await import('./cpu-worker.ts');
