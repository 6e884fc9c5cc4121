/** Shared chart bits: allocator colours, formats, the history re-render tick. */
import { format } from 'd3';
import { useEffect, useState } from 'react';
import { history } from '../runtime/actions';

/** One colour per allocator (distinct from the map's red/green). */
export const ALLOCATOR_COLOURS = ['#1f5fbf', '#8e44ad', '#c07a00', '#138d75'];
export const colourOf = (i: number): string => ALLOCATOR_COLOURS[i % ALLOCATOR_COLOURS.length];

export const fmtPct = format('.1%');
const si = format('.3~s');
export const fmtBytes = (b: number): string => (Math.abs(b) < 1000 ? `${Math.round(b)} B` : `${si(b)}B`);

/** Re-render at most every `ms` while the metric history changes (charts never follow every frame). */
export function useHistoryTick(ms = 250): number {
  const [v, setV] = useState(history.version);
  useEffect(() => {
    const t = setInterval(() => setV((old) => (old === history.version ? old : history.version)), ms);
    return () => clearInterval(t);
  }, [ms]);
  return v;
}

export const CHART = { w: 460, h: 190, m: { top: 10, right: 12, bottom: 26, left: 52 } };
