/**
 * `valgrind --trace-malloc=yes PROGRAM` output (valgrind writes it to stderr):
 *
 *   ==6793== Memcheck, a memory error detector          valgrind's own lines: ignored
 *   --6793-- malloc(472) = 0x4B08040                    alloc 472 bytes at 0x4B08040
 *   --6793-- calloc(4,25) = 0x4B08260                   alloc 4 * 25 bytes
 *   --6793-- realloc(0x4B08040,2048) = 0x4B0A4D0        free the old block, alloc the new
 *   --6793-- realloc(0x0,1600)malloc(1600) = 0x4B09A10  realloc(NULL, N) = malloc(N)
 *   --6793-- realloc(0x4B0A4D0,0)free(0x4B0A4D0)        realloc(p, 0) = free(p)
 *   --6793-- memalign(al 64, size 100) = 0x4B0B000      also posix_memalign, aligned_alloc, valloc
 *   --6793-- _Znwm(24) = 0x4B0B100                      operator new (and new[], nothrow, aligned)
 *   --6793-- free(0x4B08260)                            also cfree, _ZdlPv... (delete), _ZdaPv... (delete[])
 *   --6793-- free(0x0)                                  free(NULL): no op
 *   hello                                               the traced program's own output: ignored
 *
 * Other `--PID--` lines (malloc_usable_size(...), -v messages, the ` = 0` valgrind
 * prints after some realloc(p, 0)) are skipped. A call that returned 0x0 (failed)
 * is skipped too. malloc(0) becomes a 1-byte request (glibc hands out a unique
 * minimum-size chunk), as in trace-wee.ts.
 *
 * Addresses are matched per PID, so the trace of a program that forks replays
 * each process's heap apart. These lines do not tell threads apart: everything
 * runs on CPU 0. Ids are dense in order of allocation. The whole text is checked
 * before anything runs: a free (or realloc) of an address that is not live, or an
 * alloc at an address that is still live (a free is missing), is a ParseError.
 */
import { ParseError, excerpt, splitLines } from './parse-error';
import type { FormatEvidence } from './trace-detect';
import type { Op } from './types';

/** `--PID-- rest` (valgrind's trace lines) and `==PID== rest` (its messages). */
const PREFIX = /^\s*(--|==)(\d+)\1 ?(.*)$/;
/** The first call on a line: `name(args)`, then whatever follows. */
const CALL = /^([A-Za-z_][\w[\]]*)\(([^()]*)\)(.*)$/;
/** The call's result at the end of the line: ` = 0x...`. */
const RESULT = /=\s*(0x[0-9A-Fa-f]+|0)\s*$/;

const FREES = new Set(['free', 'cfree', '__builtin_delete', '__builtin_vec_delete', 'delete', 'delete[]']);
const MALLOCS = new Set(['malloc', '__builtin_new', '__builtin_vec_new', 'new', 'new[]', 'valloc', 'pvalloc']);
const MEMALIGNS = new Set(['memalign', 'posix_memalign', 'aligned_alloc']);

type Kind = 'malloc' | 'calloc' | 'realloc' | 'memalign' | 'free';

/** What a function name does; null for names we skip. C++ operators come mangled. */
function kindOf(name: string): Kind | null {
  if (FREES.has(name) || name.startsWith('_ZdlPv') || name.startsWith('_ZdaPv')) return 'free';
  if (name.startsWith('_Znwm') || name.startsWith('_Znam') || name.startsWith('_Znwj') || name.startsWith('_Znaj')) {
    // Aligned operator new prints `(size N, al A)`: a memalign with named arguments.
    return name.includes('align_val_t') ? 'memalign' : 'malloc';
  }
  if (MALLOCS.has(name)) return 'malloc';
  if (MEMALIGNS.has(name)) return 'memalign';
  if (name === 'calloc' || name === 'realloc') return name;
  return null;
}

/** Canonical address key: lower case, no leading zeros; null for 0x0. */
function addr(text: string): string | null {
  const a = text.toLowerCase().replace(/^0x0*/, '');
  return a === '' ? null : `0x${a}`;
}

const NUM = /^\d+$/;

/** Events: `--PID-- CALL(...)` lines of an allocation function; others: the rest of valgrind's lines. */
export function sniffValgrind(lines: readonly string[]): FormatEvidence {
  let events = 0;
  let others = 0;
  for (const l of lines) {
    const p = PREFIX.exec(l);
    if (p === null) continue;
    const c = p[1] === '--' ? CALL.exec(p[3].trim()) : null;
    if (c !== null && kindOf(c[1]) !== null) events++;
    else others++;
  }
  return { events, others };
}

/**
 * Parse valgrind --trace-malloc=yes TEXT (`fileName` for messages only) into ops on
 * CPU 0. Throws a ParseError naming file:line on the first problem.
 */
