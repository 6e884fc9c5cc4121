/**
 * CPU workers as Node worker_threads (CLI, bench, tests). A worker runs one ES module bundled
 * once per process from cpu-worker.ts (esbuild, in memory, handed over as a data: URL): loaded
 * through tsx instead (cpu-worker.mjs), each worker compiled the engine again and took ~50 MiB
 * more (replaying a trace on 2 workers: 1.27x the memory of inline). Where esbuild is missing,
 * the tsx bootstrap still works.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerMessage, WorkerReply } from '../workers/cpu-worker';
import type { SpawnCpuWorker, WorkerHandle } from '../workers/pool';

const BOOTSTRAP = new URL('./cpu-worker.mjs', import.meta.url);
let bundle: URL | null = null;

function entry(): URL {
  if (bundle) return bundle;
  try {
    // Required when first needed, not imported: the app's build never follows it into esbuild.
    const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const out = buildSync({
      entryPoints: [fileURLToPath(new URL('./cpu-worker.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    bundle = new URL(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].contents).toString('base64')}`);
  } catch {
    bundle = BOOTSTRAP;
  }
  return bundle;
}

export const nodeSpawn: SpawnCpuWorker = (index: number): WorkerHandle => {
  const w = new Worker(entry(), { name: `fragscope-cpu-${index}` });
  let ending = false;
  return {
    postMessage: (m: WorkerMessage) => w.postMessage(m),
    listen(onMessage, onDeath) {
      w.on('message', (m: WorkerReply) => onMessage(m));
      w.on('error', (e: Error) => onDeath(e.message));
      w.on('messageerror', (e: Error) => onDeath(`message could not be deserialised: ${e.message}`));
      w.on('exit', (code: number) => {
        if (!ending) onDeath(`exited with code ${code}`);
      });
    },
    terminate() {
      ending = true;
      void w.terminate();
    },
  };
};

/** Hardware threads of this machine (how many CPU workers to start). */
export const nodeCores = (): number => availableParallelism();
