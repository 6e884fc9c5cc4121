import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWorkload } from './generators';
import { OpFileError, formatOpFile } from './opfile';
import { replayStream } from './replay';
import { ParseError } from './parse-error';
import { drive, parseErrorOf, toDense } from './test-util';
import { parseTrace } from './trace';
import type { Op } from './types';

/** An op file's ops, named by dense ids (engine/workloads/trace.ts). */
const parseOpFile = (text: string, file: string, cpus?: number): Op[] => parseTrace(text, file, cpus, 'ops').ops;

/** The error parseOpFile throws for `text` (fails the test if none). */
const errorOf = (text: string, cpus?: number): OpFileError =>
  parseErrorOf(() => parseOpFile(text, 'ops.txt', cpus), OpFileError);

describe('parseOpFile', () => {
  it('parses ops, comments, blank lines, CRLF and cpu switches; ids become dense', () => {
    const text = [
      '# a comment',
      '',
      'a 100 120   # trailing comment',
      '  a 7\t200',
      'cpu 2',
      'a 42 70',
      'f 100',
      'cpu 0',
      'm 7',
      'f 42',
      'u 7',
      'f 7',
    ].join('\r\n');
    expect(parseOpFile(text, 'ops.txt', 4)).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 120 },
      { kind: 'alloc', cpu: 0, id: 1, bytes: 200 },
      { kind: 'alloc', cpu: 2, id: 2, bytes: 70 },
      { kind: 'free', cpu: 2, id: 0, bytes: 0 },
      { kind: 'map', cpu: 0, id: 1, bytes: 0 },
      { kind: 'free', cpu: 0, id: 2, bytes: 0 },
      { kind: 'unmap', cpu: 0, id: 1, bytes: 0 },
      { kind: 'free', cpu: 0, id: 1, bytes: 0 },
    ]);
  });

  it.each<[string, string]>([
    ['', 'the file is empty or has only comments'],
    ['# a comment\n\n  # another\n', 'the file is empty or has only comments'],
    ['cpu 1\n# nothing else\n', "the file has only 'cpu N' lines and comments"],
  ])('refuses %j: no allocation events found', (text, why) => {
    expect(() => parseOpFile(text, 'ops.txt', 4)).toThrow(`ops.txt:1: no allocation events found (${why})`);
  });

  it('gives an ID reused after its free a new dense id', () => {
    expect(parseOpFile('a 5 10\nf 5\na 5 20\nf 5\n', 'ops.txt').map((op) => op.id)).toEqual([0, 0, 1, 1]);
  });

  it('accepts unmap after free while mapped (the postponed free of the zero-copy sniffer)', () => {
    expect(parseOpFile('a 1 64\nm 1\nf 1\nu 1\na 1 32\n', 'ops.txt').map((op) => `${op.kind}${op.id}`)).toEqual([
      'alloc0',
      'map0',
      'free0',
      'unmap0',
      'alloc1',
    ]);
  });

  it.each<[string, string, number | undefined, string]>([
    [
      'unknown verb',
      'a 1 10\nx 1\n',
      undefined,
      "ops.txt:2: expected one of 'a ID BYTES', 'f ID', 'm ID', 'u ID', 'cpu N' or a # comment, got 'x 1'",
    ],
    [
      'verb from Object.prototype',
      'constructor 1\n',
      undefined,
      "ops.txt:1: expected one of 'a ID BYTES', 'f ID', 'm ID', 'u ID', 'cpu N' or a # comment, got 'constructor 1'",
    ],
    ['too few args', '\n\na 1\n', undefined, "ops.txt:3: expected 'a ID BYTES' (2 arguments after 'a'), got 'a 1'"],
    ['too many args', 'a 1 10\nf 1 10\n', undefined, "ops.txt:2: expected 'f ID' (1 argument after 'f'), got 'f 1 10'"],
    ['cpu without N', 'cpu\n', undefined, "ops.txt:1: expected 'cpu N' (1 argument after 'cpu'), got 'cpu'"],
    [
      'negative id',
      'a -1 10\n',
      undefined,
      "ops.txt:1: expected 'a ID BYTES' with ID a non-negative integer, got 'a -1 10'",
    ],
    [
      'non-integer bytes',
      'a 1 1.5\n',
      undefined,
      "ops.txt:1: expected 'a ID BYTES' with BYTES a non-negative integer, got 'a 1 1.5'",
    ],
    [
      'hex id',
      'a 0x10 5\n',
      undefined,
      "ops.txt:1: expected 'a ID BYTES' with ID a non-negative integer, got 'a 0x10 5'",
    ],
    [
      'huge number',
      'a 99999999999999999999 5\n',
      undefined,
      "ops.txt:1: expected 'a ID BYTES' with ID a non-negative integer, got 'a 99999999999999999999 5'",
    ],
    ['zero bytes', 'a 1 0\n', undefined, "ops.txt:1: expected 'a ID BYTES' with BYTES >= 1, got 'a 1 0'"],
    [
      'free of a never allocated id',
      '# x\na 1 10\n\n\n\n\nf 99\n',
      undefined,
      "ops.txt:7: expected 'f ID' with ID of a live allocation, got 'f 99' (ID 99 was never allocated)",
    ],
    [
      'double free',
      'a 1 10\nf 1\nf 1\n',
      undefined,
      "ops.txt:3: expected 'f ID' with ID of a live allocation, got 'f 1' (ID 1 was freed on line 2)",
    ],
    [
      'map of a freed id',
      'a 1 10\nf 1\nm 1\n',
      undefined,
      "ops.txt:3: expected 'm ID' with ID of a live allocation, got 'm 1' (ID 1 was freed on line 2)",
    ],
    [
      'map of a mapped id',
      'a 1 10\nm 1\nm 1\n',
      undefined,
      "ops.txt:3: expected 'm ID' with ID of an unmapped allocation, got 'm 1' (ID 1 is mapped since line 2)",
    ],
    [
      'unmap of a never allocated id',
      'u 3\n',
      undefined,
      "ops.txt:1: expected 'u ID' with ID of a mapped allocation, got 'u 3' (ID 3 was never allocated)",
    ],
    [
      'unmap of an unmapped id',
      'a 3 8\nu 3\n',
      undefined,
      "ops.txt:2: expected 'u ID' with ID of a mapped allocation, got 'u 3' (ID 3 is not mapped)",
    ],
    [
      'unmap of a freed, unmapped id',
      'a 3 8\nm 3\nu 3\nf 3\nu 3\n',
      undefined,
      "ops.txt:5: expected 'u ID' with ID of a mapped allocation, got 'u 3' (ID 3 is not mapped)",
    ],
    [
      'alloc of a live id',
      'a 3 8\na 4 8\na 3 16\n',
      undefined,
      "ops.txt:3: expected 'a ID BYTES' with an ID that is not live, got 'a 3 16' (ID 3 is live since line 1 and not freed)",
    ],
    [
      'alloc of a freed but still mapped id',
      'a 3 8\nm 3\nf 3\na 3 16\n',
      undefined,
      "ops.txt:4: expected 'a ID BYTES' with an ID that is not still mapped, got 'a 3 16' (ID 3 was freed on line 3 but is mapped since line 2; unmap it first)",
    ],
    ['negative cpu', 'cpu -1\n', undefined, "ops.txt:1: expected 'cpu N' with N a non-negative integer, got 'cpu -1'"],
  ])('rejects %s with file:line', (_what, text, cpus, message) => {
    const e = errorOf(text, cpus);
    expect(e.message).toBe(message);
    expect(e.file).toBe('ops.txt');
    expect(e.line).toBe(Number(message.split(':')[1]));
    expect(e).toBeInstanceOf(ParseError);
    expect(e.name).toBe('OpFileError');
  });

  it.each<[string, string, number, string]>([
    [
      'an op on a CPU >= cpus',
      'a 1 10\ncpu 4\na 2 8\ncpu 6\na 3 8\n',
      4,
      "ops.txt:3: event on CPU 4, but there are 4 CPUs: the trace uses CPUs 0 to 6, run with --cpus 7, got 'a 2 8'",
    ],
    [
      'an op on a CPU >= cpus (one CPU)',
      'cpu 1\na 1 8\n',
      1,
      "ops.txt:2: event on CPU 1, but there is 1 CPU: the trace uses CPUs 0 to 1, run with --cpus 2, got 'a 1 8'",
    ],
    [
      'an op on a CPU Fragscope cannot model',
      'cpu 99\na 1 1\n',
      128,
      "ops.txt:2: event on CPU 99: Fragscope models at most 64 CPUs (0 to 63), got 'a 1 1'",
    ],
  ])('rejects %s with file:line', (_what, text, cpus, message) => {
    const e = parseErrorOf(() => parseOpFile(text, 'ops.txt', cpus), ParseError);
    expect(e.message).toBe(message);
  });

  it('accepts any cpu below 64 when cpus is not given, and shortens long lines in messages', () => {
    expect(parseOpFile('cpu 63\na 1 1\n', 'ops.txt')[0].cpu).toBe(63);
    const e = errorOf(`bogus ${'x'.repeat(200)}\n`);
    expect(e.message.length).toBeLessThan(200);
    expect(e.message).toMatch(/got 'bogus x+\.\.\.'$/);
  });
});

