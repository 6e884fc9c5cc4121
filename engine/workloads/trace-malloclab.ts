/**
 * CS:APP malloc-lab traces (`*.rep`, read by the lab's mdriver), a header of 4 numbers in
 * one of two orders, then the ops:
 *
 *   2002 handout (traces/README):   2016 traces (tracefile.c of the CMU 15-213 driver):
 *   20000   suggested heap size     1       weight (0..3: which scores count the trace)
 *   2       number of ids           2       number of ids
 *   5       number of ops           5       number of ops
 *   1       weight                  640     peak bytes allocated
 *
 *   a 0 512    allocate 512 bytes under id 0
 *   r 0 640    realloc id 0 to 640 bytes: a free of id 0, then a new alloc under id 0
 *   f 1        free id 1
 *
 * The orders differ only in fields replay does not use (ids and ops are lines 2 and 3 in both),
 * so both read alike. Whitespace-separated, CRLF or LF; blank lines and
 * `#` comment lines (not in the originals) are ignored. `r ID N` of an ID not live is
 * realloc(NULL, N), i.e. malloc (the 2016 traces have them); `f ID` of an ID not live is
 * counted as a free of an unknown pointer. Sizes of 0 become 1-byte requests. Everything runs
 * on CPU 0. A header that is not 4 numbers, an ID not below the number of ids, and an op
 * count other than the header's are errors naming file:line (an op line that cannot be read
 * is unreadable, and counted as an op line).
 *
 * The op file (opfile.ts) also has `a ID BYTES` and `f ID` lines, but never bare numbers:
 * the 4 number lines of the header tell the formats apart.
 */
import { S_BLANK, S_COMMENT, S_HEADER, type OpSink, type TraceReader } from '../import/sink';
import { decimal } from '../import/text';
import { ParseError, excerpt, noAllocationsError } from './parse-error';
import type { FormatEvidence, TraceFormat } from './trace-detect';

const HEADER = ['first header number', 'number of ids', 'number of ops', 'last header number'] as const;
const NUMBER = /^\d+$/;
const OP = /^([arf])(?:\s+(\S+))?(?:\s+(\S+))?$/;

/**
 * Without the 4 bare-number header lines nothing is malloc-lab (an op file has the
 * same `a` and `f` lines); after them, every `a`, `r` and `f` line is an event.
 */
export function sniffMalloclab(lines: readonly string[]): FormatEvidence {
  if (lines.length < 5 || !lines.slice(0, 4).every((l) => NUMBER.test(l))) return { events: 0, others: 0 };
  const events = lines.slice(4).filter((l) => /^([ar]\s+\d+\s+\d+|f\s+\d+)$/.test(l)).length;
  return { events, others: events > 0 ? 4 : 0 };
}

export function openMalloclabReader(sink: OpSink): TraceReader {
  const header: { value: number; line: number }[] = [];
  /** Per trace ID: the slot of its live allocation. */
  const live = new Map<number, number>();
  let opLines = 0;
  return {
    line(l: string, lineNo: number): void {
      const body = l.trim();
      if (body === '') return sink.skip(S_BLANK);
      if (body.startsWith('#')) return sink.skip(S_COMMENT);
      if (header.length < HEADER.length) {
        const v = decimal(body);
        if (Number.isNaN(v)) {
          throw new ParseError(
            sink.fileName,
            lineNo,
            `expected header line ${header.length + 1} (${HEADER[header.length]}): a non-negative integer, got '${excerpt(body)}'`,
          );
        }
        header.push({ value: v, line: lineNo });
        return sink.skip(S_HEADER);
      }
      opLines++;
      const m = OP.exec(body);
      const verb = m?.[1];
      const form = verb === 'f' ? "'f ID'" : verb === 'r' ? "'r ID BYTES'" : "'a ID BYTES'";
      if (m === null || verb === undefined) return sink.unreadable("expected 'a ID BYTES', 'r ID BYTES' or 'f ID'");
      const id = decimal(m[2]);
      const bytes = verb === 'f' ? 0 : decimal(m[3]);
      if (Number.isNaN(id) || Number.isNaN(bytes) || (verb === 'f') !== (m[3] === undefined)) {
        return sink.unreadable(`expected ${form} with non-negative integers`);
      }
      const ids = header[1];
      if (id >= ids.value) {
        throw new ParseError(
          sink.fileName,
          lineNo,
          `expected ${form} with ID below ${ids.value} (the number of ids on line ${ids.line}), got '${excerpt(body)}'`,
        );
      }
      sink.events++;
      const slot = live.get(id);
      if (verb !== 'a') {
        if (slot !== undefined) {
          live.delete(id);
          sink.free(0, slot);
        } else if (verb === 'f') sink.unknownFrees++;
      } else if (slot !== undefined) sink.free(0, slot, 0, true);
      if (verb === 'f') return;
      if (verb === 'r' && slot !== undefined) sink.reallocs++;
      live.set(id, sink.alloc(0, bytes));
    },
    end(): void {
      if (header.length < HEADER.length) {
        throw new ParseError(
          sink.fileName,
          Math.max(1, sink.lineNo),
          `expected 4 header lines (${HEADER.join(', ')}), the file ends after ${header.length}`,
        );
      }
      if (sink.events === 0 && sink.unreadableCount === 0)
        throw noAllocationsError(sink.fileName, 'the file has only its header');
      const numOps = header[2];
      if (numOps.value !== opLines) {
        throw new ParseError(
          sink.fileName,
          numOps.line,
          `the header says ${numOps.value} ops, the file has ${opLines} op line${opLines === 1 ? '' : 's'}`,
        );
      }
    },
  };
}

export const MALLOCLAB: TraceFormat = {
  // Before 'ops' in the list: both have 'a ID BYTES' / 'f ID' lines; malloc-lab starts with 4 bare numbers.
  name: 'malloclab',
  label: 'CS:APP malloc-lab .rep',
  description:
    'CS:APP malloc-lab .rep: 4 header numbers (2002: heap size, ids, ops, weight; 2016: weight, ids, ops, peak bytes), then a ID BYTES / r ID BYTES / f ID',
  sniff: sniffMalloclab,
  open: openMalloclabReader,
};
