/**
 * Traces as a whole text, for small inputs (tests, the app's main thread): recognise the
 * format and read it with the streaming import (engine/import/import.ts), then hand the ops
 * back as Op objects named by dense ids (the k-th allocation is id k). Large files go
 * through the import directly, into the op buffer, without Op objects.
 */
import { K_ALLOC, K_PAGE_ALLOC, KIND_NAMES, type OpBuffer } from '../core/op-buffer';
import { TRACE_FORMATS, TRACE_FORMAT_NAMES } from '../import/formats';
import { importText, requireCpus } from '../import/import';
import type { ImportSummary } from '../import/summary';
import type { ParseWarning } from './parse-error';
import { bestEvidence, detectionLines, type TraceFormat } from './trace-detect';
import type { Op } from './types';

export { TRACE_FORMATS, TRACE_FORMAT_NAMES };
export type TraceFormatInfo = TraceFormat;

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
  summary: ImportSummary;
}

/** The format whose event lines fill the first DETECT_WINDOW_CHARS of `text`, or null. */
export function detectTraceFormat(text: string): TraceFormat | null {
  const lines = detectionLines(text);
  const i = bestEvidence(TRACE_FORMATS.map((f) => f.sniff(lines)));
  return i >= 0 ? TRACE_FORMATS[i] : null;
}

/**
 * Parse a trace of any known format (or the one named by `format`). When `cpus` is given, the
 * trace must not name a CPU >= cpus (a ParseError at the first line that does).
 */
export function parseTrace(
  text: string,
  fileName: string,
  cpus?: number,
  format?: string,
  strict?: boolean,
): ParsedTrace {
  const r = importText(text, { fileName, format, strict });
  if (cpus !== undefined) requireCpus(r, cpus);
  return { format: r.format, ops: opsOf(r.ops), warnings: r.warnings, summary: r.summary };
}

/** The ops of a buffer as Op objects, named by dense ids in order of allocation (page allocations too). */
export function opsOf(buf: OpBuffer): Op[] {
  const dense = new Int32Array(Math.max(1, buf.slots)).fill(-1);
  let next = 0;
  const out: Op[] = [];
  for (let i = 0; i < buf.produced; i++) {
    const kind = buf.kind[i];
    const slot = buf.slot[i];
    if (kind === K_ALLOC || kind === K_PAGE_ALLOC) dense[slot] = next++;
    out.push({
      kind: KIND_NAMES[kind],
      cpu: buf.cpu[i],
      id: dense[slot],
      bytes: kind === K_ALLOC || kind === K_PAGE_ALLOC ? buf.size[i] : 0,
    });
  }
  return out;
}
