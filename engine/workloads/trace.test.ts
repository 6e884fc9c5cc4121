import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from './parse-error';
import { TRACE_FORMATS, TRACE_FORMAT_NAMES, TRACE_FORMAT_OPTIONS, detectTraceFormat, parseTrace } from './trace';
import { DETECT_WINDOW_CHARS, detectionLines } from './trace-detect';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/** Every fixture and the format it is in. */
const FIXTURES: [string, string][] = [
  ['data/wee_alloc/ls.trace', 'wee'],
  ['data/wee_alloc/find.trace', 'wee'],
  ['cli/testdata/small.ops', 'ops'],
  ['data/traces/ls.valgrind.txt', 'valgrind'],
  ['data/traces/git-log.valgrind.txt', 'valgrind'],
  ['data/traces/python3.valgrind.txt', 'valgrind'],
  ['data/traces/sort.valgrind.txt', 'valgrind'],
  ['data/traces/pipeline.valgrind.txt', 'valgrind'],
  ['data/traces/memcheck-errors.valgrind.txt', 'valgrind'],
  ['data/traces/prog.valgrind.txt', 'valgrind'],
  ['data/traces/kmem-2.6.33.ftrace.txt', 'ftrace'],
  ['data/traces/kmem-3.10.ftrace.txt', 'ftrace'],
  ['data/traces/kmem-4.19.ftrace.txt', 'ftrace'],
  ['data/traces/kmem-6.x.ftrace.txt', 'ftrace'],
  ['data/traces/kmem-2.6.35.perf-trace.txt', 'ftrace'],
  ['data/traces/kmem.trace-cmd.txt', 'trace-cmd'],
  ['data/traces/kmem.perf.txt', 'perf'],
  ['data/traces/kmem-callchain.perf.txt', 'perf'],
  ['data/traces/short.rep', 'malloclab'],
  ['data/traces/short-2016.rep', 'malloclab'],
  ['data/traces/prog.mtrace.txt', 'mtrace'],
];
/** A hand-written mix of ftrace and perf lines: read as ftrace, with the perf lines too. */
const MIXED = 'data/traces/kmem.ftrace.txt';

/** The message `parse` throws (fails the test when it does not throw). */
function messageOf(parse: () => unknown): string {
  try {
    parse();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but parsing succeeded');
}

const SCHED =
  '          <idle>-0       [001] d..2.   100.000100: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=bash next_pid=2101 next_prio=120';
const KMALLOC =
  '            bash-2101    [001] .....   100.000200: kmalloc: call_site=f+0x1/0x2 ptr=ffff888104d73c00 bytes_req=28 bytes_alloc=32 gfp_flags=GFP_KERNEL';

describe('detectTraceFormat', () => {
  it.each(FIXTURES)('recognises %s as %s, and parseTrace parses it', (path, format) => {
    const text = read(path);
    expect(detectTraceFormat(text)?.name).toBe(format);
    const parsed = parseTrace(text, path, 4);
    expect(parsed.format).toBe(format);
    expect(parsed.ops.length).toBeGreaterThan(0);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.summary.unreadable.count).toBe(0);
  });

  it('reads the mixed ftrace and perf fixture as ftrace, perf lines included', () => {
    const r = parseTrace(read(MIXED), MIXED, 4);
    expect(r.format).toBe('ftrace');
    expect(r.summary.allocations).toBe(10);
    expect(r.summary.unreadable.count).toBe(0);
  });

  it.each(FIXTURES)(
    'no other format finds event lines in %s (the sniffers are disjoint, whatever their order)',
    (path, format) => {
      const lines = detectionLines(read(path));
      expect(TRACE_FORMATS.filter((f) => f.sniff(lines).events > 0).map((f) => f.name)).toEqual([format]);
    },
  );

  it('lists each format once, malloc-lab before the op file, with a label for pickers', () => {
    const names = TRACE_FORMATS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.indexOf('malloclab')).toBeLessThan(names.indexOf('ops'));
    expect(TRACE_FORMAT_NAMES).toEqual(names);
    expect(TRACE_FORMAT_OPTIONS.map((o) => o.name)).toEqual(names);
    for (const o of TRACE_FORMAT_OPTIONS) expect(o.label.length).toBeGreaterThan(3);
  });

  it('finds kmem events after hundreds of scheduler events (20 were enough to reject a valid ftrace file)', () => {
    const text = ['# tracer: nop', ...Array<string>(500).fill(SCHED), KMALLOC, ''].join('\n');
    expect(detectTraceFormat(text)?.name).toBe('ftrace');
    expect(parseTrace(text, 't.txt', 4).ops).toEqual([{ kind: 'alloc', cpu: 1, id: 0, bytes: 28 }]);
    expect(parseTrace(text, 't.txt', 4).summary.skipped).toContainEqual({ reason: 'other event', lines: 500 });
  });

  it("finds valgrind's lines after the program's own output", () => {
    const out = Array.from({ length: 25 }, (_, i) => `program output line ${i}`);
    const text = [...out, '--6793-- malloc(472) = 0x4B08040', '--6793-- free(0x4B08040)', ''].join('\n');
    expect(parseTrace(text, 'v.txt').format).toBe('valgrind');
  });

  it('chooses the format with the most event lines, not the first format that claims one line', () => {
    // The traced program printed a line that looks like a wee_alloc trace (wee is tried first).
    const text = ['Alloc(3),', ...Array<string>(5).fill('--1-- malloc(8) = 0x10\n--1-- free(0x10)'), ''].join('\n');
    expect(detectTraceFormat(text)?.name).toBe('valgrind');
  });

  it('with no event lines anywhere, picks the format whose other lines are there (its parser says what is missing)', () => {
    const text = [...Array<string>(3).fill(SCHED), ''].join('\n');
    expect(messageOf(() => parseTrace(text, 't.txt'))).toBe(
      't.txt:1: expected kmalloc / kmem_cache_alloc events in this ftrace trace, found none: enable the kmem events (events/kmem/enable) before tracing',
    );
  });

  it(`looks at the first ${DETECT_WINDOW_CHARS / 1024} KiB only, and never at a line the window cuts`, () => {
    const filler = '# ' + 'x'.repeat(DETECT_WINDOW_CHARS) + '\n';
    expect(detectTraceFormat(filler + 'a 1 8\n')).toBeNull();
    // The window ends inside the op line: the cut 'a 1' must not count as malformed or as an op.
    const pad = 'x'.repeat(DETECT_WINDOW_CHARS - 20);
    expect(detectionLines(`a 0 8\n# ${pad}\na 1 80000000000000000\n`)).toEqual(['a 0 8']);
  });
});

