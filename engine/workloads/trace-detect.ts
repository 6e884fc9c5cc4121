/**
 * Recognising a trace's format from its text. Every format module counts, over the
 * same window of lines, how many are its own event lines (an alloc or a free) and
 * how many are other lines only it writes (valgrind's `==PID==` messages, ftrace's
 * sched_switch events); the format with the most event lines wins.
 *
 * Counting over a large window, rather than taking the first format that claims
 * one of the first few lines, is what real files need: an ftrace buffer often
 * starts with hundreds of scheduler events before the first kmalloc, a valgrind
 * log with the program's own output, and a program may well print a line that
 * looks like another format's.
 */
import type { OpSink, TraceReader } from '../import/sink';
import { isBlankOrComment, splitLines } from './parse-error';

/** What one format sees in the window. */
export interface FormatEvidence {
  /** Lines that are this format's allocation or free events. */
  events: number;
  /** Other lines only this format writes: it explains a file without events best. */
  others: number;
}

/** A trace format: how to recognise it, and its reader (one module per format). */
export interface TraceFormat {
  /** What `--format` takes. */
  name: string;
  /** A few words for a picker: the tool or project that writes the format. */
  label: string;
  description: string;
  /** This format's event lines (and other lines of its own) among the detection window's lines. */
  sniff(lines: readonly string[]): FormatEvidence;
  /** A reader writing into `sink`. */
  open(sink: OpSink): TraceReader;
}

/**
 * Characters of the text looked at (whole lines only): 256 Ki, a few thousand
 * lines of any format, and still a few milliseconds to scan.
 */
export const DETECT_WINDOW_CHARS = 256 * 1024;

/** The trimmed lines of the window that are neither blank nor comments. */
export function detectionLines(text: string): string[] {
  let window = text;
  if (text.length > DETECT_WINDOW_CHARS) {
    window = text.slice(0, DETECT_WINDOW_CHARS);
    // A line cut by the window's end would be counted as malformed: leave it out.
    const end = window.lastIndexOf('\n');
    if (end >= 0) window = window.slice(0, end);
  }
  return splitLines(window)
    .filter((l) => !isBlankOrComment(l))
    .map((l) => l.trim());
}

/**
 * Index of the candidate with the most event lines; with no event lines anywhere,
 * the one with the most other lines of its own (its parser then says what is
 * missing); ties go to the earlier candidate. -1 when nothing matched at all.
 */
export function bestEvidence(evidence: readonly FormatEvidence[]): number {
  let best = -1;
  let bestKey = [0, 0];
  evidence.forEach((e, i) => {
    const key = e.events > 0 ? [1, e.events] : [0, e.others];
    if (key[0] > bestKey[0] || (key[0] === bestKey[0] && key[1] > bestKey[1])) {
      best = i;
      bestKey = key;
    }
  });
  return best;
}
