/** Errors of the trace and op file parsers: `file:line: what was expected, got what`. */

/** Longest quoted excerpt of the offending line in a message. */
const MAX_EXCERPT = 60;

export function excerpt(text: string): string {
  const t = text.trim();
  return t.length > MAX_EXCERPT ? `${t.slice(0, MAX_EXCERPT - 3)}...` : t;
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

/** Split text into lines (LF or CRLF); line k of the result is line k+1 of the file. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  // A final newline does not start a line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
