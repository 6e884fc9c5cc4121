/**
 * The import worker: reads one file with Blob.stream(), chunk by chunk, into the packed op buffer
 * in shared memory (engine/import's TraceImporter), posting progress at most every PROGRESS_MS,
 * then the buffer's handle. Nothing of the text is kept beyond the chunk being read. One worker
 * per import: Cancel terminates it, so whatever it made is dropped with it.
 */
import { TraceImporter } from '../../engine/import/import';
import type { ImportReply, ImportRequest } from '../../engine/import/worker-protocol';

const PROGRESS_MS = 100;

const post = (m: ImportReply): void => (self as unknown as { postMessage(m: ImportReply): void }).postMessage(m);

async function read(req: ImportRequest): Promise<void> {
  const im = new TraceImporter({
    fileName: req.fileName,
    format: req.format,
    sizeHint: req.file.size,
    shared: true,
  });
  const reader = req.file.stream().getReader();
  let bytes = 0;
  let last = 0;
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch (e) {
      throw new Error(`${req.fileName}: could not be read (${(e as Error).message})`);
    }
    if (r.done) break;
    im.push(r.value);
    bytes += r.value.byteLength;
    const now = performance.now();
    if (now - last >= PROGRESS_MS) {
      last = now;
      post({ type: 'progress', bytes, lines: im.lines });
    }
  }
  const res = im.end();
  post({ type: 'progress', bytes, lines: im.lines });
  post({
    type: 'done',
    trace: {
      format: res.format,
      ops: res.ops.handle,
      sites: res.sites,
      summary: res.summary,
      cpuRecords: res.cpuRecords,
    },
  });
}

self.onmessage = (ev: MessageEvent<ImportRequest>) => {
  read(ev.data).catch((e: unknown) => post({ type: 'error', message: (e as Error).message }));
};
