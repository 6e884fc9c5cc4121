/**
 * The plain op file: Fragscope's own replay format.
 *
 *   # comment (also after an op: `a 1 64  # header`)
 *   cpu 1        following ops run on CPU 1 (CPU 0 until the first `cpu` line)
 *   a 7 1500     allocate 1500 bytes under id 7
 *   m 7          map id 7 to user space (zero-copy sniffer)
 *   f 7          free id 7 (postponed by the allocator while mapped)
 *   u 7          unmap id 7 (a postponed free then really happens)
 *
 * Whitespace-separated, blank lines ignored. IDs are any non-negative integers; an
 * ID reused after its free names a new allocation. The whole file is checked before
 * anything runs and the first error is thrown as an OpFileError naming file:line.
 *
 * Zero-copy: `u ID` is valid while ID is mapped, even after `f ID` (that is the
 * postponed free of docs/models.md 1.7). An ID cannot be allocated again while its
 * previous allocation is still mapped, as `u ID` would then be ambiguous.
 */
import { S_BLANK, S_COMMENT, type OpSink, type TraceReader } from '../import/sink';
import { ParseError, excerpt, noAllocationsError } from './parse-error';
import type { FormatEvidence, TraceFormat } from './trace-detect';
import type { Op, OpKind } from './types';

export class OpFileError extends ParseError {
  constructor(file: string, line: number, detail: string) {
    super(file, line, detail);
    this.name = 'OpFileError';
  }
}

const FORMS: Readonly<Record<string, string>> = {
  a: "'a ID BYTES'",
  f: "'f ID'",
  m: "'m ID'",
  u: "'u ID'",
  cpu: "'cpu N'",
};
const ARGS: Readonly<Record<string, readonly string[]>> = {
  a: ['ID', 'BYTES'],
  f: ['ID'],
  m: ['ID'],
  u: ['ID'],
  cpu: ['N'],
};
// Page-level events (traces of mm_page_alloc/mm_page_free) have no op-file verb yet.
const VERB: Readonly<Partial<Record<OpKind, string>>> = { alloc: 'a', free: 'f', map: 'm', unmap: 'u' };

/** What the parser knows about the latest allocation made under one file ID. */
interface Entry {
  slot: number;
  allocLine: number;
  /** Line of its free, or 0 while live. */
  freeLine: number;
  /** Line of the map call while mapped, else 0. */
  mapLine: number;
}

