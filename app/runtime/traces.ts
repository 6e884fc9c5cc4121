/**
 * Traces in the browser: a picked or dropped file, or a fetched bundled sample, is read by an
 * import worker (app/workers/import.worker.ts) with Blob.stream(), chunk by chunk, into the
 * packed op buffer in shared memory. The page keeps that buffer's handle, the call sites and the
 * import summary (store LoadedTrace), never the text; a run attaches to the same buffer in the
 * control worker and every CPU worker (RunConfig.importedTrace): no copy per lane or thread.
 *
 * An import stores nothing until it has read the whole file: a bad line (`file:line: what was
 * expected`) or Cancel leaves the setup, the loaded traces and the run as they were.
 */
import { requireCpus } from '../../engine/import/import';
import type { ImportedTrace, ImportReply, ImportRequest } from '../../engine/import/worker-protocol';
import type { RunConfig } from '../../engine/runtime/api';
import { TRACE_FORMATS } from '../../engine/workloads/trace';
import { type LoadedTrace, useStore } from '../store/store';
import { isLocalTrace, LOCAL_PREFIX, sampleTrace, traceFileName, type Setup, TRACE_WORKLOAD } from '../url-state';

/** URL of a bundled file under public/traces/. */
export const traceUrl = (path: string): string => `${import.meta.env.BASE_URL}traces/${path}`;

/** The format choice that lets the parser recognise the format from the text. */
export const AUTO_FORMAT = 'auto';

export interface TraceFormatChoice {
  name: string;
  label: string;
  description: string;
}

/** The import's format choices: auto, then every format the engine reads (its own list). */
export const TRACE_FORMAT_CHOICES: readonly TraceFormatChoice[] = [
  { name: AUTO_FORMAT, label: 'auto', description: 'recognised from the first lines of the text' },
  ...TRACE_FORMATS.map((f) => ({ name: f.name, label: f.label, description: f.description })),
];

/** Bytes read so far of `total`, and lines. */
export interface ImportProgress {
  bytes: number;
  total: number;
  lines: number;
}

/** An import under way: its result (stored when it resolves), and Cancel. */
export interface ImportJob {
  done: Promise<LoadedTrace>;
  /** Stop reading now: the promise rejects with ImportCancelled, nothing is stored. */
  cancel: () => void;
}

export class ImportCancelled extends Error {}

/**
 * Read `blob` in a worker of its own as the trace `key` (in `format`, default recognised).
 * Stored in the store only once it is read whole; errors name file:line.
 */
export function importBlob(
  blob: Blob,
  key: string,
  format = AUTO_FORMAT,
  onProgress: (p: ImportProgress) => void = () => {},
): ImportJob {
  const fileName = traceFileName(key);
  const worker = new Worker(new URL('../workers/import.worker.ts', import.meta.url), {
    type: 'module',
    name: 'fragscope-import',
  });
  let settle: ((e: Error | null, t?: ImportedTrace) => void) | null = null;
  const done = new Promise<ImportedTrace>((resolve, reject) => {
    settle = (e, t) => {
      settle = null;
      worker.terminate();
      if (e) reject(e);
      else resolve(t as ImportedTrace);
    };
  }).then((trace) => {
    const t: LoadedTrace = { key, fileName, format: trace.format, ops: trace.summary.ops, trace };
    useStore.getState().putTrace(t);
    return t;
  });
  worker.onmessage = (ev: MessageEvent<ImportReply>) => {
    const m = ev.data;
    if (m.type === 'progress') onProgress({ bytes: m.bytes, total: blob.size, lines: m.lines });
    else if (m.type === 'done') settle?.(null, m.trace);
    else settle?.(new Error(m.message));
  };
  worker.onerror = (ev) => {
    ev.preventDefault();
    settle?.(new Error(`${fileName}: the import worker failed (${ev.message || 'it could not be loaded'})`));
  };
  const req: ImportRequest = { file: blob, fileName, format: format === AUTO_FORMAT ? undefined : format };
  worker.postMessage(req);
  return { done, cancel: () => settle?.(new ImportCancelled(`the import of ${fileName} was cancelled`)) };
}

/** Import a picked or dropped file as `local:NAME`. */
export const importFile = (file: File, format = AUTO_FORMAT, onProgress?: (p: ImportProgress) => void): ImportJob =>
  importBlob(file, `${LOCAL_PREFIX}${file.name}`, format, onProgress);

/** Fetch and import a bundled sample; Cancel stops the fetch's import too. */
export function importSample(path: string, onProgress?: (p: ImportProgress) => void): ImportJob {
  let inner: ImportJob | null = null;
  let cancelled = false;
  const done = (async () => {
    if (!sampleTrace(path)) throw new Error(`'${path}' is not a bundled sample trace`);
    const res = await fetch(traceUrl(path));
    if (!res.ok) throw new Error(`sample trace ${path}: HTTP ${res.status} ${res.statusText}`);
    const blob = await res.blob();
    if (cancelled) throw new ImportCancelled(`the import of ${path} was cancelled`);
    inner = importBlob(blob, path, AUTO_FORMAT, onProgress);
    return inner.done;
  })();
  return {
    done,
    cancel: () => {
      cancelled = true;
      inner?.cancel();
    },
  };
}

/** A bundled sample, imported the first time (it stays in the store). */
export async function loadSample(path: string): Promise<LoadedTrace> {
  return useStore.getState().traces[path] ?? importSample(path).done;
}

/** Why `cpus` simulated CPUs cannot replay `t` (`file:line: ...`), or null. */
export function cpuProblem(t: LoadedTrace, cpus: number): string | null {
  try {
    requireCpus(t.trace, cpus);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The imported trace a setup replays (its op buffer's handle, shared with the run), importing a
 * bundled sample the first time; undefined for a generated workload.
 */
export async function importedTrace(setup: Setup): Promise<RunConfig['importedTrace']> {
  if (setup.workload !== TRACE_WORKLOAD) return undefined;
  const key = setup.trace;
  if (!key) throw new Error("workload 'trace' without a trace: pick a sample or import a trace file");
  const cached = useStore.getState().traces[key];
  const t = cached ?? (isLocalTrace(key) ? null : await loadSample(key));
  if (!t) throw new Error(`the imported trace '${traceFileName(key)}' is no longer loaded: import it again`);
  const problem = cpuProblem(t, setup.cpus);
  if (problem) throw new Error(problem);
  return { fileName: t.fileName, ops: t.trace.ops, sites: t.trace.sites };
}
