import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from './parse-error';
import { replayStream } from './replay';
import { drive, parseErrorOf, toDense } from './test-util';
import { parseMtrace } from './trace-mtrace';

const read = (name: string): string => readFileSync(new URL(`../data/traces/${name}`, import.meta.url), 'utf8');

const errorOf = (text: string): ParseError => parseErrorOf(() => parseMtrace(text, 't.mtrace'), ParseError);

describe('parseMtrace', () => {
  it('parses prog.mtrace.txt (real glibc 2.36 output): 37 allocs, 36 frees, realloc = free + alloc', () => {
    const r = parseMtrace(read('prog.mtrace.txt'), 'prog.mtrace.txt');
    const allocs = r.ops.filter((op) => op.kind === 'alloc');
    expect(allocs).toHaveLength(37);
    expect(r.ops.length - allocs.length).toBe(36);
    expect(r.skippedFrees).toBe(0);
    expect(r.ops.slice(0, 7)).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 16 },
      { kind: 'alloc', cpu: 0, id: 1, bytes: 100 },
      { kind: 'alloc', cpu: 0, id: 2, bytes: 1000 },
      { kind: 'free', cpu: 0, id: 1, bytes: 0 },
      { kind: 'free', cpu: 0, id: 0, bytes: 0 },
      { kind: 'alloc', cpu: 0, id: 3, bytes: 64 },
      { kind: 'alloc', cpu: 0, id: 4, bytes: 200 },
    ]);
    expect(allocs.map((op) => op.id)).toEqual(Array.from({ length: 37 }, (_, i) => i));
    expect(toDense(drive(replayStream('prog', r.ops), 1e6).ops)).toEqual(r.ops);
  });

  it('accepts lines without a caller, size 0, (nil) and failed reallocs; skips and counts frees of unknown blocks', () => {
    const r = parseMtrace(
      '= Start\n+ 0x10 0\n@ [0x1] - 0x99\n@ [0x1] + (nil) 0x1000\n@ [0x1] ! 0x10 0x2000\n@ [0x1] < 0x10\n@ [0x1] > 0x20 0x30\n= End\n',
      't',
    );
    expect(r.ops).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 1 },
      { kind: 'free', cpu: 0, id: 0, bytes: 0 },
      { kind: 'alloc', cpu: 0, id: 1, bytes: 48 },
    ]);
    expect(r.skippedFrees).toBe(1);
  });

  it.each<[string, string, string]>([
    [
      'an alloc at a live address',
      '= Start\n@ ./p:[0x1] + 0x10 0x8\n@ ./p:[0x2] + 0x10 0x8\n',
      "t.mtrace:3: alloc at 0x10, which is still live since line 2 (its free is missing), got '@ ./p:[0x2] + 0x10 0x8'",
    ],
    [
      'a malformed line',
      '= Start\nhello\n',
      "t.mtrace:2: expected '= Start', '= End' or '@ CALLER + 0xPTR 0xSIZE' / '- 0xPTR' / '< 0xPTR' / '> 0xPTR 0xSIZE', got 'hello'",
    ],
    [
      'an alloc without size',
      '= Start\n@ ./p:[0x1] + 0x10\n',
      "t.mtrace:2: expected '+ 0xPTR 0xSIZE', got '@ ./p:[0x1] + 0x10'",
    ],
    [
      'a free with a size',
      '= Start\n@ ./p:[0x1] - 0x10 0x8\n',
      "t.mtrace:2: expected '- 0xPTR', got '@ ./p:[0x1] - 0x10 0x8'",
    ],
    [
      'a decimal size',
      '= Start\n@ ./p:[0x1] + 0x10 16\n',
      "t.mtrace:2: expected '+ 0xPTR 0xSIZE' with SIZE in hex (0x...) or 0, got '@ ./p:[0x1] + 0x10 16'",
    ],
    [
      'no allocation at all',
      '= Start\n= End\n',
      "t.mtrace:1: expected mtrace lines ('@ CALLER + 0xPTR 0xSIZE'), found no allocation",
    ],
  ])('rejects %s with file:line', (_what, text, message) => {
    const e = errorOf(text);
    expect(e.message).toBe(message);
    expect(e.line).toBe(Number(message.split(':')[1]));
  });
});
