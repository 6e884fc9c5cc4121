/**
 * The streaming import: text comes in chunks (a Node read stream in the CLI, File.stream()
 * in a browser worker, or one string), is cut into lines, and each line goes to the
 * format's reader, which writes ops straight into a linear op buffer (sink.ts). The file is
 * read once; no op object is made per event; nothing is kept of the text but the detection
 * window and the line being read.
 *
 * The format is the one named, or recognised from the first DETECT_WINDOW_CHARS of the
 * text (trace-detect.ts). A file where more lines that look like the format's events fail
 * than read is rejected as "not FORMAT", naming the format that came closest. Bad input
 * elsewhere (a malformed header, an op file's bad line) is a ParseError naming file:line;
 * an import that throws leaves nothing behind (its buffer is dropped with it).
 */
import type { OpBuffer } from '../core/op-buffer';
import {
  ParseError,
  excerpt,
  excerptEnd,
  firstContentLine,
  noAllocationsError,
  type ParseWarning,
} from '../workloads/parse-error';
import {
  DETECT_WINDOW_CHARS,
  bestEvidence,
  detectionLines,
  type FormatEvidence,
  type TraceFormat,
} from '../workloads/trace-detect';
import { TRACE_FORMATS, TRACE_FORMAT_NAMES, formatNamed } from './formats';
import { decodeRange, encode } from './bytes';
import { OpSink, type TraceReader } from './sink';
import { summarize, type ImportSummary } from './summary';

export interface ImportOptions {
  /** For messages and the summary only: the importer reads chunks, not files. */
  fileName: string;
  /** Read in this format (a TRACE_FORMATS name) instead of recognising it. */
  format?: string;
  /** Make every unreadable line an error naming file:line. */
  strict?: boolean;
  /** The input's size in bytes when known: bounds the op buffer (see maxOpsFor). */
  sizeHint?: number;
  /** Shared memory for the op buffer (default: when the platform has it). */
  shared?: boolean;
  /** Called after each chunk with the bytes (characters, for string chunks) read so far. */
  onProgress?: (bytes: number) => void;
}

export interface ImportResult {
  format: string;
  /** The ops, ended: a linear buffer with the trace columns (site, cache, alloc). */
  ops: OpBuffer;
  /** Call sites and cache names by the op buffer's site and cache indices (index 0 = none). */
  sites: readonly string[];
  caches: readonly string[];
  summary: ImportSummary;
  /** What read but looks wrong (a last line without its newline). */
  warnings: ParseWarning[];
  /** Each line that named a higher CPU than any before it (see requireCpus). */
  cpuRecords: readonly { cpu: number; line: number; text: string }[];
}

/** a then b[s, e), in a new array. */
function concat(a: Uint8Array, b: Uint8Array, s: number, e: number): Uint8Array {
  const out = new Uint8Array(a.length + e - s);
  out.set(a);
  out.set(b.subarray(s, e), a.length);
  return out;
}

/** Op buffer capacity when the size is unknown. */
const DEFAULT_MAX_OPS = 1 << 27;

/**
 * The most ops a text of `bytes` can make: no event line is shorter than 4 characters with its
 * newline (`f 1`) and none makes more than 2 ops (a realloc: a free and an alloc; a failed
 * request: its alloc and free), so half the size bounds it. The buffer grows only as it fills.
 */
export function maxOpsFor(bytes: number): number {
  return Math.min(1 << 30, Math.ceil(bytes / 2) + 1024);
}

export class TraceImporter {
  private readonly o: ImportOptions;
  /** Decodes byte input read as text (readers of text lines), and the window for recognising the format. */
  private readonly decoder = new TextDecoder('utf-8');
  private readonly windowDecoder = new TextDecoder('utf-8');
  private bytes = 0;
  /** The input's first DETECT_WINDOW_CHARS as text: tells the format, kept for messages. */
  private window = '';
  /** Chunks held until the format is known. */
  private held: (string | Uint8Array)[] = [];
  private format: TraceFormat | null = null;
  private sink: OpSink | null = null;
  private reader: TraceReader | null = null;
  /** Byte input split into lines here, for a reader of bytes (else it is decoded and split as text). */
  private byteLines = false;
  /** The start of a line whose end is in a later chunk. */
  private carry = '';
  private carryBytes: Uint8Array | null = null;
  private lineNo = 0;

  constructor(o: ImportOptions) {
    this.o = o;
    if (o.format !== undefined && formatNamed(o.format) === undefined) {
      throw new Error(`unknown trace format '${o.format}': expected one of ${TRACE_FORMAT_NAMES.join(', ')}`);
    }
  }

  /** Lines read so far (progress: lines per second). */
  get lines(): number {
    return this.lineNo;
  }