/** Valid op sequences: dense alloc ids in order, frees/maps/unmaps only where legal. */
const validOps = fc
  .array(fc.tuple(fc.nat(5), fc.nat(1000), fc.integer({ min: 1, max: 100000 }), fc.nat(3)), {
    minLength: 1,
    maxLength: 200,
  })
  .map((steps) => {
    const ops: Op[] = [];
    const live: number[] = [];
    const mapped = new Set<number>();
    let next = 0;
    for (const [choice, pick, bytes, cpu] of steps) {
      const any = live.length > 0 ? live[pick % live.length] : -1;
      if (choice <= 1 || any < 0) {
        ops.push({ kind: 'alloc', cpu, id: next, bytes });
        live.push(next++);
      } else if (choice === 2 || choice === 3) {
        ops.push({ kind: 'free', cpu, id: any, bytes: 0 });
        live.splice(live.indexOf(any), 1);
      } else if (choice === 4 && !mapped.has(any)) {
        ops.push({ kind: 'map', cpu, id: any, bytes: 0 });
        mapped.add(any);
      } else if (mapped.size > 0) {
        const m = [...mapped][pick % mapped.size];
        ops.push({ kind: 'unmap', cpu, id: m, bytes: 0 });
        mapped.delete(m);
      }
    }
    return ops;
  });

