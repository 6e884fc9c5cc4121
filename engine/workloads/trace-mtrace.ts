/**
 * glibc mtrace logs (a program calls mtrace(), runs with MALLOC_TRACE=FILE and, on
 * glibc >= 2.34, LD_PRELOAD=libc_malloc_debug.so.0):
 *
 *   = Start
 *   @ ./prog:[0x11e3] + 0x5615251312a0 0x10           alloc 0x10 bytes at 0x5615251312a0
 *   @ /lib/x86_64-linux-gnu/libc.so.6:(__strdup+1a)[0x9e9aa] + 0x561525131b20 0x8
 *   @ ./prog:[0x1214] - 0x5615251314a0                free
 *   @ ./prog:[0x1225] < 0x5615251312a0                realloc: the old block is freed...
 *   @ ./prog:[0x1225] > 0x561525131900 0x40           ...and the new one allocated
 *   @ ./prog:[0x1225] ! 0x561525131900 0x40           failed realloc: skipped
 *   = End
 *
 * The `@ CALLER` part is optional (glibc omits it when it has no caller). Sizes are
 * hex (`0x10`) or `0`; a size 0 becomes a 1-byte request, `(nil)` pointers (failed
 * calls) are skipped. Everything runs on CPU 0 (the log does not name threads);
 * ids are dense in order of allocation.
 *
 * mtrace() starts mid-run, so a free of a block allocated before it is normal: such
 * frees are skipped and counted (`skippedFrees`). An alloc at an address that is
 * still live means a free is missing and is a ParseError, as is any other line.
 */
import { ParseError, excerpt, splitLines } from './parse-error';
import type { FormatEvidence } from './trace-detect';
import type { Op } from './types';

const LINE = /^(?:@\s+(.*?)\s+)?([-+<>!])\s+(\S+)(?:\s+(\S+))?$/;
const POINTER = /^(0x[0-9a-fA-F]+|\(nil\))$/;
const SIZE = /^(0x[0-9a-fA-F]+|0)$/;

export interface MtraceParse {
  ops: Op[];
  /** Frees (and realloc `<` halves) of blocks not allocated in the log. */
  skippedFrees: number;
}

/** Events: `+ - < > !` lines with a well-formed pointer (and size); others: `= Start` and `= End`. */
export function sniffMtrace(lines: readonly string[]): FormatEvidence {
  let events = 0;
  let others = 0;
  for (const l of lines) {
    if (l === '= Start' || l === '= End') {
      others++;
      continue;
    }
    const m = LINE.exec(l);
    const sized = m !== null && (m[2] === '+' || m[2] === '>' || m[2] === '!');
    if (m !== null && POINTER.test(m[3]) && (sized ? SIZE.test(m[4] ?? '') : m[4] === undefined)) events++;
  }
  return { events, others };
}

/** Canonical address key, or null for a null pointer. */
function key(text: string): string | null {
  if (text === '(nil)') return null;
  const k = text.toLowerCase().replace(/^0x0*/, '');
  return k === '' ? null : k;
}

/** Parse a glibc mtrace log TEXT (`fileName` for messages only). */
export function parseMtrace(text: string, fileName: string): MtraceParse {
  const ops: Op[] = [];
  const live = new Map<string, { id: number; line: number }>();
  let nextId = 0;
  let skippedFrees = 0;
  const lines = splitLines(text);
  for (let k = 0; k < lines.length; k++) {
    const body = lines[k].trim();
    if (body === '' || body === '= Start' || body === '= End') continue;
    const lineNo = k + 1;
    const got = `got '${excerpt(body)}'`;
    const fail = (detail: string): ParseError => new ParseError(fileName, lineNo, detail);
    const m = LINE.exec(body);
    if (m === null) {
      throw fail(
        `expected '= Start', '= End' or '@ CALLER + 0xPTR 0xSIZE' / '- 0xPTR' / '< 0xPTR' / '> 0xPTR 0xSIZE', ${got}`,
      );
    }
    const op = m[2];
    const sized = op === '+' || op === '>' || op === '!';
    const form = sized ? `'${op} 0xPTR 0xSIZE'` : `'${op} 0xPTR'`;
    if (!POINTER.test(m[3]) || sized !== (m[4] !== undefined)) throw fail(`expected ${form}, ${got}`);
    if (op === '!') continue; // failed realloc: nothing changed
    const ptr = key(m[3]);
    if (!sized) {
      if (ptr === null) continue;
      const block = live.get(ptr);
      if (block === undefined) {
        skippedFrees++;
        continue;
      }
      live.delete(ptr);
      ops.push({ kind: 'free', cpu: 0, id: block.id, bytes: 0 });
      continue;
    }
    if (!SIZE.test(m[4])) throw fail(`expected ${form} with SIZE in hex (0x...) or 0, ${got}`);
    const bytes = Number(m[4]);
    if (!Number.isSafeInteger(bytes)) throw fail(`expected ${form} with SIZE below 2^53, ${got}`);
    if (ptr === null) continue; // failed alloc
    const block = live.get(ptr);
    if (block !== undefined) {
      throw fail(`alloc at ${m[3]}, which is still live since line ${block.line} (its free is missing), ${got}`);
    }
    live.set(ptr, { id: nextId, line: lineNo });
    ops.push({ kind: 'alloc', cpu: 0, id: nextId++, bytes: Math.max(1, bytes) });
  }
  if (ops.length === 0)
    throw new ParseError(fileName, 1, "expected mtrace lines ('@ CALLER + 0xPTR 0xSIZE'), found no allocation");
  return { ops, skippedFrees };
}