/** An op line, with an optional trailing comment (the window's lines are trimmed, comment lines gone). */
const OP_LINE = /^(a\s+\d+\s+\d+|[fmu]\s+\d+|cpu\s+\d+)\s*(#.*)?$/;

/** Every op line is an event; a bare number line is never an op file's (it starts a malloc-lab header). */
export function sniffOpFile(lines: readonly string[]): FormatEvidence {
  if (lines.some((l) => /^\d+$/.test(l))) return { events: 0, others: 0 };
  return { events: lines.filter((l) => OP_LINE.test(l)).length, others: 0 };
}

/**
 * A reader of op files. The op file is Fragscope's own format, written by Fragscope or by
 * hand, never with a tool's noise in it: every line that is not an op, a `cpu N` line or a
 * comment is an OpFileError naming file:line, as is an op on an ID in the wrong state.
 */
export function openOpFileReader(sink: OpSink): TraceReader {
  const entries = new Map<number, Entry>();
  let cpu = 0;
  let sawCpu = false;
  return {
    line(l: string, lineNo: number): void {
      const hash = l.indexOf('#');
      const body = (hash >= 0 ? l.slice(0, hash) : l).trim();
      if (body === '') return sink.skip(hash >= 0 ? S_COMMENT : S_BLANK);
      const tokens = body.split(/\s+/);
      const verb = tokens[0];
      const got = `got '${excerpt(body)}'`;
      const fail = (detail: string): OpFileError => new OpFileError(sink.fileName, lineNo, detail);
      // hasOwn: a verb like 'constructor' must not find Object.prototype members.
      const form = Object.hasOwn(FORMS, verb) ? FORMS[verb] : undefined;
      const argNames = Object.hasOwn(ARGS, verb) ? ARGS[verb] : undefined;
      if (form === undefined || argNames === undefined) {
        throw fail(`expected one of ${Object.values(FORMS).join(', ')} or a # comment, ${got}`);
      }
      if (tokens.length - 1 !== argNames.length) {
        const n = argNames.length;
        throw fail(`expected ${form} (${n} argument${n === 1 ? '' : 's'} after '${verb}'), ${got}`);
      }
      const nums = argNames.map((argName, j) => {
        const t = tokens[j + 1];
        const v = /^\d+$/.test(t) ? Number(t) : NaN;
        if (!Number.isSafeInteger(v)) throw fail(`expected ${form} with ${argName} a non-negative integer, ${got}`);
        return v;
      });
      const [id, bytes] = nums as [number, number];

      if (verb === 'cpu') {
        cpu = id;
        sawCpu = true;
        return;
      }

      const entry = entries.get(id);
      const history = (): string =>
        entry === undefined
          ? `ID ${id} was never allocated`
          : entry.freeLine > 0
            ? `ID ${id} was freed on line ${entry.freeLine}`
            : `ID ${id} is live since line ${entry.allocLine}`;

      switch (verb) {
        case 'a':
          if (bytes < 1) throw fail(`expected 'a ID BYTES' with BYTES >= 1, ${got}`);
          if (entry !== undefined && entry.freeLine === 0) {
            throw fail(`expected 'a ID BYTES' with an ID that is not live, ${got} (${history()} and not freed)`);
          }
          if (entry !== undefined && entry.mapLine > 0) {
            throw fail(
              `expected 'a ID BYTES' with an ID that is not still mapped, ${got} (ID ${id} was freed on line ${entry.freeLine} but is mapped since line ${entry.mapLine}; unmap it first)`,
            );
          }
          sink.events++;
          entries.set(id, { slot: sink.alloc(cpu, bytes), allocLine: lineNo, freeLine: 0, mapLine: 0 });
          return;
        case 'f':
        case 'm':
          if (entry === undefined || entry.freeLine > 0) {
            throw fail(`expected ${form} with ID of a live allocation, ${got} (${history()})`);
          }
          if (verb === 'm' && entry.mapLine > 0) {
            throw fail(
              `expected 'm ID' with ID of an unmapped allocation, ${got} (ID ${id} is mapped since line ${entry.mapLine})`,
            );
          }
          sink.events++;
          if (verb === 'f') {
            entry.freeLine = lineNo;
            sink.free(cpu, entry.slot);
          } else {
            entry.mapLine = lineNo;
            sink.map(cpu, entry.slot);
          }
          return;
        case 'u':
          if (entry === undefined || entry.mapLine === 0) {
            throw fail(
              `expected 'u ID' with ID of a mapped allocation, ${got} (${entry === undefined ? history() : `ID ${id} is not mapped`})`,
            );
          }
          sink.events++;
          entry.mapLine = 0;
          sink.unmap(cpu, entry.slot);
          return;
      }
    },
    end(): void {
      if (sink.events === 0) {
        throw noAllocationsError(sink.fileName, sawCpu ? "the file has only 'cpu N' lines and comments" : undefined);
      }
    },
  };
}

export const OPFILE: TraceFormat = {
  name: 'ops',
  label: 'Fragscope op file',
  description: 'Fragscope op file: a ID BYTES / f ID / m ID / u ID / cpu N / # comments',
  sniff: sniffOpFile,
  open: openOpFileReader,
};

/**
 * Write ops as an op file. A `cpu N` line precedes each change of CPU. Parsing the
 * output gives back `ops` exactly when their alloc ids are 0, 1, 2, ... in order
 * (as every generator and parser here produces).
 */
export function formatOpFile(
  ops: readonly Op[],
  header = 'Fragscope op file: a ID BYTES | f ID | m ID | u ID | cpu N',
): string {
  const out: string[] = [];
  if (header !== '') for (const h of header.split('\n')) out.push(`# ${h}`);
  let cpu = 0;
  for (const op of ops) {
    if (op.cpu !== cpu) {
      out.push(`cpu ${op.cpu}`);
      cpu = op.cpu;
    }
    const verb = VERB[op.kind];
    if (verb === undefined) throw new Error(`an op file cannot hold ${op.kind} ops`);
    out.push(op.kind === 'alloc' ? `a ${op.id} ${op.bytes}` : `${verb} ${op.id}`);
  }
  return out.join('\n') + '\n';
}
