/**
 * wee_alloc traces (github.com/rustwasm/wee_alloc, test/traces/*.trace; MPL-2.0,
 * see engine/data/wee_alloc/SOURCE.txt): real userspace malloc/free sequences
 * recorded with valgrind. One entry a line:
 *
 *   Alloc(SIZE),   the K-th Alloc line (0-based) creates allocation K
 *   Free(K),       frees the allocation of the K-th Alloc line
 *
 * Alloc line K becomes op id K, so ids are dense already. Everything runs on CPU 0.
 * The trailing comma is optional, surrounding whitespace and blank lines are
 * ignored, as are `#` and `//` comment lines (not in the originals; handy in tests).
 *
 * Alloc(0) occurs (malloc(0) in the grep traces). glibc answers malloc(0) with a
 * unique minimum-size chunk, so by default it becomes a 1-byte request; pass
 * `zeroSize: 'error'` to reject it instead.
 */
import { ParseError, excerpt, noAllocationsError, splitLines } from './parse-error';
import type { FormatEvidence } from './trace-detect';
import type { Op } from './types';

export class WeeTraceError extends ParseError {
  constructor(file: string, line: number, detail: string) {
    super(file, line, detail);
    this.name = 'WeeTraceError';
  }
}

export interface WeeTraceOptions {
  /** What Alloc(0) becomes: 'one' = a 1-byte request (default), 'error' = a WeeTraceError. */
  zeroSize?: 'one' | 'error';
}

const LINE = /^(Alloc|Free)\(\s*(\d+)\s*\)\s*,?$/;

/** Every `Alloc(SIZE),` / `Free(K),` line is an event; the format has no other lines. */
export function sniffWee(lines: readonly string[]): FormatEvidence {
  return { events: lines.filter((l) => LINE.test(l)).length, others: 0 };
}

/**
 * Parse wee_alloc trace TEXT (`fileName` for messages only) into ops on CPU 0.
 * Throws a WeeTraceError naming file:line on a malformed line, a Free of an Alloc
 * line that does not come earlier, or a second Free of the same one.
 */
export function parseWeeTrace(text: string, fileName: string, options: WeeTraceOptions = {}): Op[] {
  const zeroSize = options.zeroSize ?? 'one';
  const ops: Op[] = [];
  /** Per Alloc line: 0 while live, else the 1-based line of its Free. */
  const freedOn: number[] = [];
  const lines = splitLines(text);
  for (let k = 0; k < lines.length; k++) {
    const body = lines[k].trim();
    if (body === '' || body.startsWith('#') || body.startsWith('//')) continue;
    const lineNo = k + 1;
    const got = `got '${excerpt(body)}'`;
    const m = LINE.exec(body);
    if (m === null) throw new WeeTraceError(fileName, lineNo, `expected 'Alloc(SIZE),' or 'Free(K),', ${got}`);
    const n = Number(m[2]);
    if (!Number.isSafeInteger(n)) {
      throw new WeeTraceError(fileName, lineNo, `expected a number below 2^53 in '${m[1]}(...)', ${got}`);
    }
    if (m[1] === 'Alloc') {
      if (n === 0 && zeroSize === 'error') {
        throw new WeeTraceError(fileName, lineNo, `expected 'Alloc(SIZE),' with SIZE >= 1, ${got}`);
      }
      ops.push({ kind: 'alloc', cpu: 0, id: freedOn.length, bytes: Math.max(1, n) });
      freedOn.push(0);
      continue;
    }
    const expected = "expected 'Free(K),' with K the index of an earlier, unfreed Alloc line";
    if (n >= freedOn.length) {
      throw new WeeTraceError(
        fileName,
        lineNo,
        `${expected}, ${got} (only ${freedOn.length} Alloc line${freedOn.length === 1 ? '' : 's'} so far)`,
      );
    }
    if (freedOn[n] > 0) {
      throw new WeeTraceError(fileName, lineNo, `${expected}, ${got} (Alloc ${n} was freed on line ${freedOn[n]})`);
    }
    freedOn[n] = lineNo;
    ops.push({ kind: 'free', cpu: 0, id: n, bytes: 0 });
  }
  if (ops.length === 0) throw noAllocationsError(fileName);
  return ops;
}
