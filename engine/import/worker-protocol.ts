/**
 * Messages between the page and the app's import worker (app/workers/import.worker.ts), which
 * reads a file once, in chunks, into an op buffer in shared memory. Plain data: the op buffer
 * travels as its handle (SharedArrayBuffers are shared by postMessage, never copied), so no
 * text and no op array crosses threads.
 */
import type { OpBufferHandle } from '../core/op-buffer';
import type { ImportResult } from './import';
import type { ImportSummary } from './summary';

/** Page -> worker: read this file (a File, or a fetched sample as a Blob). */
export interface ImportRequest {
  file: Blob;
  fileName: string;
  /** A TRACE_FORMATS name; undefined = recognised from the text. */
  format?: string;
}

/** What the page keeps of an import: the buffer's handle, the call sites, the summary; never the text. */
export interface ImportedTrace {
  format: string;
  ops: OpBufferHandle;
  sites: readonly string[];
  summary: ImportSummary;
  cpuRecords: ImportResult['cpuRecords'];
}

export type ImportReply =
  | { type: 'progress'; bytes: number; lines: number }
  | { type: 'done'; trace: ImportedTrace }
  /** `file:line: what was expected` (ParseError) or why the file could not be read. */
  | { type: 'error'; message: string };
