/**
 * Traces in the browser: read an imported file or fetch a bundled sample, parse it
 * on the main thread (so a bad file is refused before anything is configured) and
 * keep its text in the store for RunConfig.opsText.
 */
import { parseTrace } from '../../engine/workloads/trace';
import { type LoadedTrace, useStore } from '../store/store';
import { isLocalTrace, LOCAL_PREFIX, sampleTrace, traceFileName, type Setup, TRACE_WORKLOAD } from '../url-state';

/** Larger files are refused (the text is parsed on the main thread and copied to the workers). */
export const MAX_TRACE_BYTES = 64 * 1024 * 1024;

/** URL of a bundled file under public/traces/. */
export const traceUrl = (path: string): string => `${import.meta.env.BASE_URL}traces/${path}`;

/** Parse `text` (throws the parser's `file:line: detail` error) into a LoadedTrace; nothing is stored. */
export function parseLoaded(key: string, text: string, cpus: number): LoadedTrace {
  const fileName = traceFileName(key);
  const { format, ops } = parseTrace(text, fileName, cpus);
  return { key, fileName, text, format, ops: ops.length };
}

/** Read and parse a local file; stores it only when it parses. Throws with a message for the user. */
export async function importFile(file: File, cpus: number): Promise<LoadedTrace> {
  if (file.size > MAX_TRACE_BYTES) {
    throw new Error(
      `${file.name}: ${file.size.toLocaleString('en')} bytes is more than the ${MAX_TRACE_BYTES / 1024 / 1024} MiB a trace may have here (use the CLI: --workload trace:FILE)`,
    );
  }
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    throw new Error(`${file.name}: could not be read (${(e as Error).message})`);
  }
  const t = parseLoaded(`${LOCAL_PREFIX}${file.name}`, text, cpus);
  useStore.getState().putTrace(t);
  return t;
}

/** Fetch and parse a bundled sample (cached in the store). */
export async function loadSample(path: string, cpus: number): Promise<LoadedTrace> {
  const cached = useStore.getState().traces[path];
  if (cached) return cached;
  if (!sampleTrace(path)) throw new Error(`'${path}' is not a bundled sample trace`);
  const res = await fetch(traceUrl(path));
  if (!res.ok) throw new Error(`sample trace ${path}: HTTP ${res.status} ${res.statusText}`);
  const t = parseLoaded(path, await res.text(), cpus);
  useStore.getState().putTrace(t);
  return t;
}

/** The op text a trace setup replays: from the store, fetching a sample when needed. */
export async function traceOpsText(setup: Setup): Promise<{ fileName: string; text: string } | undefined> {
  if (setup.workload !== TRACE_WORKLOAD) return undefined;
  const key = setup.trace;
  if (!key) throw new Error("workload 'trace' without a trace: pick a sample or import a trace file");
  const cached = useStore.getState().traces[key];
  const t = cached ?? (isLocalTrace(key) ? null : await loadSample(key, setup.cpus));
  if (!t) throw new Error(`the imported trace '${traceFileName(key)}' is no longer loaded: import it again`);
  return { fileName: t.fileName, text: t.text };
}
