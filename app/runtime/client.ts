/**
 * The one control worker and its comlink proxy. Created lazily by the first
 * action (never during React render, so StrictMode cannot start two).
 *
 * comlink never rejects a call whose worker died, so worker `error` and
 * `messageerror` events are watched and every call has a timeout.
 */
import * as Comlink from 'comlink';
import type { BlockInfo } from '../../engine/core/types';
import type { FailureExplanation } from '../../engine/core/explain';
import type { ControlApi, Summary } from '../../engine/runtime/api';

export type Remote = Comlink.Remote<ControlApi>;

let worker: Worker | null = null;
let remote: Remote | null = null;
let starting: Promise<Remote> | null = null;
let onError: (message: string) => void = () => {};
let onSummary: (s: Summary) => void = () => {};

export function setClientHandlers(h: { error: (m: string) => void; summary: (s: Summary) => void }): void {
  onError = h.error;
  onSummary = h.summary;
}

export class WorkerTimeout extends Error {}

/** The control API; starts the worker on first use (concurrent callers share one start). */
export function control(): Promise<Remote> {
  starting ??= startWorker().catch((e: unknown) => {
    starting = null;
    throw e;
  });
  return starting;
}

async function startWorker(): Promise<Remote> {
  worker = new Worker(new URL('../workers/control.worker.ts', import.meta.url), {
    type: 'module',
    name: 'fragscope-control',
  });
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    onError(`The control worker failed: ${e.message || 'it could not be loaded or threw an uncaught error'}.`);
  });
  worker.addEventListener('messageerror', () => onError('The control worker sent a message that could not be read.'));
  const r = Comlink.wrap<ControlApi>(worker);
  remote = r;
  await withTimeout(r.subscribe(Comlink.proxy((s: Summary) => onSummary(s))), 10000, 'subscribe');
  return r;
}

/**
 * The block holding `address` in lane `lane` (for the map tooltip). Never starts the worker:
 * with none running there is no run to ask about, so the answer is null.
 */
export async function blockAt(lane: number, address: number): Promise<BlockInfo | null> {
  if (!starting) return null;
  return withTimeout((await starting).blockAt(lane, address), 5000, 'blockAt');
}

/** Why each lane failed at op `op` (ControlApi.explainFailures); [] with no worker running. */
export async function explainFailures(op: number): Promise<(FailureExplanation | null)[]> {
  if (!starting) return [];
  return withTimeout((await starting).explainFailures(op), 15000, 'explainFailures');
}

/** Terminate the worker (after an error); the next control() starts a fresh one. */
export function killWorker(): void {
  if (remote) remote[Comlink.releaseProxy]();
  worker?.terminate();
  worker = null;
  remote = null;
  starting = null;
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(
      () => reject(new WorkerTimeout(`The control worker did not answer '${what}' within ${ms / 1000} s.`)),
      ms,
    );
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
