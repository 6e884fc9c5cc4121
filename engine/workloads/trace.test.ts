import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRACE_FORMATS, detectTraceFormat, parseTrace } from './trace';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/** Every fixture and the format it is in. */
const FIXTURES: [string, string][] = [
  ['data/wee_alloc/ls.trace', 'wee'],
  ['data/wee_alloc/find.trace', 'wee'],
  ['cli/testdata/small.ops', 'ops'],
  ['data/traces/ls.valgrind.txt', 'valgrind'],
  ['data/traces/kmem.ftrace.txt', 'ftrace'],
  ['data/traces/short.rep', 'malloclab'],
  ['data/traces/prog.mtrace.txt', 'mtrace'],
];

/** The first meaningful lines, as trace.ts hands them to sniff(). */
const headOf = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('//'))
    .slice(0, 20);

describe('detectTraceFormat', () => {
  it.each(FIXTURES)('recognises %s as %s, and parseTrace parses it', (path, format) => {
    const text = read(path);
    expect(detectTraceFormat(text)?.name).toBe(format);
    const parsed = parseTrace(text, path, 4);
    expect(parsed.format).toBe(format);
    expect(parsed.ops.length).toBeGreaterThan(0);
  });

  it.each(FIXTURES)('no other format claims %s (the sniffers are disjoint, whatever their order)', (path, format) => {
    const h = headOf(read(path));
    expect(TRACE_FORMATS.filter((f) => f.sniff(h)).map((f) => f.name)).toEqual([format]);
  });

  it('lists each format once, malloc-lab before the op file', () => {
    const names = TRACE_FORMATS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.indexOf('malloclab')).toBeLessThan(names.indexOf('ops'));
  });
});
