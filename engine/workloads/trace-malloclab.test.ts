import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importText } from '../import/import';
import { ParseError } from './parse-error';
import { replayStream } from './replay';
import { drive, parseErrorOf, toDense } from './test-util';
import { parseTrace } from './trace';
import { sniffMalloclab } from './trace-malloclab';

const read = (name: string): string => readFileSync(new URL(`../data/traces/${name}`, import.meta.url), 'utf8');
const parse = (text: string) => parseTrace(text, 't.rep', undefined, 'malloclab');
const errorOf = (text: string): ParseError => parseErrorOf(() => parse(text), ParseError);

describe('malloc-lab traces', () => {
  it('short.rep (2002 header): r = free + a new alloc (a new dense id) under the same trace id', () => {
    const { ops } = parse(read('short.rep'));
    expect(ops).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 512 },
      { kind: 'alloc', cpu: 0, id: 1, bytes: 128 },
      { kind: 'alloc', cpu: 0, id: 2, bytes: 2040 },
      { kind: 'free', cpu: 0, id: 0, bytes: 0 },
      { kind: 'alloc', cpu: 0, id: 3, bytes: 640 },
      { kind: 'free', cpu: 0, id: 1, bytes: 0 },
      { kind: 'alloc', cpu: 0, id: 4, bytes: 16 },
      { kind: 'free', cpu: 0, id: 4, bytes: 0 },
      { kind: 'alloc', cpu: 0, id: 5, bytes: 48 },
      { kind: 'free', cpu: 0, id: 3, bytes: 0 },
      { kind: 'alloc', cpu: 0, id: 6, bytes: 4072 },
      { kind: 'free', cpu: 0, id: 2, bytes: 0 },
      { kind: 'alloc', cpu: 0, id: 7, bytes: 24 },
      { kind: 'free', cpu: 0, id: 6, bytes: 0 },
      { kind: 'free', cpu: 0, id: 5, bytes: 0 },
    ]);
    expect(toDense(drive(replayStream('short', ops), 1e6).ops)).toEqual(ops);
  });

  it('short-2016.rep: the 2016 header order, CRLF, and r of an ID never allocated (realloc of NULL = malloc)', () => {
    const text = read('short-2016.rep');
    expect(text).toContain('\r\n');
    const r = importText(text, { fileName: 'short-2016.rep' });
    expect(r.format).toBe('malloclab');
    expect(parse(text).ops.map((op) => `${op.kind} ${op.id}`)).toEqual([
      'alloc 0',
      'alloc 1',
      'alloc 2', // r 2 100: ID 2 was never allocated
      'free 0',
      'alloc 3', // r 0 640
      'free 1',
      'free 2',
      'alloc 4', // r 2 300
      'alloc 5',
      'free 3',
      'free 4',
      'free 5',
    ]);
    const s = r.summary;
    expect([s.allocations, s.frees, s.reallocs, s.unknownFrees, s.unreadable.count]).toEqual([6, 6, 2, 0, 0]);
  });

  it('accepts blank and # lines, CRLF, and a 0-byte request as 1 byte', () => {
    expect(parse('# x\r\n100\r\n1\r\n\r\n2\r\n1\r\na 0 0\r\nf 0\r\n').ops).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 1 },
      { kind: 'free', cpu: 0, id: 0, bytes: 0 },
    ]);
  });

  it('counts a free of an ID not live, and turns an alloc of a live ID into an implied free', () => {
    const r = importText('100\n2\n4\n1\na 0 8\nf 1\na 0 16\nf 0\n', { fileName: 't.rep', format: 'malloclab' });
    expect([r.summary.unknownFrees, r.summary.impliedFrees, r.summary.frees]).toEqual([1, 1, 1]);
  });

  it('skips and quotes an op line it cannot read (counted as an op line)', () => {
    const r = importText('100\n2\n3\n1\na 0 8\nx 0 8\nf 0\n', { fileName: 't.rep', format: 'malloclab' });
    expect(r.summary.unreadable.first).toEqual([
      { line: 6, why: "expected 'a ID BYTES', 'r ID BYTES' or 'f ID'", text: "'x 0 8'" },
    ]);
  });

  it('sniffs 4 bare numbers then ops, not an op file', () => {
    expect(sniffMalloclab(['20000', '2', '3', '1', 'a 0 8', 'r 0 16', 'f 0']).events).toBe(3);
    expect(sniffMalloclab(['a 0 8', 'f 0']).events).toBe(0);
    expect(sniffMalloclab(['20000', '2', '3', 'a 0 8', 'f 0']).events).toBe(0);
  });

  it('refuses a file with only its header', () => {
    expect(() => parse('100\n1\n0\n1\n')).toThrow('t.rep:1: no allocation events found (the file has only its header)');
  });

  it.each<[string, string, string]>([
    [
      'more op lines than the header says',
      '100\n2\n1\n1\na 0 8\nf 0\n',
      't.rep:3: the header says 1 ops, the file has 2 op lines',
    ],
    [
      'fewer op lines than the header says',
      '100\n2\n3\n1\na 0 8\nf 0\n',
      't.rep:3: the header says 3 ops, the file has 2 op lines',
    ],
    [
      'an ID not below the number of ids',
      '100\n2\n2\n1\na 0 8\na 2 8\n',
      "t.rep:6: expected 'a ID BYTES' with ID below 2 (the number of ids on line 2), got 'a 2 8'",
    ],
    [
      'a short header',
      '100\n2\n2\na 0 8\n',
      "t.rep:4: expected header line 4 (last header number): a non-negative integer, got 'a 0 8'",
    ],
    [
      'a file of header only',
      '100\n2\n',
      't.rep:2: expected 4 header lines (first header number, number of ids, number of ops, last header number), the file ends after 2',
    ],
  ])('rejects %s with file:line', (_what, text, message) => {
    const e = errorOf(text);
    expect(e.message).toBe(message);
    expect(e.line).toBe(Number(message.split(':')[1]));
  });
});