describe('parseTrace', () => {
  it('parses with the format it is told, whatever the text looks like', () => {
    // 4 bare numbers then ops: malloc-lab when recognised; named 'ops', it is an op file (and a bad one).
    const rep = read('data/traces/short.rep');
    expect(parseTrace(rep, 'short.rep', 1, 'malloclab').format).toBe('malloclab');
    expect(messageOf(() => parseTrace(rep, 'short.rep', 1, 'ops'))).toMatch(
      /^short\.rep:1: expected one of 'a ID BYTES'/,
    );
    expect(messageOf(() => parseTrace(rep, 'short.rep', 1, 'nope'))).toBe(
      `unknown trace format 'nope': expected one of ${TRACE_FORMAT_NAMES.join(', ')}`,
    );
  });

  it.each(['', '\n\n', '# only\n# comments\n', '// a comment\n   \n'])(
    'refuses %j with one message, whether the format is named or recognised',
    (text) => {
      const expected = 'e.txt:1: no allocation events found (the file is empty or has only comments)';
      expect(messageOf(() => parseTrace(text, 'e.txt'))).toBe(expected);
      for (const f of TRACE_FORMAT_NAMES) expect(messageOf(() => parseTrace(text, 'e.txt', 1, f))).toBe(expected);
    },
  );

  it('names the first line it cannot place, escaped', () => {
    const e = (() => {
      try {
        parseTrace('\n\u001b[2Jhello\n', 'x.txt');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(ParseError);
    expect((e as ParseError).message).toBe(
      `x.txt:2: not a trace format Fragscope reads (${TRACE_FORMAT_NAMES.join(', ')}); first line: '\\x1b[2Jhello'`,
    );
  });

  it.each(FIXTURES)('warns when the last line of %s has no newline (a cut file), naming file:line', (path) => {
    const text = read(path).replace(/\n+$/, '');
    const line = text.split('\n').length;
    const last = text.slice(text.lastIndexOf('\n') + 1).trim();
    const { warnings } = parseTrace(text, path, 4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ file: path, line });
    expect(warnings[0].message).toBe(
      `${path}:${line}: the last line has no newline at its end, so the file may be cut short: '${last.length > 60 ? `...${last.slice(-57)}` : last}'`,
    );
  });

  it('warns about a request cut mid-number and still replays what is there', () => {
    const text = `${KMALLOC.replace('bytes_req=28 bytes_alloc=32 gfp_flags=GFP_KERNEL', 'bytes_req=20')}`;
    const r = parseTrace(text, 'cut.txt', 2);
    expect(r.ops).toEqual([{ kind: 'alloc', cpu: 1, id: 0, bytes: 20 }]);
    expect(r.summary.warnings).toEqual(r.warnings.map((w) => w.message));
    expect(r.warnings.map((w) => w.message)).toEqual([
      "cut.txt:1: the last line has no newline at its end, so the file may be cut short: '...oc: call_site=f+0x1/0x2 ptr=ffff888104d73c00 bytes_req=20'",
    ]);
  });

  it('does not warn about a last line of blanks, nor about CRLF line ends', () => {
    expect(parseTrace('a 1 8\n   ', 'o.ops').warnings).toEqual([]);
    expect(parseTrace('a 1 8\r\nf 1\r\n', 'o.ops').warnings).toEqual([]);
  });
});
