import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from './parse-error';
import { replayStream } from './replay';
import { drive, parseErrorOf, toDense } from './test-util';
import { parseMalloclab, sniffMalloclab } from './trace-malloclab';

const read = (name: string): string => readFileSync(new URL(`../data/traces/${name}`, import.meta.url), 'utf8');

const errorOf = (text: string): ParseError => parseErrorOf(() => parseMalloclab(text, 't.rep'), ParseError);

describe('parseMalloclab', () => {
  it('parses short.rep: r = free + a new alloc (a new dense id) under the same trace id', () => {
    const ops = parseMalloclab(read('short.rep'), 'short.rep');
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

  it('accepts blank and # lines, CRLF, and a 0-byte request as 1 byte', () => {
    expect(parseMalloclab('# x\r\n100\r\n1\r\n\r\n2\r\n1\r\na 0 0\r\nf 0\r\n', 't.rep')).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 1 },
      { kind: 'free', cpu: 0, id: 0, bytes: 0 },
    ]);
  });

  it('sniffs 4 bare numbers then ops, not an op file', () => {
    expect(sniffMalloclab(['20000', '2', '3', '1', 'a 0 8', 'r 0 16', 'f 0']).events).toBe(3);
    expect(sniffMalloclab(['a 0 8', 'f 0']).events).toBe(0);
    expect(sniffMalloclab(['20000', '2', '3', 'a 0 8', 'f 0']).events).toBe(0);
  });

  it('refuses a file with only its header', () => {
    expect(() => parseMalloclab('100\n1\n0\n1\n', 't.rep')).toThrow(
      't.rep:1: no allocation events found (the file has only its header)',
    );
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
      "t.rep:4: expected header line 4 (weight): a non-negative integer below 2^53, got 'a 0 8'",
    ],
    [
      'a file of header only',
      '100\n2\n',
      't.rep:2: expected 4 header lines (suggested heap size, number of ids, number of ops, weight), the file ends after 2',
    ],
    ['an unknown op', '100\n2\n1\n1\nx 0 8\n', "t.rep:5: expected 'a ID BYTES', 'r ID BYTES' or 'f ID', got 'x 0 8'"],
    ['a free with a size', '100\n2\n1\n1\nf 0 8\n', "t.rep:5: expected 'f ID', got 'f 0 8'"],
    ['an alloc without size', '100\n2\n1\n1\na 0\n', "t.rep:5: expected 'a ID BYTES', got 'a 0'"],
    [
      'a bad size',
      '100\n2\n1\n1\na 0 -8\n',
      "t.rep:5: expected 'a ID BYTES' with BYTES a non-negative integer below 2^53, got 'a 0 -8'",
    ],
    [
      'an alloc of a live ID',
      '100\n2\n2\n1\na 0 8\na 0 8\n',
      "t.rep:6: expected 'a ID BYTES' with an ID that is not live, got 'a 0 8' (ID 0 is live since line 5)",
    ],
    [
      'a free of an ID never allocated',
      '100\n2\n1\n1\nf 1\n',
      "t.rep:5: expected 'f ID' with the ID of a live allocation, got 'f 1' (ID 1 was never allocated)",
    ],
    [
      'a realloc of a freed ID',
      '100\n2\n3\n1\na 0 8\nf 0\nr 0 16\n',
      "t.rep:7: expected 'r ID BYTES' with the ID of a live allocation, got 'r 0 16' (ID 0 was freed on line 6)",
    ],
  ])('rejects %s with file:line', (_what, text, message) => {
    const e = errorOf(text);
    expect(e.message).toBe(message);
    expect(e.line).toBe(Number(message.split(':')[1]));
  });
});
