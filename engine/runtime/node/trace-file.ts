/**
 * A trace file read once, as a stream, into the op buffer (engine/import/import.ts), with a
 * progress line on stderr while it reads when stderr is a terminal.
 */
import { createReadStream, statSync } from 'node:fs';
import { importChunks, type ImportResult } from '../../import/import';

/** Bytes per read: large enough that the per-chunk work is nothing next to the lines. */
const CHUNK_BYTES = 4 << 20;
/** The progress line is rewritten at most this often. */
const PROGRESS_MS = 200;

export interface TraceFileOptions {
  format?: string;
  strict?: boolean;
  /** Show progress on this stream (the CLI passes stderr when it is a terminal). */
  progress?: NodeJS.WriteStream | null;
}

function mib(b: number): string {
  return `${(b / 1024 / 1024).toFixed(1)} MiB`;
}

/** Import `path`; a file that cannot be read is an Error naming it, bad content a ParseError. */
export async function importTraceFile(path: string, o: TraceFileOptions = {}): Promise<ImportResult> {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new Error('is a directory');
    size = st.size;
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  const out = o.progress ?? null;
  let shown = 0;
  const onProgress = out
    ? (bytes: number): void => {
        const now = Date.now();
        if (now - shown < PROGRESS_MS) return;
        shown = now;
        const pct = size > 0 ? ` (${Math.floor((100 * bytes) / size)}%)` : '';
        out.write(`\rreading ${path}: ${mib(bytes)} of ${mib(size)}${pct}\x1b[K`);
      }
    : undefined;
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  try {
    // A FIFO or /dev/stdin has no size: the op buffer is then bounded by its default.
    return await importChunks(stream, {
      fileName: path,
      format: o.format,
      strict: o.strict,
      sizeHint: size > 0 ? size : undefined,
      onProgress,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code !== undefined && err.syscall !== undefined) throw new Error(`cannot read ${path}: ${err.message}`);
    throw e;
  } finally {
    stream.destroy();
    if (out && shown > 0) out.write('\r\x1b[K');
  }
}
