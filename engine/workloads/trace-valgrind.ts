/**
 * `valgrind --trace-malloc=yes PROGRAM` output (valgrind writes it to stderr), as
 * valgrind 3.x prints it (coregrind/m_replacemalloc/vg_replace_malloc.c, MALLOC_TRACE):
 *
 *   ==6793== Memcheck, a memory error detector       valgrind's messages: skipped (the banner starts a process)
 *   ==6793== Command: ls                             ... and names its command
 *   --6793-- malloc(472) = 0x4B08040                 alloc 472 bytes at 0x4B08040
 *   --6793-- calloc(4,25) = 0x4B08260                alloc 4 * 25 bytes
 *   --6793-- realloc(0x4B08040,2048) = 0x4B0A4D0     free the old block, alloc the new
 *   --6793-- realloc(0x0,1600)malloc(1600) = 0x...   realloc(NULL, N) = malloc(N)
 *   --6793-- realloc(0x4B0A4D0,0)free(0x4B0A4D0)     realloc(p, 0) = free(p); its ` = 0` follows
 *   --6793-- memalign(al 64, size 100) = 0x4B0B000   also posix_memalign and aligned_alloc: aligned
 *   --6793-- _Znwm(24) = 0x4B0B100                   operator new (mangled), new[], aligned new
 *   --6793-- free(0x4B08260)                         also cfree, delete (_ZdlPv...), delete[] (_ZdaPv...)
 *   --6793-- free(0x0)                               free(NULL): counted
 *   hello                                            the program's own output: skipped
 *
 * What real logs add, and how it is read:
 * - valgrind prints a call and its result in two pieces, so anything written in between lands
 *   mid-line: its own warnings (`--19748-- malloc(419624928)Warning: set address range perms:
 *   ...` then `--19748--  = 0x4EA0040`), Memcheck's error reports (`realloc(0x4A40040,64)Invalid
 *   free() / ...`, the report, then ` = 0x0`), and with --trace-children=yes other processes'
 *   lines (`--6538-- malloc(5)--6539-- free(0x4A40040)`, then a bare ` = 0x4A40040`). A line
 *   is split where a `--PID--` or `==PID==` starts; a call without its result waits for it
 *   (a bare ` = X` completes the call another process's line cut, else the oldest waiting).
 * - One address space per process. A PID first seen in a trace line without valgrind's banner
 *   is a forked child: its heap starts as a copy of its parent's live set (the parent valgrind
 *   names with `Parent PID:`, else the process that most recently ran an exec'd image); a free
 *   of an inherited block is counted, not replayed (the parent's copy stays live). A banner's
 *   `Command:` line in a process that already traced replaces its heap (exec): its blocks get
 *   implied frees.
 * - A free of an address not live in its process is counted (a block from before the trace, or
 *   a double free Memcheck reported); an alloc at a live address implies the old block's free.
 * - A call whose arguments or result cannot be read (an error report cut it) is unreadable.
 * Valgrind serialises threads and these lines do not name them: everything runs on CPU 0.
 */
import { S_BLANK, S_OTHER_CALL, S_OUTPUT, S_VALGRIND, type OpSink, type TraceReader } from '../import/sink';
import type { ProcessSummary } from '../import/summary';
import { INHERITED, PtrMap, PtrParser } from '../import/ptr-map';
import { decimal, detach } from '../import/text';
import { ParseError } from './parse-error';
import type { FormatEvidence, TraceFormat } from './trace-detect';

/** Where a `--PID--` or `==PID==` starts in a line. */
const PREFIX = /(--|==)(\d+)\1/g;
/** A call: `name(args)`, then whatever follows. */
const CALL = /^([A-Za-z_][\w[\]]*)\(([^()]*)\)(.*)$/;
/** A result: ` = 0x...` (or ` = 0`). */
const RESULT = /^\s*=\s*(\S+)\s*$/;
/** The first line of valgrind's banner in a process (any tool). */
const BANNER = /^\w+, (a|an|the) /;

const FREES = new Set(['free', 'cfree', '__builtin_delete', '__builtin_vec_delete', 'delete', 'delete[]']);
const MALLOCS = new Set(['malloc', '__builtin_new', '__builtin_vec_new', 'new', 'new[]', 'valloc', 'pvalloc']);
const MEMALIGNS = new Set(['memalign', 'posix_memalign', 'aligned_alloc']);

const K_MALLOC = 1,
  K_CALLOC = 2,
  K_REALLOC = 3,
  K_MEMALIGN = 4,
  K_FREE = 5;

