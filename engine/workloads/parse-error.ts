/**
 * Errors and warnings of the trace and op file parsers: `file:line: what was expected,
 * got what`, and the helpers every parser shares to quote input and split lines.
 */

/** Longest quoted excerpt of the offending line in a message. */
const MAX_EXCERPT = 60;

/**
 * A character a terminal would act on rather than print: C0 controls (tab
 * included: an excerpt is one line), DEL and C1 controls (0x9b alone is a CSI on
 * some terminals).
 */
const isControl = (code: number): boolean => code < 0x20 || (code >= 0x7f && code <= 0x9f);

/**
 * `text` with every control character and lone surrogate written as an escape
 * (`\x1b`, `\ud800`), so quoting input never moves the cursor or clears the
 * screen of whoever reads the message.
 */
export function escapeControls(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let escaped: string | null = null;
    if (isControl(code)) escaped = `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1); // NaN past the end
      if (next >= 0xdc00 && next <= 0xdfff)
        i++; // a pair: one printable character
      else escaped = `\\u${code.toString(16)}`;
    } else if (code >= 0xdc00 && code <= 0xdfff) escaped = `\\u${code.toString(16)}`;
    if (escaped !== null) {
      out += text.slice(from, i) + escaped;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/** The line trimmed, cut to MAX_EXCERPT characters (its start), escaped: what messages quote. */
export function excerpt(text: string): string {
  const t = text.trim();
  return escapeControls(t.length > MAX_EXCERPT ? `${t.slice(0, MAX_EXCERPT - 3)}...` : t);
}

/** Longest quote of a whole line in a warning about it (an excerpt is shorter: messages cite it). */
export const MAX_QUOTE = 200;

/**
 * A whole line for a warning about it: trimmed, cut to MAX_QUOTE characters, control
 * characters escaped, in single quotes.
 */
export function quoteLine(text: string): string {
  const t = text.trim();
  return `'${escapeControls(t.length > MAX_QUOTE ? `${t.slice(0, MAX_QUOTE - 3)}...` : t)}'`;
}

/** As `excerpt`, but keeping the END of a long line (where a cut-off file was cut). */
export function excerptEnd(text: string): string {
  const t = text.trim();
  return escapeControls(t.length > MAX_EXCERPT ? `...${t.slice(t.length - MAX_EXCERPT + 3)}` : t);
}

export class ParseError extends Error {
  /** The file name the parser was given (for messages only: parsers take text, not paths). */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** The message without the `file:line: ` prefix. */
  readonly detail: string;

  constructor(file: string, line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'ParseError';
    this.file = file;
    this.line = line;
    this.detail = detail;
  }
}

/** Something the parser accepted but the user should know about; `message` is `file:line: detail`. */
export interface ParseWarning {
  file: string;
  line: number;
  detail: string;
  message: string;
}

/** Split text into lines (LF or CRLF); line k of the result is line k+1 of the file. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  // A final newline does not start a line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Blank, or a `#` or `//` comment line: what no format counts as content. */
export function isBlankOrComment(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#') || t.startsWith('//');
}

/** The first line that is neither blank nor a comment, and its 1-based number; null when there is none. */
export function firstContentLine(text: string): { line: number; text: string } | null {
  let line = 1;
  for (let start = 0; start < text.length; line++) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const l = text.slice(start, end);
    if (!isBlankOrComment(l)) return { line, text: l.replace(/\r$/, '') };
    start = end + 1;
  }
  return null;
}

/**
 * The one answer every parser gives for a file without a single allocation, so an
 * inline run and worker threads (which parse again) refuse it with the same words.
 * `why` says what the file had instead.
 */
export function noAllocationsError(fileName: string, why = 'the file is empty or has only comments'): ParseError {
  return new ParseError(fileName, 1, `no allocation events found (${why})`);
}

/**
 * A warning when the text does not end with a newline after a non-blank last line:
 * a file cut off mid-write (`bytes_req=20` of `bytes_req=2048`) still parses, and
 * would otherwise replay the cut value silently.
 */
export function unterminatedLastLine(text: string, fileName: string): ParseWarning | null {
  if (text === '' || text.endsWith('\n')) return null;
  const start = text.lastIndexOf('\n') + 1;
  const last = text.slice(start);
  if (last.trim() === '') return null;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) line++;
  const detail = `the last line has no newline at its end, so the file may be cut short: '${excerptEnd(last)}'`;
  return { file: fileName, line, detail, message: `${fileName}:${line}: ${detail}` };
}
