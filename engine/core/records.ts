/**
 * What a run records about failed allocations, in typed arrays of bounded size: a
 * run of 20 M ops with millions of failures keeps the count of every failure (per
 * reason) and a sample of them, the first FIRST and the last LAST, never an object
 * per failure. The seed's fragmentation test ends after a handful of failures, so
 * there the sample is every failure.
 */
import { errorText } from './types';

/** One failed allocation. */
export interface Failure {
  /** Op index. */
  op: number;
  cpu: number;
  bytes: number;
  /** The allocator's error code (core/types.ts AllocError). */
  code: number;
  /** Bytes of the largest block the failing CPU could have had at that moment; -1 unknown. */
  largest: number;
  /** Requested / held bytes right after the failure. */
  utilisation: number;
  /** The workload's MAX then (seed-fragmentation), else undefined. */
  max?: number;
}

export const FAILURES_FIRST = 1000;
export const FAILURES_LAST = 1000;
const N = FAILURES_FIRST + FAILURES_LAST;

export interface FailureLogState {
  count: number;
  byCode: [number, number][];
  cols: Float64Array[];
}

/**
 * Slots 0..FIRST-1 hold the first failures; FIRST.. is a ring of the last LAST
 * (slot FIRST + (k - FIRST) % LAST for the k-th failure, k >= FIRST).
 */
export class FailureLog {
  count = 0;
  private byCode = new Map<number, number>();
  // One column per field; max = NaN when absent.
  private op = new Float64Array(N);
  private cpu = new Float64Array(N);
  private bytes = new Float64Array(N);
  private code = new Float64Array(N);
  private largest = new Float64Array(N);
  private util = new Float64Array(N);
  private max = new Float64Array(N);

  push(f: Failure): void {
    const k = this.count++;
    const at = k < FAILURES_FIRST ? k : FAILURES_FIRST + ((k - FAILURES_FIRST) % FAILURES_LAST);
    this.op[at] = f.op;
    this.cpu[at] = f.cpu;
    this.bytes[at] = f.bytes;
    this.code[at] = f.code;
    this.largest[at] = f.largest;
    this.util[at] = f.utilisation;
    this.max[at] = f.max ?? NaN;
    this.byCode.set(f.code, (this.byCode.get(f.code) ?? 0) + 1);
  }

  /** Failures by error code. */
  counts(): ReadonlyMap<number, number> {
    return this.byCode;
  }

  /** Slot of the k-th failure (0-based), or -1 when it was only counted. */
  private slotOf(k: number): number {
    if (k < 0 || k >= this.count) return -1;
    if (k < FAILURES_FIRST) return k;
    if (k < this.count - FAILURES_LAST) return -1;
    return FAILURES_FIRST + ((k - FAILURES_FIRST) % FAILURES_LAST);
  }

  /** The k-th failure (0-based), or null when only counted. */
  nth(k: number): Failure | null {
    const at = this.slotOf(k);
    if (at < 0) return null;
    const f: Failure = {
      op: this.op[at],
      cpu: this.cpu[at],
      bytes: this.bytes[at],
      code: this.code[at],
      largest: this.largest[at],
      utilisation: this.util[at],
    };
    if (!Number.isNaN(this.max[at])) f.max = this.max[at];
    return f;
  }

  /** The whole sample, oldest first (fewer than `count` when failures in the middle were only counted). */
  list(): Failure[] {
    return this.range(0, this.count);
  }

  /** The first `n` failures kept. */
  head(n: number): Failure[] {
    return this.range(0, Math.min(n, this.count));
  }

  /** The last `n` failures (all kept). */
  tail(n: number): Failure[] {
    return this.range(Math.max(0, this.count - Math.min(n, FAILURES_LAST)), this.count);
  }

  private range(from: number, to: number): Failure[] {
    const out: Failure[] = [];
    for (let k = from; k < to; k++) {
      const f = this.nth(k);
      if (f) out.push(f);
    }
    return out;
  }

  /**
   * Add another log's failures (free-running: each CPU stream keeps its own): its sample is
   * pushed, its other failures only counted.
   */
  merge(s: FailureLogState): void {
    const other = new FailureLog();
    other.restore(s);
    const sample = other.list();
    const left = new Map(other.byCode);
    for (const f of sample) {
      this.push(f);
      left.set(f.code, (left.get(f.code) ?? 0) - 1);
    }
    this.count += other.count - sample.length;
    for (const [code, n] of left) if (n > 0) this.byCode.set(code, (this.byCode.get(code) ?? 0) + n);
  }

  save(): FailureLogState {
    const n = Math.min(this.count, N);
    const cols = [this.op, this.cpu, this.bytes, this.code, this.largest, this.util, this.max].map((c) =>
      c.slice(0, n),
    );
    return { count: this.count, byCode: [...this.byCode], cols };
  }

  restore(s: FailureLogState): void {
    this.count = s.count;
    this.byCode = new Map(s.byCode);
    [this.op, this.cpu, this.bytes, this.code, this.largest, this.util, this.max].forEach((c, j) => {
      c.fill(0);
      c.set(s.cols[j]);
    });
  }
}

/** Why an allocation failed, in words (the op list, the CLI's text output). */
export function failureText(f: Failure): string {
  const what = errorText(f.code);
  if (f.largest < 0) return what;
  return `${what}; the largest free block CPU ${f.cpu} had was ${f.largest} B, ${f.bytes} B were requested`;
}
