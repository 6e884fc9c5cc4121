/**
 * glibc mtrace logs (a program calls mtrace(), runs with MALLOC_TRACE=FILE and, on glibc
 * >= 2.34, LD_PRELOAD=libc_malloc_debug.so.0), as malloc/mtrace-impl.c prints them:
 *
 *   = Start
 *   @ ./prog:[0x11e3] + 0x5615251312a0 0x10           alloc 0x10 bytes (also calloc, memalign,
 *   @ /lib/.../libc.so.6:(__strdup+1a)[0x9e9aa] + 0x561525131b20 0x8     posix_memalign, aligned_alloc)
 *   @ ./prog:[0x1214] - 0x5615251314a0                free (free(NULL) is not logged; realloc(p, 0) is a free)
 *   @ ./prog:[0x1225] < 0x5615251312a0                realloc: the old block is freed...
 *   @ ./prog:[0x1225] > 0x561525131900 0x40           ...and the new one allocated
 *   @ ./prog:[0x12e0] + (nil) 0x4000000000000000      a failed request: counted, asked of every allocator
 *   @ ./prog:[0x1225] ! 0x561525131900 0x40           failed realloc: the old block stays
 *   = End
 *
 * `@ CALLER` (optional: glibc omits it when it has no caller) is the call site. Sizes are hex
 * (`0x10`) or `0`. mtrace logs no alignment, so aligned requests replay unaligned. Everything
 * runs on CPU 0 (the log does not name threads). mtrace() starts mid-run, so a free of a block
 * allocated before it is counted, not replayed; an alloc at a live address implies the old
 * block's free. A line that starts like an mtrace line and cannot be read is unreadable.
 */
import { S_BLANK, S_HEADER, S_NOT_EVENT, type OpSink, type TraceReader } from '../import/sink';
import { PtrMap, PtrParser } from '../import/ptr-map';
import { ParseError } from './parse-error';
import type { FormatEvidence, TraceFormat } from './trace-detect';

const LINE = /^(?:@\s+(.*?)\s+)?([-+<>!])\s+(\S+)(?:\s+(\S+))?$/;
const POINTER = /^(0x[0-9a-fA-F]+|\(nil\))$/;
const SIZE = /^(0x[0-9a-fA-F]+|0)$/;
/** What makes a line look like an mtrace event. */
const LOOKS = /^(@ |[-+<>!] )/;

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

export function openMtraceReader(sink: OpSink): TraceReader {
  const live = new PtrMap();
  const pp = new PtrParser();
  /** The `<` half of a realloc just freed its old block: the `>` line completes the realloc. */
  let reallocOpen = false;
  return {
    line(l: string): void {
      const body = l.trim();
      if (body === '') return sink.skip(S_BLANK);
      if (body === '= Start' || body === '= End') return sink.skip(S_HEADER);
      const m = LINE.exec(body);
      if (m === null) {
        if (LOOKS.test(body))
          sink.unreadable("expected '@ CALLER + 0xPTR 0xSIZE', '- 0xPTR', '< 0xPTR' or '> 0xPTR 0xSIZE'");
        else sink.skip(S_NOT_EVENT);
        return;
      }
      const op = m[2];
      const sized = op === '+' || op === '>' || op === '!';
      const ptr = POINTER.test(m[3]) ? pp.parse(m[3]) : -1;
      if (ptr < 0 || sized !== (m[4] !== undefined) || (sized && !SIZE.test(m[4]))) {
        return sink.unreadable(sized ? `expected '${op} 0xPTR 0xSIZE' (SIZE in hex)` : `expected '${op} 0xPTR'`);
      }
      sink.events++;
      const site = sink.site(m[1] ?? '');
      const wasOpen = reallocOpen;
      reallocOpen = false;
      if (op === '!') {
        sink.failed(0, Number(m[4]), 0, site);
        return;
      }
      if (!sized) {
        if (ptr === 0) {
          sink.nullFrees++;
          return;
        }
        const slot = live.delete(pp.hi, pp.lo);
        if (slot < 0) sink.unknownFrees++;
        else sink.free(0, slot, site);
        reallocOpen = op === '<';
        return;
      }
      const bytes = Number(m[4]);
      if (ptr === 0) return sink.failed(0, bytes, 0, site);
      if (op === '>' && wasOpen) sink.reallocs++;
      const old = live.get(pp.hi, pp.lo);
      if (old >= 0) sink.free(0, old, 0, true);
      live.set(pp.hi, pp.lo, sink.alloc(0, bytes, 0, site));
    },
    end(): void {
      if (sink.events > 0 || sink.unreadableCount > 0) return;
      throw new ParseError(sink.fileName, 1, "expected mtrace lines ('@ CALLER + 0xPTR 0xSIZE'), found no allocation");
    },
  };
}

export const MTRACE: TraceFormat = {
  name: 'mtrace',
  label: 'glibc mtrace log',
  description: 'glibc mtrace log: = Start / @ CALLER + 0xPTR 0xSIZE / - 0xPTR / < 0xOLD > 0xNEW 0xSIZE',
  sniff: sniffMtrace,
  open: openMtraceReader,
};