export function parseValgrindTrace(text: string, fileName: string): Op[] {
  const ops: Op[] = [];
  /** `pid/address` of each live block → its dense id and the line that made it. */
  const live = new Map<string, { id: number; line: number }>();
  let nextId = 0;
  let sawValgrind = false;
  const lines = splitLines(text);
  for (let k = 0; k < lines.length; k++) {
    const p = PREFIX.exec(lines[k]);
    if (p === null) continue; // the program's own output
    sawValgrind = true;
    if (p[1] === '==') continue;
    const lineNo = k + 1;
    const body = p[3].trim();
    const c = CALL.exec(body);
    if (c === null) continue; // -v messages, ` = 0` after realloc(p, 0)
    const name = c[1];
    const kind = kindOf(name);
    if (kind === null) continue;
    const got = `got '${excerpt(body)}'`;
    const fail = (detail: string): ParseError => new ParseError(fileName, lineNo, detail);
    const args = c[2].split(',').map((a) => a.trim());
    const result = RESULT.exec(c[3]);
    const pid = p[2];

    const release = (text: string): void => {
      const a = addr(text);
      if (a === null) return;
      const key = `${pid}/${a}`;
      const block = live.get(key);
      if (block === undefined) {
        throw fail(`free of ${text} that is not live (never allocated or freed already), ${got}`);
      }
      live.delete(key);
      ops.push({ kind: 'free', cpu: 0, id: block.id, bytes: 0 });
    };
    const allocate = (bytes: number): void => {
      if (result === null) throw fail(`expected '${name}(...) = 0xADDRESS', ${got}`);
      const a = addr(result[1]);
      if (a === null) return; // the call failed
      const key = `${pid}/${a}`;
      const block = live.get(key);
      if (block !== undefined) {
        throw fail(
          `${name} returned ${result[1]}, which is still live since line ${block.line} (its free is missing), ${got}`,
        );
      }
      live.set(key, { id: nextId, line: lineNo });
      ops.push({ kind: 'alloc', cpu: 0, id: nextId++, bytes: Math.max(1, bytes) });
    };
    const number = (t: string | undefined, what: string): number => {
      const v = t !== undefined && NUM.test(t) ? Number(t) : NaN;
      if (!Number.isSafeInteger(v)) throw fail(`expected ${what} a non-negative integer below 2^53, ${got}`);
      return v;
    };
    const pointer = (t: string | undefined, what: string): string => {
      if (t === undefined || !/^0x[0-9A-Fa-f]+$/.test(t)) throw fail(`expected ${what} a 0x... address, ${got}`);
      return t;
    };

    switch (kind) {
      case 'free':
        if (args.length !== 1) throw fail(`expected '${name}(0xADDRESS)', ${got}`);
        release(pointer(args[0], `'${name}(P)' with P`));
        break;
      case 'malloc':
        if (args.length !== 1) throw fail(`expected '${name}(BYTES) = 0xADDRESS', ${got}`);
        allocate(number(args[0], `'${name}(BYTES)' with BYTES`));
        break;
      case 'calloc': {
        if (args.length !== 2) throw fail(`expected 'calloc(N,SIZE) = 0xADDRESS', ${got}`);
        const bytes = number(args[0], "'calloc(N,SIZE)' with N") * number(args[1], "'calloc(N,SIZE)' with SIZE");
        if (!Number.isSafeInteger(bytes)) throw fail(`expected calloc's N * SIZE below 2^53, ${got}`);
        allocate(bytes);
        break;
      }
      case 'memalign': {
        // `memalign(al A, size N)`, `_ZnwmSt11align_val_t(size N, al A)`, `aligned_alloc(A,N)`.
        const sized = args.find((a) => a.startsWith('size '));
        allocate(
          number(sized !== undefined ? sized.slice(5).trim() : args[args.length - 1], `'${name}(...)' with its size`),
        );
        break;
      }
      case 'realloc': {
        if (args.length !== 2) throw fail(`expected 'realloc(0xOLD,BYTES) = 0xNEW', ${got}`);
        const old = pointer(args[0], "'realloc(P,BYTES)' with P");
        const bytes = number(args[1], "'realloc(P,BYTES)' with BYTES");
        if (addr(old) === null) {
          allocate(bytes); // realloc(NULL, N) = malloc(N)
        } else if (bytes === 0 && (result === null || addr(result[1]) === null)) {
          release(old); // realloc(p, 0) = free(p) (unless --realloc-zero-bytes-frees=no)
        } else {
          if (result === null) throw fail(`expected 'realloc(0xOLD,BYTES) = 0xNEW', ${got}`);
          if (addr(result[1]) === null) break; // failed: the old block stays
          release(old);
          allocate(bytes);
        }
        break;
      }
    }
  }
  if (ops.length === 0) {
    throw new ParseError(
      fileName,
      1,
      sawValgrind
        ? "expected valgrind '--PID-- malloc(N) = 0x...' lines, found none: was valgrind run with --trace-malloc=yes?"
        : "expected valgrind --trace-malloc=yes output ('--PID-- malloc(N) = 0x...' lines), found none",
    );
  }
  return ops;
}
