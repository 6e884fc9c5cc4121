import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drive, parseErrorOf, toDense } from './test-util';
import { WeeTraceError, parseWeeTrace } from './trace-wee';
import { replayStream } from './replay';

const read = (name: string): string => readFileSync(new URL(`../data/wee_alloc/${name}`, import.meta.url), 'utf8');

const errorOf = (text: string, zeroSize?: 'one' | 'error'): WeeTraceError =>
  parseErrorOf(() => parseWeeTrace(text, 't.trace', zeroSize ? { zeroSize } : {}), WeeTraceError);

describe('parseWeeTrace', () => {
  it('parses ls.trace: 45 allocs, 37 frees, ids = Alloc line index, all on CPU 0', () => {
    const ops = parseWeeTrace(read('ls.trace'), 'ls.trace');
    expect(ops).toHaveLength(82);
    expect(ops.slice(0, 4)).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 552 },
      { kind: 'alloc', cpu: 0, id: 1, bytes: 120 },
      { kind: 'alloc', cpu: 0, id: 2, bytes: 1024 },
      { kind: 'free', cpu: 0, id: 1, bytes: 0 },
    ]);
    expect(ops.filter((op) => op.kind === 'alloc').map((op) => op.id)).toEqual(Array.from({ length: 45 }, (_, i) => i));
    expect(ops.filter((op) => op.kind === 'free')).toHaveLength(37);
    expect(ops.every((op) => op.cpu === 0)).toBe(true);
  });

  it('parses find.trace: 567 allocs, 563 frees, 1704172 bytes requested in all; replays against a fake', () => {
    const ops = parseWeeTrace(read('find.trace'), 'find.trace');
    const allocs = ops.filter((op) => op.kind === 'alloc');
    expect(allocs).toHaveLength(567);
    expect(ops.length - allocs.length).toBe(563);
    expect(allocs.reduce((sum, op) => sum + op.bytes, 0)).toBe(1704172);
    // drive() throws on any free of a non-live id.
    const run = drive(replayStream('find', ops), 1e6);
    expect(toDense(run.ops)).toEqual(ops);
  });

  it('accepts a missing trailing comma, spaces, CRLF, blank and comment lines', () => {
    expect(parseWeeTrace('// test\r\n Alloc( 8 ) \r\n\r\n# x\nFree(0)\n', 't.trace')).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 8 },
      { kind: 'free', cpu: 0, id: 0, bytes: 0 },
    ]);
  });

  it("turns Alloc(0) into a 1-byte request, or rejects it with zeroSize 'error'", () => {
    expect(parseWeeTrace('Alloc(0),\nFree(0),\n', 't.trace')[0]).toEqual({ kind: 'alloc', cpu: 0, id: 0, bytes: 1 });
    expect(errorOf('Alloc(4),\nAlloc(0),\n', 'error').message).toBe(
      "t.trace:2: expected 'Alloc(SIZE),' with SIZE >= 1, got 'Alloc(0),'",
    );
  });

  it.each<[string, string, string]>([
    [
      'a malformed line',
      'Alloc(8),\nMalloc(8),\n',
      "t.trace:2: expected 'Alloc(SIZE),' or 'Free(K),', got 'Malloc(8),'",
    ],
    ['a negative size', 'Alloc(-8),\n', "t.trace:1: expected 'Alloc(SIZE),' or 'Free(K),', got 'Alloc(-8),'"],
    [
      'a huge number',
      'Alloc(99999999999999999999),\n',
      "t.trace:1: expected a number below 2^53 in 'Alloc(...)', got 'Alloc(99999999999999999999),'",
    ],
    [
      'a free of a later Alloc line',
      'Alloc(8),\nFree(1),\nAlloc(8),\n',
      "t.trace:2: expected 'Free(K),' with K the index of an earlier, unfreed Alloc line, got 'Free(1),' (only 1 Alloc line so far)",
    ],
    [
      'a double free',
      'Alloc(8),\nAlloc(8),\nFree(0),\nFree(0),\n',
      "t.trace:4: expected 'Free(K),' with K the index of an earlier, unfreed Alloc line, got 'Free(0),' (Alloc 0 was freed on line 3)",
    ],
  ])('rejects %s with file:line', (_what, text, message) => {
    const e = errorOf(text);
    expect(e.message).toBe(message);
    expect(e.file).toBe('t.trace');
    expect(e.line).toBe(Number(message.split(':')[1]));
  });
});