/** What a function name does; 0 for names we skip. C++ operators come mangled. */
function kindOf(name: string): number {
  if (FREES.has(name) || name.startsWith('_ZdlPv') || name.startsWith('_ZdaPv')) return K_FREE;
  if (name.startsWith('_Znwm') || name.startsWith('_Znam') || name.startsWith('_Znwj') || name.startsWith('_Znaj')) {
    // Aligned operator new prints `(size N, al A)`: a memalign with named arguments.
    return name.includes('align_val_t') ? K_MEMALIGN : K_MALLOC;
  }
  if (MALLOCS.has(name)) return K_MALLOC;
  if (MEMALIGNS.has(name)) return K_MEMALIGN;
  if (name === 'calloc') return K_CALLOC;
  if (name === 'realloc') return K_REALLOC;
  return 0;
}

/** Events: `--PID-- CALL(...)` lines of an allocation function; others: valgrind's other lines. */
export function sniffValgrind(lines: readonly string[]): FormatEvidence {
  let events = 0;
  let others = 0;
  for (const l of lines) {
    const p = /^(--|==)\d+\1 ?(.*)$/.exec(l);
    if (p === null) continue;
    const c = p[1] === '--' ? CALL.exec(p[2].trim()) : null;
    if (c !== null && kindOf(c[1]) !== 0) events++;
    else others++;
  }
  return { events, others };
}

/** A process's heap: address -> slot, or INHERITED for a block inherited at fork. */
interface Space {
  live: PtrMap;
  stats: ProcessSummary;
}

/** A call waiting for its result. */
interface Pending {
  pid: number;
  kind: number;
  name: string;
  bytes: number;
  align: number;
  /** realloc: the old block's address (oldState 1), or NULL (0). */
  oldHi: number;
  oldLo: number;
  oldState: number;
  line: number;
  text: string;
  /** Another process's line cut this one: a bare result most likely completes it. */
  cut: boolean;
  /** realloc(p, 0) already freed p: its ` = 0` is only consumed. */
  done: boolean;
}

/** log2 of a power-of-two alignment, else 0 (none asked). */
const log2 = (a: number): number => (a > 0 && (a & (a - 1)) === 0 ? 31 - Math.clz32(a) : 0);