  /** The next chunk of the input: text, or bytes (UTF-8, decoded across chunk boundaries when decoded). */
  push(chunk: string | Uint8Array): void {
    this.bytes += typeof chunk === 'string' ? chunk.length : chunk.byteLength;
    if (this.reader === null) {
      // The window first: it tells the format, and an empty file gets one answer whatever the format.
      this.held.push(chunk);
      this.window += typeof chunk === 'string' ? chunk : this.windowDecoder.decode(chunk, { stream: true });
      if (this.window.length >= DETECT_WINDOW_CHARS) this.start();
    } else this.take(chunk);
    this.o.onProgress?.(this.bytes);
  }

  private take(chunk: string | Uint8Array): void {
    if (!this.byteLines) this.feed(typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
    else if (typeof chunk === 'string') {
      const b = encode(chunk);
      this.feedBytes(b, b);
    } else {
      // Lines are found with the chunk's own indexOf (a Node Buffer's is memchr, several times a
      // typed array's); they are read through a plain Uint8Array, one kind of array for the readers.
      const plain =
        chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.feedBytes(plain, chunk);
    }
  }

  /** The input ended: the import's result, or a ParseError. */
  end(): ImportResult {
    if (this.reader === null) this.start();
    if (!this.byteLines) {
      const tail = this.decoder.decode();
      if (tail !== '') this.feed(tail);
    }
    const sink = this.sink as OpSink;
    const reader = this.reader as TraceReader;
    const format = (this.format as TraceFormat).name;
    const warnings: ParseWarning[] = [];
    if (this.carryBytes !== null) {
      this.carry = decodeRange(this.carryBytes, 0, this.carryBytes.length);
      const b = this.carryBytes;
      this.carryBytes = null;
      this.byteLine(b, 0, b.length);
    } else if (this.carry !== '') this.line(this.carry);
    if (this.carry !== '') {
      const last = this.carry;
      this.carry = '';
      if (last.trim() !== '') {
        const file = this.o.fileName;
        const detail = `the last line has no newline at its end, so the file may be cut short: '${excerptEnd(last)}'`;
        warnings.push({ file, line: this.lineNo, detail, message: `${file}:${this.lineNo}: ${detail}` });
      }
    }
    reader.end();
    this.rejectIfMostlyUnreadable(sink, format);
    if (sink.opCount === 0) {
      const why = [
        sink.nullFrees ? `${sink.nullFrees} NULL frees` : '',
        sink.unknownFrees ? `${sink.unknownFrees} frees of pointers allocated before the trace` : '',
        sink.zeroSizeRequests ? `${sink.zeroSizeRequests} zero-size requests` : '',
        sink.unreadableCount ? `${sink.unreadableCount} unreadable lines` : '',
      ].filter(Boolean);
      throw noAllocationsError(this.o.fileName, why.length ? `only ${why.join(', ')}` : 'nothing to replay');
    }
    const ops = sink.finish();
    return {
      format,
      ops,
      sites: sink.sites,
      caches: sink.caches,
      summary: summarize(
        sink,
        format,
        this.bytes,
        this.lineNo,
        warnings.map((w) => w.message),
        reader.processes?.(),
      ),
      warnings,
      cpuRecords: sink.cpuRecords,
    };
  }

  /** The format (named, or recognised from the window), then read the window. */
  private start(): void {
    const first = firstContentLine(this.window);
    // Every format answers an empty file alike, whether named or recognised.
    if (first === null && this.window.length < DETECT_WINDOW_CHARS) throw noAllocationsError(this.o.fileName);
    let format = this.o.format === undefined ? undefined : formatNamed(this.o.format);
    if (format === undefined) {
      const i = bestEvidence(this.evidence());
      if (i < 0 || first === null) {
        throw new ParseError(
          this.o.fileName,
          first?.line ?? 1,
          `not a trace format Fragscope reads (${TRACE_FORMAT_NAMES.join(', ')}); first line: '${excerpt(first?.text ?? '')}'`,
        );
      }
      format = TRACE_FORMATS[i];
    }
    // Keep only the detection window for "the closest format" messages.
    if (this.window.length > DETECT_WINDOW_CHARS) this.window = this.window.slice(0, DETECT_WINDOW_CHARS);
    this.open(format);
    const held = this.held;
    this.held = [];
    this.byteLines = (this.reader as TraceReader).bytes !== undefined && held.every((c) => typeof c !== 'string');
    for (const c of held) this.take(c);
  }

  private open(format: TraceFormat): void {
    this.format = format;
    this.sink = new OpSink({
      fileName: this.o.fileName,
      maxOps: this.o.sizeHint !== undefined ? maxOpsFor(this.o.sizeHint) : DEFAULT_MAX_OPS,
      strict: this.o.strict,
      shared: this.o.shared,
    });
    this.reader = format.open(this.sink);
  }

  private cachedEvidence: FormatEvidence[] | null = null;
  private evidence(): FormatEvidence[] {
    if (this.cachedEvidence === null) {
      const lines = detectionLines(this.window);
      this.cachedEvidence = TRACE_FORMATS.map((f) => f.sniff(lines));
    }
    return this.cachedEvidence;
  }

  private feed(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.carry += text;
      return;
    }
    if (this.carry !== '') {
      const first = this.carry + text.slice(0, nl);
      this.carry = '';
      this.line(first);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl >= 0) {
      this.line(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.carry = start < text.length ? text.slice(start) : '';
  }

  private line(raw: string): void {
    const l = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    const sink = this.sink as OpSink;
    const n = ++this.lineNo;
    sink.lineNo = n;
    sink.setLine(l);
    (this.reader as TraceReader).line(l, n);
  }

  /** Byte input for a reader of bytes: lines found with `find`'s indexOf (the same bytes as `b`), never decoded here. */
  private feedBytes(b: Uint8Array, find: Uint8Array): void {
    let start = 0;
    let nl = find.indexOf(10);
    if (nl < 0) {
      this.carryBytes = this.carryBytes === null ? b.slice() : concat(this.carryBytes, b, 0, b.length);
      return;
    }
    if (this.carryBytes !== null) {
      const first = concat(this.carryBytes, b, 0, nl);
      this.carryBytes = null;
      this.byteLine(first, 0, first.length);
      start = nl + 1;
      nl = find.indexOf(10, start);
    }
    while (nl >= 0) {
      this.byteLine(b, start, nl);
      start = nl + 1;
      nl = find.indexOf(10, start);
    }
    // A copy: the chunk itself is not kept.
    this.carryBytes = start < b.length ? b.slice(start) : null;
  }

  private byteLine(b: Uint8Array, s: number, end: number): void {
    const e = end > s && b[end - 1] === 13 ? end - 1 : end;
    const sink = this.sink as OpSink;
    const n = ++this.lineNo;
    sink.lineNo = n;
    sink.setLineBytes(b, s, e);
    (this.reader as TraceReader & { bytes(b: Uint8Array, s: number, e: number, n: number): void }).bytes(b, s, e, n);
  }

  /** More unreadable lines than events: the file is not in this format (say which one came closest). */
  private rejectIfMostlyUnreadable(sink: OpSink, format: string): void {
    const bad = sink.unreadableCount;
    if (bad === 0 || bad <= sink.events) return;
    const first = sink.unreadableSample[0];
    const ev = this.evidence();
    let best = -1;
    ev.forEach((e, i) => {
      if (TRACE_FORMATS[i].name !== format && e.events > 0 && (best < 0 || e.events > ev[best].events)) best = i;
    });
    const closest =
      best < 0
        ? 'no other format Fragscope reads matches it either'
        : `the closest format is ${TRACE_FORMATS[best].name} (${ev[best].events} event lines in its first ${DETECT_WINDOW_CHARS / 1024} KiB): try --format ${TRACE_FORMATS[best].name}`;
    throw new ParseError(
      this.o.fileName,
      first.line,
      `not ${format}: ${bad} of ${bad + sink.events} lines that look like ${format} events could not be read (the first: ${first.why}: ${first.text}); ${closest}`,
    );
  }
}

/** Import a whole text (tests, small files, the app's main thread). */
export function importText(text: string, o: Omit<ImportOptions, 'sizeHint'>): ImportResult {
  const im = new TraceImporter({ ...o, sizeHint: text.length });
  im.push(text);
  return im.end();
}

/** Import chunks as they come (a Node read stream, a browser ReadableStream's reader). */
export async function importChunks(
  chunks: AsyncIterable<string | Uint8Array>,
  o: ImportOptions,
): Promise<ImportResult> {
  const im = new TraceImporter(o);
  for await (const c of chunks) im.push(c);
  return im.end();
}

/**
 * Check that `cpus` simulated CPUs can replay the import: a ParseError naming the first line on
 * a CPU >= cpus otherwise (with the count the whole trace needs).
 */
export function requireCpus(r: Pick<ImportResult, 'cpuRecords' | 'summary'>, cpus: number): void {
  const first = r.cpuRecords.find((c) => c.cpu >= cpus);
  if (first === undefined) return;
  const used = r.summary.ops > 0 ? r.cpuRecords[r.cpuRecords.length - 1].cpu : 0;
  const there = cpus === 1 ? 'is 1 CPU' : `are ${cpus} CPUs`;
  throw new ParseError(
    r.summary.file,
    first.line,
    `event on CPU ${first.cpu}, but there ${there}: the trace uses CPUs 0 to ${used}, run with --cpus ${used + 1}, got '${excerpt(first.text)}'`,
  );
}
