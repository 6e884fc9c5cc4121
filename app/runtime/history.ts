/**
 * Metric history per allocator, kept outside React state (charts read it when
 * they re-render, a few times a second). Fed from run summaries.
 *
 * Bounded memory: when a lane is full, every other point is dropped, so the
 * history always spans op 0 to now at a coarser step (like a zoomed-out plot).
 */
import type { Metrics } from '../../engine/core/metrics';
import type { Summary } from '../../engine/runtime/api';

export const SERIES_KEYS = [
  'utilisation',
  'internalFragmentation',
  'externalFragmentation',
  'largestFreeBytes',
  'requestedBytes',
  'allocatedBytes',
  'heldBytes',
  'freeBytes',
  'pendingBytes',
  'postponedBytes',
] as const satisfies readonly (keyof Metrics)[];
export type SeriesKey = (typeof SERIES_KEYS)[number];

/** Orders of /proc/buddyinfo (0 .. MAX_ORDER - 1 of include/linux/mmzone.h). */
export const BUDDY_ORDERS = 11;

export class LaneHistory {
  op: Float64Array;
  cols: Record<SeriesKey, Float64Array>;
  /**
   * Free blocks per order of the zone under the allocator (/proc/buddyinfo), BUDDY_ORDERS per
   * point; null until a summary brings one (allocators without a buddy zone never do).
   */
  buddy: Float64Array | null = null;
  length = 0;

  constructor(
    readonly label: string,
    readonly capacity: number,
  ) {
    this.op = new Float64Array(capacity);
    this.cols = Object.fromEntries(SERIES_KEYS.map((k) => [k, new Float64Array(capacity)])) as Record<
      SeriesKey,
      Float64Array
    >;
  }

  push(op: number, m: Metrics, buddyinfo?: readonly number[]): void {
    // Ops never go back within one history (seek back calls truncate first).
    while (this.length > 0 && this.op[this.length - 1] >= op) this.length--;
    if (this.length === this.capacity) this.decimate();
    const i = this.length++;
    this.op[i] = op;
    for (const k of SERIES_KEYS) this.cols[k][i] = m[k];
    if (buddyinfo) this.buddy ??= new Float64Array(this.capacity * BUDDY_ORDERS);
    if (this.buddy) for (let o = 0; o < BUDDY_ORDERS; o++) this.buddy[i * BUDDY_ORDERS + o] = buddyinfo?.[o] ?? 0;
  }

  /** Free blocks of `order` at point `i` (0 without a buddy zone). */
  buddyAt(i: number, order: number): number {
    return this.buddy ? this.buddy[i * BUDDY_ORDERS + order] : 0;
  }

  /** The buddyinfo of point `i` (a view, valid until the next push). */
  buddyRow(i: number): Float64Array | null {
    return this.buddy ? this.buddy.subarray(i * BUDDY_ORDERS, (i + 1) * BUDDY_ORDERS) : null;
  }

  truncate(op: number): void {
    while (this.length > 0 && this.op[this.length - 1] > op) this.length--;
  }

  /** Keep the even points (and always the last one). */
  private decimate(): void {
    let j = 0;
    for (let i = 0; i < this.length; i += 2, j++) {
      this.op[j] = this.op[i];
      for (const k of SERIES_KEYS) this.cols[k][j] = this.cols[k][i];
      if (this.buddy) this.buddy.copyWithin(j * BUDDY_ORDERS, i * BUDDY_ORDERS, (i + 1) * BUDDY_ORDERS);
    }
    this.length = j;
  }

  points(): ({ op: number } & Record<SeriesKey, number>)[] {
    const out = [];
    for (let i = 0; i < this.length; i++) {
      const p = { op: this.op[i] } as { op: number } & Record<SeriesKey, number>;
      for (const k of SERIES_KEYS) p[k] = this.cols[k][i];
      out.push(p);
    }
    return out;
  }
}

/**
 * Free-block histograms over op index, one lane per allocator, as flat [bytes, count, ...]
 * arrays (per-request indices are computed from them when drawn, so the request size can
 * change afterwards). Same rules as LaneHistory, with a smaller capacity: a histogram can
 * hold hundreds of sizes.
 */
export class HistogramLane {
  op: number[] = [];
  hist: Float64Array[] = [];

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.op.length;
  }

  push(op: number, histogram: readonly (readonly [number, number])[]): void {
    while (this.op.length > 0 && this.op[this.op.length - 1] >= op) {
      this.op.pop();
      this.hist.pop();
    }
    if (this.op.length === this.capacity) {
      this.op = this.op.filter((_, i) => i % 2 === 0);
      this.hist = this.hist.filter((_, i) => i % 2 === 0);
    }
    this.op.push(op);
    this.hist.push(Float64Array.from(histogram.flat()));
  }

  truncate(op: number): void {
    while (this.op.length > 0 && this.op[this.op.length - 1] > op) {
      this.op.pop();
      this.hist.pop();
    }
  }
}

export class MetricHistory {
  lanes: LaneHistory[] = [];
  histograms: HistogramLane[] = [];
  /** Bumps on every change, so readers can tell whether to redraw. */
  version = 0;
  /** Whether the newest summary pushed was taken while the run played (charts then redraw less often). */
  playing = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly capacity = 4096,
    readonly histogramCapacity = 512,
  ) {}

  /** Start over for a run with these allocator labels. */
  reset(labels: readonly string[]): void {
    this.lanes = labels.map((l) => new LaneHistory(l, this.capacity));
    this.histograms = labels.map(() => new HistogramLane(this.histogramCapacity));
    this.playing = false;
    this.changed();
  }

  /**
   * Call `f` after every change (synchronously, inside push or reset: a listener only schedules
   * its work); returns the function that stops it.
   */
  onChange(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private changed(): void {
    this.version++;
    for (const f of this.listeners) f();
  }

  push(s: Summary): void {
    if (s.allocators.length !== this.lanes.length) this.reset(s.allocators.map((a) => a.label));
    s.allocators.forEach((a, i) => {
      const lane = this.lanes[i];
      if (lane.length > 0 && lane.op[lane.length - 1] > a.op) lane.truncate(a.op);
      lane.push(a.op, a.metrics, a.buddyinfo);
      const hl = this.histograms[i];
      hl.truncate(a.op);
      hl.push(a.op, a.histogram);
    });
    this.playing = s.playing;
    this.changed();
  }

  toCSV(): string {
    const rows = [['allocator', 'op', ...SERIES_KEYS].join(',')];
    for (const lane of this.lanes) {
      for (const p of lane.points()) rows.push([csvField(lane.label), p.op, ...SERIES_KEYS.map((k) => p[k])].join(','));
    }
    return rows.join('\n') + '\n';
  }

  toJSON(): { allocators: { label: string; points: ReturnType<LaneHistory['points']> }[] } {
    return { allocators: this.lanes.map((l) => ({ label: l.label, points: l.points() })) };
  }
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
