/**
 * Importing a trace: recognise its format from its text and parse it into ops.
 * Each format is one small module with its own tests (opfile.ts, trace-wee.ts, ...);
 * this file only knows how to tell them apart. Every parser throws a ParseError
 * naming file:line and what was expected, before anything runs.
 */
import { ParseError, splitLines } from './parse-error';
import { parseOpFile } from './opfile';
import { parseFtrace, sniffFtrace } from './trace-ftrace';
import { parseMalloclab, sniffMalloclab } from './trace-malloclab';
import { parseMtrace, sniffMtrace } from './trace-mtrace';
import { parseValgrindTrace, sniffValgrind } from './trace-valgrind';
import { parseWeeTrace } from './trace-wee';
import type { Op } from './types';

export interface TraceFormatInfo {
  name: string;
  description: string;
  /** True when this format's lines appear among the first meaningful lines of `head`. */
  sniff(head: readonly string[]): boolean;
  parse(text: string, fileName: string, cpus?: number): Op[];
}

/** Known formats, most specific first. */
export const TRACE_FORMATS: TraceFormatInfo[] = [
  {
    name: 'wee',
    description: 'wee_alloc trace: Alloc(SIZE), / Free(K), (K = the K-th Alloc line)',
    sniff: (head) => head.some((l) => /^(Alloc|Free)\(\s*\d+\s*\)\s*,?$/.test(l)),
    parse: (text, file) => parseWeeTrace(text, file),
  },
  {
    name: 'valgrind',
    description:
      'valgrind --trace-malloc=yes output: --PID-- malloc(N) = 0xADDR / free(0xADDR) / calloc / realloc / new / delete',
    sniff: sniffValgrind,
    parse: (text, file) => parseValgrindTrace(text, file),
  },
  {
    name: 'ftrace',
    description:
      'Linux ftrace / perf script kmem events: TASK-PID [CPU] TIME: kmalloc: ptr=P bytes_req=N / kfree: ptr=P (CPU = [CPU])',
    sniff: sniffFtrace,
    parse: (text, file, cpus) => parseFtrace(text, file, cpus).ops,
  },
  {
    name: 'mtrace',
    description: 'glibc mtrace log: = Start / @ CALLER + 0xPTR 0xSIZE / - 0xPTR / < 0xOLD > 0xNEW 0xSIZE',
    sniff: sniffMtrace,
    parse: (text, file) => parseMtrace(text, file).ops,
  },
  {
    // Before 'ops': both have 'a ID BYTES' / 'f ID' lines; malloc-lab starts with 4 bare numbers.
    name: 'malloclab',
    description:
      'CS:APP malloc-lab .rep: 4 header numbers (heap size, ids, ops, weight), then a ID BYTES / r ID BYTES / f ID',
    sniff: sniffMalloclab,
    parse: (text, file) => parseMalloclab(text, file),
  },
  {
    name: 'ops',
    description: 'Fragscope op file: a ID BYTES / f ID / m ID / u ID / cpu N / # comments',
    // A bare number is never an op-file line (it starts a malloc-lab header).
    sniff: (head) =>
      head.some((l) => /^(a\s+\d+\s+\d+|f\s+\d+|cpu\s+\d+)\b/.test(l)) && !head.some((l) => /^\d+$/.test(l)),
    parse: (text, file, cpus) => parseOpFile(text, file, cpus),
  },
];

export interface ParsedTrace {
  format: string;
  ops: Op[];
}

/** The first `n` lines that are neither blank nor comments. */
function head(text: string, n = 20): string[] {
  const out: string[] = [];
  for (const l of splitLines(text)) {
    const t = l.trim();
    if (t === '' || t.startsWith('#') || t.startsWith('//')) continue;
    out.push(t);
    if (out.length >= n) break;
  }
  return out;
}

export function detectTraceFormat(text: string): TraceFormatInfo | null {
  const h = head(text);
  return TRACE_FORMATS.find((f) => f.sniff(h)) ?? null;
}

/** Parse a trace of any known format (or the one named by `format`). */
export function parseTrace(text: string, fileName: string, cpus?: number, format?: string): ParsedTrace {
  const f = format ? TRACE_FORMATS.find((x) => x.name === format) : detectTraceFormat(text);
  if (!f) {
    if (format)
      throw new Error(
        `unknown trace format '${format}': expected one of ${TRACE_FORMATS.map((x) => x.name).join(', ')}`,
      );
    const first = head(text, 1)[0] ?? '';
    throw new ParseError(
      fileName,
      1,
      `not a trace format Fragscope reads (${TRACE_FORMATS.map((x) => x.name).join(', ')}); first line: '${first.slice(0, 60)}'`,
    );
  }
  return { format: f.name, ops: f.parse(text, fileName, cpus) };
}
