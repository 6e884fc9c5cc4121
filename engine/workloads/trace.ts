/**
 * Importing a trace: recognise its format from its text (or take the one the user
 * names) and parse it into ops. Each format is one small module with its own tests
 * (opfile.ts, trace-wee.ts, ...); this file lists them and tells them apart
 * (trace-detect.ts). Every parser throws a ParseError naming file:line and what
 * was expected, before anything runs.
 */
import {
  ParseError,
  excerpt,
  firstContentLine,
  noAllocationsError,
  unterminatedLastLine,
  type ParseWarning,
} from './parse-error';
import { parseOpFile, sniffOpFile } from './opfile';
import { bestEvidence, detectionLines, type FormatEvidence } from './trace-detect';
import { parseFtrace, sniffFtrace } from './trace-ftrace';
import { parseMalloclab, sniffMalloclab } from './trace-malloclab';
import { parseMtrace, sniffMtrace } from './trace-mtrace';
import { parseValgrindTrace, sniffValgrind } from './trace-valgrind';
import { parseWeeTrace, sniffWee } from './trace-wee';
import type { Op } from './types';

export interface TraceFormatInfo {
  /** What `--format` and `parseTrace(..., format)` take. */
  name: string;
  /** A few words for a picker: the tool or project that writes the format. */
  label: string;
  description: string;
  /** This format's event lines (and other lines of its own) among the detection window's lines. */
  sniff(lines: readonly string[]): FormatEvidence;
  parse(text: string, fileName: string, cpus?: number): Op[];
}

/** Known formats; on equal evidence the earlier one wins. */
export const TRACE_FORMATS: readonly TraceFormatInfo[] = [
  {
    name: 'wee',
    label: 'wee_alloc trace',
    description: 'wee_alloc trace: Alloc(SIZE), / Free(K), (K = the K-th Alloc line)',
    sniff: sniffWee,
    parse: (text, file) => parseWeeTrace(text, file),
  },
  {
    name: 'valgrind',
    label: 'valgrind --trace-malloc=yes',
    description:
      'valgrind --trace-malloc=yes output: --PID-- malloc(N) = 0xADDR / free(0xADDR) / calloc / realloc / new / delete',
    sniff: sniffValgrind,
    parse: (text, file) => parseValgrindTrace(text, file),
  },
  {
    name: 'ftrace',
    label: 'Linux ftrace / perf script kmem events',
    description:
      'Linux ftrace / perf script kmem events: TASK-PID [CPU] TIME: kmalloc: ptr=P bytes_req=N / kfree: ptr=P (CPU = [CPU])',
    sniff: sniffFtrace,
    parse: (text, file, cpus) => parseFtrace(text, file, cpus).ops,
  },
  {
    name: 'mtrace',
    label: 'glibc mtrace log',
    description: 'glibc mtrace log: = Start / @ CALLER + 0xPTR 0xSIZE / - 0xPTR / < 0xOLD > 0xNEW 0xSIZE',
    sniff: sniffMtrace,
    parse: (text, file) => parseMtrace(text, file).ops,
  },
  {
    // Before 'ops': both have 'a ID BYTES' / 'f ID' lines; malloc-lab starts with 4 bare numbers.
    name: 'malloclab',
    label: 'CS:APP malloc-lab .rep',
    description:
      'CS:APP malloc-lab .rep: 4 header numbers (heap size, ids, ops, weight), then a ID BYTES / r ID BYTES / f ID',
    sniff: sniffMalloclab,
    parse: (text, file) => parseMalloclab(text, file),
  },
  {
    name: 'ops',
    label: 'Fragscope op file',
    description: 'Fragscope op file: a ID BYTES / f ID / m ID / u ID / cpu N / # comments',
    sniff: sniffOpFile,
    parse: (text, file, cpus) => parseOpFile(text, file, cpus),
  },
];

/** The format names, in TRACE_FORMATS order (for `--format` and its usage text). */
export const TRACE_FORMAT_NAMES: readonly string[] = TRACE_FORMATS.map((f) => f.name);

/** What a picker offers besides "recognise from the text": each format's name and label. */
export const TRACE_FORMAT_OPTIONS: readonly { name: string; label: string }[] = TRACE_FORMATS.map((f) => ({
  name: f.name,
  label: f.label,
}));

export function isTraceFormatName(name: string): boolean {
  return TRACE_FORMAT_NAMES.includes(name);
}

export interface ParsedTrace {
  format: string;
  ops: Op[];
  /** What parsed but looks wrong (a last line without its newline): show them beside the result. */
  warnings: ParseWarning[];
}

/** The format whose event lines fill the first DETECT_WINDOW_CHARS of `text`, or null. */
export function detectTraceFormat(text: string): TraceFormatInfo | null {
  const lines = detectionLines(text);
  const i = bestEvidence(TRACE_FORMATS.map((f) => f.sniff(lines)));
  return i >= 0 ? TRACE_FORMATS[i] : null;
}

/** Parse a trace of any known format (or the one named by `format`). */
export function parseTrace(text: string, fileName: string, cpus?: number, format?: string): ParsedTrace {
  const named = format === undefined ? undefined : TRACE_FORMATS.find((x) => x.name === format);
  if (format !== undefined && named === undefined) {
    throw new Error(`unknown trace format '${format}': expected one of ${TRACE_FORMAT_NAMES.join(', ')}`);
  }
  const first = firstContentLine(text);
  // Every format answers an empty file alike, whether named or recognised.
  if (first === null) throw noAllocationsError(fileName);
  const f = named ?? detectTraceFormat(text);
  if (f === undefined || f === null) {
    throw new ParseError(
      fileName,
      first.line,
      `not a trace format Fragscope reads (${TRACE_FORMAT_NAMES.join(', ')}); first line: '${excerpt(first.text)}'`,
    );
  }
  const ops = f.parse(text, fileName, cpus);
  const cut = unterminatedLastLine(text, fileName);
  return { format: f.name, ops, warnings: cut ? [cut] : [] };
}
