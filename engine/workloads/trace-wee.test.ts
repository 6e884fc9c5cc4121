import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importText } from '../import/import';
import { drive, toDense } from './test-util';
import { parseTrace } from './trace';
import { replayStream } from './replay';

const read = (name: string): string => readFileSync(new URL(`../data/wee_alloc/${name}`, import.meta.url), 'utf8');
const parseWeeTrace = (text: string, file: string) => parseTrace(text, file, undefined, 'wee').ops;

describe('wee_alloc traces', () => {
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

  it('turns Alloc(0) into a 1-byte request', () => {
    expect(parseWeeTrace('Alloc(0),\nFree(0),\n', 't.trace')[0]).toEqual({ kind: 'alloc', cpu: 0, id: 0, bytes: 1 });
  });

  it('counts a Free of a later or an already freed Alloc line as a free of an unknown pointer', () => {
    const r = importText('Alloc(8),\nFree(1),\nAlloc(8),\nFree(0),\nFree(0),\n', { fileName: 't.trace' });
    expect([r.summary.allocations, r.summary.frees, r.summary.unknownFrees]).toEqual([2, 1, 2]);
  });

  it('skips and quotes lines that start like an entry but cannot be read', () => {
    const r = importText('Alloc(8),\nAlloc(-8),\nAlloc(99999999999999999999),\nFree(0),\nhello\n', {
      fileName: 't.trace',
      format: 'wee',
    });
    expect(r.summary.unreadable.first.map((u) => [u.line, u.why])).toEqual([
      [2, "expected 'Alloc(SIZE),' or 'Free(K),'"],
      [3, "expected a number below 2^53 in 'Alloc(...)'"],
    ]);
    expect(r.summary.skipped).toContainEqual({ reason: 'not an event', lines: 1 });
  });
});