export function openValgrindReader(sink: OpSink): TraceReader {
  const spaces = new Map<number, Space>();
  const processList: ProcessSummary[] = [];
  const bannered = new Set<number>();
  const parentOf = new Map<number, number>();
  const pending = new Map<number, Pending>();
  let lastImage = -1;
  let lastActive = -1;
  let sawValgrind = false;
  const pp = new PtrParser();

  const newSpace = (pid: number, command: string | null, from: Space | null): Space => {
    const stats: ProcessSummary = {
      pid,
      command,
      forkedFrom: from ? from.stats.pid : null,
      allocations: 0,
      frees: 0,
      bytesRequested: 0,
      failedAllocations: 0,
      unknownFrees: 0,
      inheritedFrees: 0,
    };
    processList.push(stats);
    const sp = { live: from ? from.live.copyAs(INHERITED) : new PtrMap(), stats };
    spaces.set(pid, sp);
    return sp;
  };

  const spaceOf = (pid: number): Space => {
    let sp = spaces.get(pid);
    if (sp === undefined) {
      const parent = spaces.get(parentOf.get(pid) ?? (lastImage >= 0 ? lastImage : lastActive)) ?? null;
      sp = newSpace(pid, null, bannered.has(pid) ? null : parent);
    }
    lastActive = pid;
    if (sp.stats.command !== null) lastImage = pid;
    return sp;
  };

  /** `Command:` in a process: a new image; a process that traced before gets a fresh heap (exec). */
  const exec = (pid: number, command: string): void => {
    const old = spaces.get(pid);
    if (old) old.live.forEachValue((slot) => slot !== INHERITED && sink.free(0, slot, 0, true));
    newSpace(pid, command, null);
    lastImage = pid;
  };

  /** The free of the block at (hi, lo); state 0 is NULL. */
  const release = (sp: Space, state: number, hi: number, lo: number): void => {
    if (state === 0) {
      sink.nullFrees++;
      return;
    }
    const slot = sp.live.delete(hi, lo);
    if (slot < 0) {
      sink.unknownFrees++;
      sp.stats.unknownFrees++;
      return;
    }
    if (slot === INHERITED) {
      sink.inheritedFrees++;
      sp.stats.inheritedFrees++;
      return;
    }
    sink.free(0, slot);
    sp.stats.frees++;
  };

  const allocAt = (sp: Space, hi: number, lo: number, bytes: number, align: number): void => {
    const old = sp.live.get(hi, lo);
    if (old >= 0 && old !== INHERITED) sink.free(0, old, 0, true);
    sp.live.set(hi, lo, sink.alloc(0, bytes, align));
    sp.stats.allocations++;
    sp.stats.bytesRequested += bytes;
  };

  /** A call with its result (a 0x... address, or 0 / (nil) for NULL). */
  const complete = (p: Pending, result: string): void => {
    if (p.done) return;
    const sp = spaceOf(p.pid);
    const got = pp.parse(result);
    if (got < 0) return sink.unreadable(`${p.name}(...) = ${result}: not an address`, p.line, p.text);
    const [hi, lo] = [pp.hi, pp.lo];
    sink.events++;
    if (p.kind === K_REALLOC) {
      if (got === 0) {
        // Failed: the old block stays (unless it was not live: Memcheck's invalid realloc).
        if (p.oldState === 1 && sp.live.get(p.oldHi, p.oldLo) < 0) {
          sink.unknownFrees++;
          sp.stats.unknownFrees++;
        }
        sink.failed(0, p.bytes, p.align);
        sp.stats.failedAllocations++;
        return;
      }
      release(sp, p.oldState, p.oldHi, p.oldLo);
      sink.reallocs++;
      return allocAt(sp, hi, lo, p.bytes, p.align);
    }
    if (got === 0) {
      sink.failed(0, p.bytes, p.align);
      sp.stats.failedAllocations++;
      return;
    }
    allocAt(sp, hi, lo, p.bytes, p.align);
  };

  const pickForBareResult = (): Pending | undefined => {
    let first: Pending | undefined;
    for (const p of pending.values()) {
      if (p.cut) return p;
      first ??= p;
    }
    return first;
  };

  const result = (pid: number, value: string): void => {
    const p = pid >= 0 ? pending.get(pid) : pickForBareResult();
    if (p === undefined) {
      // realloc(p, 0)'s ` = 0` whose call is long done, or a stray value.
      if (value === '0') return sink.skip(S_VALGRIND);
      return sink.unreadable(`a result (= ${value}) with no call waiting for it`);
    }
    pending.delete(p.pid);
    complete(p, value);
  };

  /** One `--PID-- ...` piece: a call, a result, or another message. */
  const trace = (pid: number, body: string, cut: boolean, line: string): void => {
    const t = body.trim();
    const c = CALL.exec(t);
    if (c === null) {
      const r = RESULT.exec(t);
      if (r !== null) return result(pid, r[1]);
      return sink.skip(S_VALGRIND);
    }
    let kind = kindOf(c[1]);
    if (kind === 0) return sink.skip(S_OTHER_CALL);
    const sp = spaceOf(pid);
    sink.pids.add(pid);
    const waiting = pending.get(pid);
    if (waiting !== undefined) {
      pending.delete(pid);
      if (!waiting.done) sink.unreadable(`${waiting.name}(...) without its result`, waiting.line, waiting.text);
    }
    let [name, args, rest] = [c[1], c[2], c[3]];
    let [oldState, oldHi, oldLo] = [0, 0, 0];
    if (kind === K_REALLOC) {
      const [p, n] = args.split(',').map((a) => a.trim());
      const state = p === undefined || p === '' ? -1 : pp.parse(p);
      if (state < 0 || Number.isNaN(decimal(n))) {
        return sink.unreadable(`realloc(${args}): expected 'realloc(0xOLD,BYTES)'`);
      }
      const nested = CALL.exec(rest);
      if (nested !== null && kindOf(nested[1]) === K_FREE) {
        // realloc(p, 0) = free(p); valgrind then prints ` = 0`, consumed by a done call.
        sink.events++;
        release(sp, state, pp.hi, pp.lo);
        pending.set(pid, { ...NO_CALL, pid, name, line: sink.lineNo, text: line, done: true });
        return;
      }
      if (state === 0) {
        // realloc(NULL, N) = malloc(N): valgrind prints the malloc it calls after it.
        kind = K_MALLOC;
        if (nested !== null && kindOf(nested[1]) === K_MALLOC) [name, args, rest] = [nested[1], nested[2], nested[3]];
        else args = n;
      } else [oldState, oldHi, oldLo] = [1, pp.hi, pp.lo];
    }
    const parts = args.split(',').map((a) => a.trim());
    if (kind === K_FREE) {
      const state = parts.length === 1 && parts[0] !== '' ? pp.parse(parts[0]) : -1;
      if (state < 0) return sink.unreadable(`${name}(${args}): expected '${name}(0xADDRESS)'`);
      sink.events++;
      return release(sp, state, pp.hi, pp.lo);
    }
    let bytes: number;
    let align = 0;
    if (kind === K_CALLOC) {
      bytes = parts.length === 2 ? decimal(parts[0]) * decimal(parts[1]) : NaN;
    } else if (kind === K_MEMALIGN) {
      // `memalign(al 64, size 100)` (also posix_memalign, aligned_alloc), `_ZnwmSt11align_val_t(size 48, al 32)`.
      const sized = parts.find((a) => a.startsWith('size '));
      const al = parts.find((a) => a.startsWith('al '));
      bytes = decimal(sized !== undefined ? sized.slice(5) : parts[parts.length - 1]);
      align = log2(decimal(al !== undefined ? al.slice(3) : parts[0]));
    } else bytes = kind === K_REALLOC ? decimal(parts[1]) : parts.length === 1 ? decimal(parts[0]) : NaN;
    if (Number.isNaN(bytes)) return sink.unreadable(`${name}(${args}): the size is not a number`);
    const call: Pending = {
      pid,
      kind,
      name,
      bytes,
      align,
      oldHi,
      oldLo,
      oldState,
      line: sink.lineNo,
      text: line,
      cut,
      done: false,
    };
    const r = RESULT.exec(rest);
    if (r !== null) return complete(call, r[1]);
    pending.set(pid, call); // the result comes later (a warning, an error report or another process cut in)
  };

  /** One `==PID== ...` piece: the banner and `Command:` start a process image; the rest is skipped. */
  const message = (pid: number, body: string): void => {
    const t = body.trim();
    if (BANNER.test(t)) bannered.add(pid);
    else if (t.startsWith('Command: ')) exec(pid, detach(t.slice(9)));
    else if (t.startsWith('Parent PID: ')) parentOf.set(pid, Number(t.slice(12)));
    sink.skip(S_VALGRIND);
  };

  return {
    line(l: string): void {
      PREFIX.lastIndex = 0;
      let m = PREFIX.exec(l);
      if (m === null) {
        const t = l.trim();
        if (t === '') return sink.skip(S_BLANK);
        const r = t.charCodeAt(0) === 61 ? RESULT.exec(t) : null;
        if (r !== null) return result(-1, r[1]);
        return sink.skip(S_OUTPUT);
      }
      sawValgrind = true;
      // Pieces: from each prefix to the next one (a line two processes wrote into).
      while (m !== null) {
        const mark = m[1];
        const pid = Number(m[2]);
        const start = m.index + m[0].length;
        const next = PREFIX.exec(l);
        const body = l.slice(start, next === null ? l.length : next.index);
        if (mark === '==') message(pid, body);
        else trace(pid, body, next !== null, l);
        m = next;
      }
    },
    end(): void {
      for (const p of pending.values()) {
        if (!p.done) sink.unreadable(`${p.name}(...) without its result (the log ends)`, p.line, p.text);
      }
      pending.clear();
      if (sink.events > 0 || sink.unreadableCount > 0) return;
      throw new ParseError(
        sink.fileName,
        1,
        sawValgrind
          ? "expected valgrind '--PID-- malloc(N) = 0x...' lines, found none: was valgrind run with --trace-malloc=yes?"
          : "expected valgrind --trace-malloc=yes output ('--PID-- malloc(N) = 0x...' lines), found none",
      );
    },
    processes: () => processList,
  };
}

const NO_CALL: Omit<Pending, 'pid' | 'name' | 'line' | 'text' | 'done'> = {
  kind: 0,
  bytes: 0,
  align: 0,
  oldHi: 0,
  oldLo: 0,
  oldState: 0,
  cut: false,
};

export const VALGRIND: TraceFormat = {
  name: 'valgrind',
  label: 'valgrind --trace-malloc=yes',
  description:
    'valgrind --trace-malloc=yes output: --PID-- malloc(N) = 0xADDR / free(0xADDR) / calloc / realloc / memalign / new / delete; --trace-children=yes logs too',
  sniff: sniffValgrind,
  open: openValgrindReader,
};
