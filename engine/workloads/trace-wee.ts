/**
 * wee_alloc traces (github.com/rustwasm/wee_alloc, test/traces/*.trace; MPL-2.0,
 * see engine/data/wee_alloc/SOURCE.txt): real userspace malloc/free sequences
 * recorded with valgrind. One entry a line:
 *
 *   Alloc(SIZE),   the K-th Alloc line (0-based) creates allocation K
 *   Free(K),       frees the allocation of the K-th Alloc line
 *
 * Alloc line K becomes op id K, so ids are dense already. Everything runs on CPU 0.
 * The trailing comma is optional, surrounding whitespace and blank lines are
 * ignored, as are `#` and `//` comment lines (not in the originals; handy in tests).
 *
 * Alloc(0) occurs (malloc(0) in the grep traces). glibc answers malloc(0) with a
 * unique minimum-size chunk, so it becomes a 1-byte request (engine/import/sink.ts).
 */
import { S_BLANK, S_COMMENT, S_NOT_EVENT, type OpSink, type TraceReader } from '../import/sink';
import { noAllocationsError } from './parse-error';
import type { FormatEvidence, TraceFormat } from './trace-detect';

const LINE = /^(Alloc|Free)\(\s*(\d+)\s*\)\s*,?$/;

/** Every `Alloc(SIZE),` / `Free(K),` line is an event; the format has no other lines. */
export function sniffWee(lines: readonly string[]): FormatEvidence {
  return { events: lines.filter((l) => LINE.test(l)).length, others: 0 };
}

/**
 * A reader of wee_alloc traces. A Free of an Alloc line that does not come earlier, or a second
 * Free of one, is counted as a free of an unknown pointer; a line starting with `Alloc(` or
 * `Free(` that cannot be read is unreadable.
 */
export function openWeeReader(sink: OpSink): TraceReader {
  /** Per Alloc line K: its slot while live, -1 once freed. */
  const slots: number[] = [];
  return {
    line(l: string): void {
      const body = l.trim();
      if (body === '') return sink.skip(S_BLANK);
      if (body.startsWith('#') || body.startsWith('//')) return sink.skip(S_COMMENT);
      const m = LINE.exec(body);
      if (m === null) {
        if (body.startsWith('Alloc') || body.startsWith('Free'))
          return sink.unreadable("expected 'Alloc(SIZE),' or 'Free(K),'");
        return sink.skip(S_NOT_EVENT);
      }
      const n = Number(m[2]);
      if (!Number.isSafeInteger(n)) return sink.unreadable(`expected a number below 2^53 in '${m[1]}(...)'`);
      sink.events++;
      if (m[1] === 'Alloc') {
        slots.push(sink.alloc(0, n));
        return;
      }
      const slot = n < slots.length ? slots[n] : -1;
      if (slot < 0) {
        sink.unknownFrees++;
        return;
      }
      slots[n] = -1;
      sink.free(0, slot);
    },
    end(): void {
      if (sink.events === 0 && sink.unreadableCount === 0) throw noAllocationsError(sink.fileName);
    },
  };
}

export const WEE: TraceFormat = {
  name: 'wee',
  label: 'wee_alloc trace',
  description: 'wee_alloc trace: Alloc(SIZE), / Free(K), (K = the K-th Alloc line)',
  sniff: sniffWee,
  open: openWeeReader,
};
