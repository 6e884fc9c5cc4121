import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChartClock, IDLE_CHART_MS, PLAY_CHART_MS, type ChangeSource } from './chart-clock';

/** A source the test changes by hand; the clock reads fake time. */
function source() {
  const fs = new Set<() => void>();
  const s = {
    version: 0,
    playing: false,
    onChange: (f: () => void) => {
      fs.add(f);
      return () => fs.delete(f);
    },
    change(playing: boolean) {
      s.version++;
      s.playing = playing;
      for (const f of fs) f();
    },
  };
  return s satisfies ChangeSource;
}

describe('ChartClock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks once per PLAY_CHART_MS however many summaries arrive while playing', () => {
    const s = source();
    const clock = new ChartClock(s, () => Date.now());
    let ticks = 0;
    clock.subscribe(() => ticks++);
    // Ten summaries a second for two seconds.
    for (let t = 0; t < 2000; t += 100) {
      s.change(true);
      vi.advanceTimersByTime(100);
    }
    expect(ticks).toBeGreaterThanOrEqual(2000 / PLAY_CHART_MS - 1);
    expect(ticks).toBeLessThanOrEqual(2000 / PLAY_CHART_MS + 1);
    expect(clock.version).toBeGreaterThan(0);
    expect(clock.playing).toBe(true);
  });

  it('draws a change while nothing plays at once, and the end of a play without waiting the play period', () => {
    const s = source();
    const clock = new ChartClock(s, () => Date.now());
    let ticks = 0;
    clock.subscribe(() => ticks++);
    vi.advanceTimersByTime(1000);
    s.change(false);
    vi.advanceTimersByTime(0);
    expect(ticks).toBe(1);
    expect(clock.version).toBe(s.version);
    // A play: its first tick comes PLAY_CHART_MS after the last one.
    vi.advanceTimersByTime(IDLE_CHART_MS);
    s.change(true);
    vi.advanceTimersByTime(IDLE_CHART_MS);
    expect(ticks).toBe(1);
    // Paused now: the final summary is drawn at once, not at the play tick still due.
    s.change(false);
    vi.advanceTimersByTime(0);
    expect(ticks).toBe(2);
    expect(clock.version).toBe(s.version);
    expect(clock.playing).toBe(false);
  });

  it('never ticks without a change', () => {
    const s = source();
    const clock = new ChartClock(s, () => Date.now());
    let ticks = 0;
    clock.subscribe(() => ticks++);
    vi.advanceTimersByTime(10000);
    expect(ticks).toBe(0);
  });
});