describe('formatOpFile', () => {
  it('round-trips: parseOpFile(formatOpFile(ops)) equals ops', () => {
    fc.assert(
      fc.property(validOps, (ops) => {
        expect(parseOpFile(formatOpFile(ops), 'rt.txt', 4)).toEqual(ops);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips a generated workload', () => {
    const ops = drive(createWorkload('seed-stress', { seed: 1, cpus: 3, ops: 2000, liveLimit: 50 }), 1e6).ops;
    const text = formatOpFile(ops);
    expect(text.startsWith('# Fragscope op file')).toBe(true);
    expect(parseOpFile(text, 'rt.txt', 3)).toEqual(toDense(ops));
  });

  it('writes cpu lines only on a change', () => {
    expect(
      formatOpFile(
        [
          { kind: 'alloc', cpu: 0, id: 0, bytes: 8 },
          { kind: 'alloc', cpu: 1, id: 1, bytes: 9 },
          { kind: 'free', cpu: 1, id: 0, bytes: 0 },
          { kind: 'map', cpu: 0, id: 1, bytes: 0 },
        ],
        '',
      ),
    ).toBe('a 0 8\ncpu 1\na 1 9\nf 0\ncpu 0\nm 1\n');
  });
});

describe('replayStream of an op file', () => {
  it('replays the ops in order, whatever the allocator answers; honours limit', () => {
    const ops = parseOpFile('a 1 10\na 2 20\nf 1\nf 2\n', 'ops.txt');
    expect(toDense(drive(replayStream('ops.txt', ops), 100, () => -3).ops)).toEqual(ops);
    expect(drive(replayStream('x', ops, 3), 100).ops).toHaveLength(3);
  });
});
