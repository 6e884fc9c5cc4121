/** Shared chart bits: the chart box and the history re-render tick (colours and formats: render/format.ts). */
import { useEffect, useState } from 'react';
import { history } from '../runtime/actions';

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
