/** Shared chart bits: the chart box and the redraw tick (colours and formats: render/format.ts). */
import { startTransition, useEffect, useRef, useState, type RefObject } from 'react';
import { history } from '../runtime/actions';
import { ChartClock } from './chart-clock';

/** The one clock every chart follows (chart-clock.ts says why). */
const clock = new ChartClock(history);

/**
 * Re-render on the chart clock's ticks; returns the history version drawn and a ref for the
 * chart's box (ChartCard's `box`). While a run plays, a chart off screen skips the ticks (its
 * layout and paint are spent for no one) and catches up when it scrolls into view or the run
 * stops; a browser without IntersectionObserver counts every chart as on screen.
 */
export function useHistoryTick(): { tick: number; box: RefObject<HTMLElement | null> } {
  const box = useRef<HTMLElement | null>(null);
  const [tick, setTick] = useState(clock.version);
  useEffect(() => {
    let visible = true;
    const el = box.current;
    const io =
      el && typeof IntersectionObserver === 'function'
        ? new IntersectionObserver((es) => {
            visible = es[es.length - 1].isIntersecting;
            if (visible) setTick(clock.version);
          })
        : null;
    if (el && io) io.observe(el);
    // Caught up at once: a tick may have come between the first render and this effect.
    setTick(clock.version);
    // A transition: React renders the charts in slices and lets other tasks run between them
    // (the maps' frame messages after a seek, which the page waits for), then commits them together.
    const stop = clock.subscribe(() => {
      if (visible || !clock.playing) startTransition(() => setTick(clock.version));
    });
    return () => {
      stop();
      io?.disconnect();
    };
  }, []);
  return { tick, box };
}

export const CHART = { w: 460, h: 190, m: { top: 10, right: 12, bottom: 26, left: 52 } };
