/**
 * The setup panel's trace loading: a picked or dropped file, or a bundled sample, imported by a
 * worker (runtime/traces.ts) with progress and Cancel. Nothing changes until an import has read
 * the whole file: then the setup switches to the trace, with the trace's CPU count (as the CLI's
 * --cpus defaults to it). A refused or cancelled import leaves the setup and the run as they were.
 */
import { useRef, useState } from 'react';
import { MAX_CPUS } from '../../engine/core/limits';
import { ImportCancelled, importFile, importSample, type ImportJob, type ImportProgress } from '../runtime/traces';
import { type LoadedTrace, useStore } from '../store/store';
import { traceFileName, TRACE_WORKLOAD, withWorkload } from '../url-state';

export interface ImportState {
  fileName: string;
  progress: ImportProgress;
  /** performance.now() at the start (lines per second). */
  t0: number;
}

export interface TraceMessage {
  error: boolean;
  text: string;
}

/** The CPU count a trace's run gets: the trace's own (at most MAX_CPUS; more is refused by the form). */
export const cpusFor = (t: LoadedTrace): number => Math.max(1, Math.min(MAX_CPUS, t.trace.summary.cpus));

export function useTraceImport() {
  const [importing, setImporting] = useState<ImportState | null>(null);
  const [message, setMessage] = useState<TraceMessage | null>(null);
  const job = useRef<ImportJob | null>(null);
  /** Bumped per load so a late answer of an older one is ignored. */
  const loadId = useRef(0);

  /** Switch the setup to a loaded trace and its CPU count (the store's current setup: loads are asynchronous). */
  const apply = (t: LoadedTrace) => {
    const st = useStore.getState();
    st.setSetup({ ...withWorkload(st.setup, TRACE_WORKLOAD, t.key), cpus: cpusFor(t) });
    setMessage(null);
  };

  const run = async (fileName: string, make: (onProgress: (p: ImportProgress) => void) => ImportJob) => {
    job.current?.cancel();
    const id = ++loadId.current;
    const t0 = performance.now();
    setMessage(null);
    setImporting({ fileName, progress: { bytes: 0, total: 0, lines: 0 }, t0 });
    const j = make((progress) => {
      if (id === loadId.current) setImporting({ fileName, progress, t0 });
    });
    job.current = j;
    try {
      const t = await j.done;
      if (id === loadId.current) apply(t);
    } catch (e) {
      if (id !== loadId.current) return;
      const why = e instanceof ImportCancelled ? 'Cancelled' : `Not imported: ${(e as Error).message}`;
      setMessage({ error: true, text: `${why}. The setup and the current run are unchanged.` });
    } finally {
      if (job.current === j) job.current = null;
      if (id === loadId.current) setImporting(null);
    }
  };

  return {
    importing,
    message,
    importFile: (file: File, format: string) => run(file.name, (p) => importFile(file, format, p)),
    /** A bundled sample: fetched, then imported like a file (once: it stays loaded). */
    loadSample: (key: string) => run(traceFileName(key), (p) => importSample(key, p)),
    /** A trace loaded before: selected at once (an import under way is cancelled). */
    select: (t: LoadedTrace) => {
      job.current?.cancel();
      loadId.current++;
      setImporting(null);
      apply(t);
    },
    cancel: () => job.current?.cancel(),
    /** Another workload was picked: forget what an import said, ignore one under way. */
    clear: () => {
      job.current?.cancel();
      loadId.current++;
      setImporting(null);
      setMessage(null);
    },
  };
}
