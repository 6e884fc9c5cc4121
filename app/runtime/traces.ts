/**
 * Traces in the browser: read an imported file or fetch a bundled sample, parse it
 * on the main thread (so a bad file is refused before anything is configured) and
 * keep its text in the store for RunConfig.opsText.
 *
 * An import can name its format instead of letting it be recognised (e.g. a valgrind
 * log whose program printed lines of another format); the format travels with the
 * text (RunConfig.opsText.format), and the control worker parses it once, in it.
 */
import { parseTrace, TRACE_FORMATS } from '../../engine/workloads/trace';
import { type LoadedTrace, useStore } from '../store/store';
import { isLocalTrace, LOCAL_PREFIX, sampleTrace, traceFileName, type Setup, TRACE_WORKLOAD } from '../url-state';

/** Larger files are refused (the text is parsed on the main thread and copied to the workers). */
export const MAX_TRACE_BYTES = 64 * 1024 * 1024;

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

/**
 * Parse `text` (throws the parser's `file:line: detail` error) into a LoadedTrace; nothing is
 * stored. `format`: a TRACE_FORMAT_CHOICES name (AUTO_FORMAT or none: recognise it).
 */
export function parseLoaded(key: string, text: string, cpus: number, format = AUTO_FORMAT): LoadedTrace {
  const fileName = traceFileName(key);
  const parsed = parseTrace(text, fileName, cpus, format === AUTO_FORMAT ? undefined : format);
  return { key, fileName, text, format: parsed.format, ops: parsed.ops.length };
}

/** Read and parse a local file (in `format`, default recognised); stores it only when it parses. Throws with a message for the user. */
export async function importFile(file: File, cpus: number, format = AUTO_FORMAT): Promise<LoadedTrace> {
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
  const t = parseLoaded(`${LOCAL_PREFIX}${file.name}`, text, cpus, format);
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

/**
 * The text a trace setup replays and the format it was read in: from the store, fetching a
 * sample when needed. The control worker parses it once, in that format.
 */
export async function traceOpsText(
  setup: Setup,
): Promise<{ fileName: string; text: string; format: string } | undefined> {
  if (setup.workload !== TRACE_WORKLOAD) return undefined;
  const key = setup.trace;
  if (!key) throw new Error("workload 'trace' without a trace: pick a sample or import a trace file");
  const cached = useStore.getState().traces[key];
  const t = cached ?? (isLocalTrace(key) ? null : await loadSample(key, setup.cpus));
  if (!t) throw new Error(`the imported trace '${traceFileName(key)}' is no longer loaded: import it again`);
  return { fileName: t.fileName, text: t.text, format: t.format };
}
