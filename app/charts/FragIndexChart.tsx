/**
 * Linux's fragmentation index (solid) and unusable index (dashed) for one request size,
 * per allocator over op index, computed from the free-block histograms kept in the
 * metric history (so changing the request redraws the whole run).
 */
import { useState } from 'react';
import { history } from '../runtime/actions';
import { useStore } from '../store/store';
import { colourOf, fmtPct } from '../render/format';
import { useHistoryTick } from './chart-utils';
import { ChartCard } from './ChartCard';
import { IndexKey, IndexPlot } from './IndexPlot';
import { REQUEST_INDEX_DEFINITIONS, requestIndices } from '../../engine/core/metrics';

export const MAX_REQUEST = 1 << 24;
const fmtIndex = (v: number): string => v.toFixed(3);

/** A request size as typed, or null when it is not an integer from 1 to MAX_REQUEST. */
export function parseRequest(raw: string): number | null {
  if (!/^\d+$/.test(raw.trim())) return null;
  const v = Number(raw);
  return v >= 1 && v <= MAX_REQUEST ? v : null;
}

function RequestInput() {
  const request = useStore((s) => s.request);
  const setView = useStore((s) => s.setView);
  const [text, setText] = useState(String(request));
  const bad = parseRequest(text) === null;
  return (
    <label className="field inline request-field" title={`an integer from 1 to ${MAX_REQUEST}`}>
      <span>request (bytes)</span>
      <input
        type="number"
        min={1}
        max={MAX_REQUEST}
        step={1}
        value={text}
        aria-invalid={bad}
        aria-label="request (bytes)"
        className={bad ? 'invalid' : undefined}
        onChange={(e) => {
          setText(e.target.value);
          const v = parseRequest(e.target.value);
          if (v !== null) setView({ request: v });
        }}
      />
    </label>
  );
}

export function FragIndexChart() {
  const { box } = useHistoryTick();
  const request = useStore((s) => s.request);
  const lanes = history.histograms;
  const series = lanes.map((l) => l.hist.map((hist) => requestIndices(hist, request)));
  const labels = history.lanes.map((l) => l.label);
  const legend = (
    <div className="chart-legend">
      <RequestInput />
      {lanes.map((_, i) => {
        const last = series[i][series[i].length - 1];
        return (
          <span key={`${labels[i]}${i}`}>
            <i className="swatch line" style={{ background: colourOf(i) }} />
            {labels[i]}: <b data-testid={`value-fragIndex-${i}`}>{last ? fmtIndex(last.fragmentation) : '-'}</b>
            {last && <> / {fmtPct(last.unusable)}</>}
          </span>
        );
      })}
      <IndexKey />
    </div>
  );
  const title = 'Fragmentation index';
  return (
    <ChartCard
      title={title}
      definitions={REQUEST_INDEX_DEFINITIONS}
      file={`fragmentation-index-${request}B`}
      legend={legend}
      box={box}
    >
      <IndexPlot
        series={lanes.map((l, i) => ({
          i,
          length: series[i].length,
          op: (n) => l.op[n],
          value: (n, k) => series[i][n][k],
        }))}
        label={`${title} for a ${request}-byte request`}
        corner={`request ${request} B`}
      />
    </ChartCard>
  );
}
