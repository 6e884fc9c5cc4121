import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRACE_FORMATS, parseTrace } from '../../engine/workloads/trace';
import { AUTO_FORMAT, parseLoaded, TRACE_FORMAT_CHOICES } from './traces';

const read = (path: string): string => readFileSync(new URL(`../../engine/${path}`, import.meta.url), 'utf8');

/** The engine's fixtures, one or more per format, and the format each is in. */
const FIXTURES: [string, string][] = [
  ['data/wee_alloc/ls.trace', 'wee'],
  ['cli/testdata/small.ops', 'ops'],
  ['data/traces/ls.valgrind.txt', 'valgrind'],
  ['data/traces/kmem.ftrace.txt', 'ftrace'],
  ['data/traces/short.rep', 'malloclab'],
  ['data/traces/prog.mtrace.txt', 'mtrace'],
];

/** A valgrind log whose first 25 lines are the traced program's own output (stdout and stderr mixed). */
const chattyValgrind = (): string =>
  Array.from({ length: 25 }, (_, i) => `program says line ${i}`).join('\n') +
  '\n' +
  read('data/traces/ls.valgrind.txt');

describe('TRACE_FORMAT_CHOICES', () => {
  it('is auto, then every format the engine reads, once each', () => {
    expect(TRACE_FORMAT_CHOICES[0].name).toBe(AUTO_FORMAT);
    expect(TRACE_FORMAT_CHOICES.slice(1).map((f) => f.name)).toEqual(TRACE_FORMATS.map((f) => f.name));
  });
});

describe('parseLoaded(key, text, cpus, format)', () => {
  it.each(FIXTURES)('reads %s as %s, recognised or chosen', (path, format) => {
    const text = read(path);
    const auto = parseLoaded('local:x', text, 4);
    const chosen = parseLoaded('local:x', text, 4, format);
    expect(auto.format).toBe(format);
    expect(chosen).toEqual(auto);
  });

  it('a valgrind log after 25 lines of program output is read, recognised or chosen', () => {
    const text = chattyValgrind();
    expect(parseLoaded('local:chatty.log', text, 1).format).toBe('valgrind');
    const t = parseLoaded('local:chatty.log', text, 1, 'valgrind');
    expect(t.format).toBe('valgrind');
    expect(t.ops).toBe(parseTrace(read('data/traces/ls.valgrind.txt'), 'ls', 1).ops.length);
  });

  it('a chosen format that does not fit is refused with file:line', () => {
    expect(() => parseLoaded('local:tiny.ops', 'a 1 120\nf 1\n', 1, 'malloclab')).toThrow(/^tiny\.ops:\d+: /);
    expect(() => parseLoaded('local:tiny.ops', 'a 1 120\nf 1\n', 1, 'nope')).toThrow(/unknown trace format 'nope'/);
  });

  it('a file with no ops in the chosen format is refused', () => {
    expect(() => parseLoaded('local:notes.txt', '# only a comment\n', 1, 'wee')).toThrow(
      'notes.txt:1: no allocation events found',
    );
  });
});
