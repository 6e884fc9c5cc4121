/**
 * When the charts redraw: one clock for all of them, driven by the metric history's changes.
 *
 * Why one clock: each chart used to poll the history on a timer of its own (250 ms). Ten charts
 * whose timers were not aligned made ten separate React commits, each with its own style, layout
 * and paint of the page, about forty a second while a run played, on the main thread that the
 * two cores also need for the simulation. Now a change schedules one tick, and every chart that
 * follows it re-renders in the same commit.
 *
 * Why slower while playing: a summary arrives every 100 ms while a run plays, and a chart's SVG
 * of thousands of path points costs its layout and paint each time; two pictures a second still
 * show the curves moving. A change while nothing plays (a step, a seek, the end of a play) is
 * drawn at once, no more often than every IDLE_MS (a key held down on Step).
 */

/** While a run plays, charts redraw at most this often (ms). */
export const PLAY_CHART_MS = 500;
/** Otherwise, at most this often (ms): a change is drawn at once unless the last tick was sooner. */
export const IDLE_CHART_MS = 100;

/** What the clock follows: MetricHistory (app/runtime/history.ts) has this shape. */
export interface ChangeSource {
  readonly version: number;
  readonly playing: boolean;
  onChange(f: () => void): () => void;
}

export class ChartClock {
  /** The source's version at the last tick: what the charts show. */
  version: number;
  /** Whether the last tick came while the run played (charts off screen then skip it). */
  playing = false;
  private last = -Infinity;
  private due = Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly source: ChangeSource,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.version = source.version;
    source.onChange(() => this.changed());
  }

  /** Call `f` on every tick; returns the function that stops it. */
  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private changed(): void {
    const at = this.last + (this.source.playing ? PLAY_CHART_MS : IDLE_CHART_MS);
    // A tick already due sooner stays; one due later (a play that just stopped) comes sooner.
    if (this.timer !== null && this.due <= at) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.due = at;
    this.timer = setTimeout(() => this.tick(), Math.max(0, at - this.now()));
  }

  private tick(): void {
    this.timer = null;
    this.due = Infinity;
    this.last = this.now();
    this.version = this.source.version;
    this.playing = this.source.playing;
    for (const f of this.listeners) f();
  }
}
