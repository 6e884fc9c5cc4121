import { describe, expect, it } from 'vitest';
import { escapeControls, excerpt, excerptEnd, firstContentLine, unterminatedLastLine } from './parse-error';
import { TRACE_FORMAT_NAMES, parseTrace } from './trace';

/** A line that clears the screen, rings the bell and moves the cursor when printed raw. */
const HOSTILE = '\u001b[2J\u0007\u009b2J\u007f';

describe('escapeControls', () => {
  it('writes C0, DEL and C1 controls as \\xNN, and keeps printable text (non-ASCII included)', () => {
    expect(escapeControls(`a\tb${HOSTILE}c`)).toBe('a\\x09b\\x1b[2J\\x07\\x9b2J\\x7fc');
    expect(escapeControls('é ü € 漢 😀 ~')).toBe('é ü € 漢 😀 ~');
  });

  it('writes lone surrogates as \\uXXXX and keeps pairs', () => {
    expect(escapeControls('x\ud800y\udc00z\ud83d\ude00')).toBe('x\\ud800y\\udc00z\ud83d\ude00');
    expect(escapeControls('\ud83d')).toBe('\\ud83d');
  });
});

describe('excerpt', () => {
  it('trims, cuts long lines and escapes what it keeps (a pair cut in half included)', () => {
    expect(excerpt(`  ${HOSTILE}  `)).toBe('\\x1b[2J\\x07\\x9b2J\\x7f');
    const long = 'x'.repeat(56) + '😀' + 'y'.repeat(10);
    expect(excerpt(long)).toBe('x'.repeat(56) + '\\ud83d...');
    expect(excerptEnd('y'.repeat(70) + '\u001b')).toBe('...' + 'y'.repeat(56) + '\\x1b');
  });
});

describe('every reader quotes input escaped', () => {
  /** A line that looks like an event of each format but cannot be read (an error with strict), after what the format needs first. */
  const BAD: Record<string, string> = {
    wee: `Alloc(1),\nAlloc(${HOSTILE}),\n`,
    valgrind: `--1-- malloc(8) = 0x10\n--1-- malloc(${HOSTILE}) = 0x20\n`,
    ftrace: `bash-1 [000] .... 1.000: kmalloc: ptr=${HOSTILE} bytes_req=8\n`,
    'trace-cmd': `cpus=1\nbash-1 [000] 1.000: kmalloc: ptr=${HOSTILE} bytes_req=8\n`,
    perf: `bash 1 [000] 1.000: kmem:kmalloc: ptr=${HOSTILE} bytes_req=8\n`,
    mtrace: `= Start\n@ x + 0x10 ${HOSTILE}\n`,
    malloclab: `100\n1\n1\n1\na 0 ${HOSTILE}\n`,
    ops: `a 1 8\n${HOSTILE}\n`,
  };

  it('covers every format', () => {
    expect(Object.keys(BAD).sort()).toEqual([...TRACE_FORMAT_NAMES].sort());
  });

  it.each(Object.entries(BAD))('%s: no raw control character reaches the message', (format, text) => {
    let message = '';
    try {
      parseTrace(text, 't', 1, format, true);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('\\x1b[2J\\x07');
    expect(escapeControls(message)).toBe(message); // nothing left to escape
  });
});

describe('firstContentLine and unterminatedLastLine', () => {
  it('finds the first line that is not blank or a comment', () => {
    expect(firstContentLine('# c\r\n\r\n  x 1\r\n')).toEqual({ line: 3, text: '  x 1' });
    expect(firstContentLine('# c\n// d\n \n')).toBeNull();
  });

  it('names the last line when it has no newline, and only then', () => {
    expect(unterminatedLastLine('a\nb\nc 1', 'f')?.message).toBe(
      "f:3: the last line has no newline at its end, so the file may be cut short: 'c 1'",
    );
    expect(unterminatedLastLine('a\nb\n', 'f')).toBeNull();
    expect(unterminatedLastLine('a\n  \t', 'f')).toBeNull();
    expect(unterminatedLastLine('', 'f')).toBeNull();
  });
});
