/**
 * CS:APP malloc-lab traces (`*.rep`, read by the lab's mdriver):
 *
 *   20000      suggested heap size (unused here)
 *   2          number of ids: every ID is below it
 *   5          number of ops: exactly this many op lines follow
 *   1          weight (unused here)
 *   a 0 512    allocate 512 bytes under id 0
 *   a 1 128
 *   r 0 640    realloc id 0 to 640 bytes: a free of id 0, then a new alloc under id 0
 *   f 1        free id 1
 *   f 0
 *
 * Whitespace-separated; blank lines and `#` comment lines (not in the originals)
 * are ignored. Every alloc (an `a`, or the alloc half of an `r`) gets the next
 * dense id 0, 1, 2, ...; an ID reused after its free names a new allocation.
 * Sizes of 0 become 1-byte requests (malloc(0)). Everything runs on CPU 0. The
 * header's counts are checked against the body before anything runs.
 *
 * The op file (opfile.ts) also has `a ID BYTES` and `f ID` lines, but never bare
 * numbers: the 4 number lines of the header tell the formats apart.
 */
import { ParseError, excerpt, noAllocationsError, splitLines } from './parse-error';
import type { FormatEvidence } from './trace-detect';
import type { Op } from './types';

const HEADER = ['suggested heap size', 'number of ids', 'number of ops', 'weight'] as const;
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

/** Parse malloc-lab trace TEXT (`fileName` for messages only) into ops on CPU 0. */
export function parseMalloclab(text: string, fileName: string): Op[] {
  const ops: Op[] = [];
  const header: { value: number; line: number }[] = [];
  /** Per trace ID: its dense id and the line that allocated it, or the line that freed it. */
  const ids = new Map<number, { dense: number; allocLine: number; freeLine: number }>();
  let nextDense = 0;
  let opLines = 0;
  const lines = splitLines(text);
  for (let k = 0; k < lines.length; k++) {
    const body = lines[k].trim();
    if (body === '' || body.startsWith('#')) continue;
    const lineNo = k + 1;
    const got = `got '${excerpt(body)}'`;
    const fail = (detail: string): ParseError => new ParseError(fileName, lineNo, detail);
    const num = (t: string | undefined, what: string): number => {
      const v = t !== undefined && NUMBER.test(t) ? Number(t) : NaN;
      if (!Number.isSafeInteger(v)) throw fail(`expected ${what} a non-negative integer below 2^53, ${got}`);
      return v;
    };

    if (header.length < HEADER.length) {
      const what = HEADER[header.length];
      header.push({
        value: num(NUMBER.test(body) ? body : undefined, `header line ${header.length + 1} (${what}):`),
        line: lineNo,
      });
      continue;
    }
    const m = OP.exec(body);
    const verb = m?.[1];
    const form = verb === 'f' ? "'f ID'" : verb === 'r' ? "'r ID BYTES'" : "'a ID BYTES'";
    if (m === null || (verb === 'f') !== (m[3] === undefined) || m[2] === undefined) {
      throw fail(
        verb === undefined ? `expected 'a ID BYTES', 'r ID BYTES' or 'f ID', ${got}` : `expected ${form}, ${got}`,
      );
    }
    opLines++;
    const id = num(m[2], `${form} with ID`);
    const numIds = header[1];
    if (id >= numIds.value) {
      throw fail(`expected ${form} with ID below ${numIds.value} (the number of ids on line ${numIds.line}), ${got}`);
    }
    const entry = ids.get(id);
    const isLive = entry !== undefined && entry.freeLine === 0;
    const history =
      entry === undefined
        ? `ID ${id} was never allocated`
        : isLive
          ? `ID ${id} is live since line ${entry.allocLine}`
          : `ID ${id} was freed on line ${entry.freeLine}`;
    if (verb === 'a' && isLive) throw fail(`expected 'a ID BYTES' with an ID that is not live, ${got} (${history})`);
    if (verb !== 'a' && !isLive) throw fail(`expected ${form} with the ID of a live allocation, ${got} (${history})`);
    const bytes = verb === 'f' ? 0 : num(m[3], `${form} with BYTES`);
    if (verb !== 'a') {
      entry!.freeLine = lineNo;
      ops.push({ kind: 'free', cpu: 0, id: entry!.dense, bytes: 0 });
    }
    if (verb !== 'f') {
      ids.set(id, { dense: nextDense, allocLine: lineNo, freeLine: 0 });
      ops.push({ kind: 'alloc', cpu: 0, id: nextDense++, bytes: Math.max(1, bytes) });
    }
  }
  if (header.length < HEADER.length) {
    throw new ParseError(
      fileName,
      Math.max(1, lines.length),
      `expected 4 header lines (${HEADER.join(', ')}), the file ends after ${header.length}`,
    );
  }
  if (ops.length === 0) throw noAllocationsError(fileName, 'the file has only its header');
  const numOps = header[2];
  if (numOps.value !== opLines) {
    throw new ParseError(
      fileName,
      numOps.line,
      `the header says ${numOps.value} ops, the file has ${opLines} op line${opLines === 1 ? '' : 's'}`,
    );
  }
  return ops;
}
