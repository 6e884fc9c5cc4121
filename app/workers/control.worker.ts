/**
 * The control worker: the Controller lives here (not on the main thread) because
 * lockstep turns block in Atomics.wait, which a browser main thread may not do.
 * The UI talks to it with comlink: `wrap<ControlApi>(new Worker(new URL('./workers/control.worker.ts', import.meta.url), { type: 'module' }))`.
 */
import { expose } from 'comlink';
import { Controller } from '../../engine/runtime/controller';
import { browserSpawn } from './spawn';

expose(new Controller(browserSpawn, { cores: navigator.hardwareConcurrency || 1 }));
