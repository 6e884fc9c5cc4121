/**
 * Linux's fragmentation index (solid) and unusable index (dashed) for one request size,
 * per allocator over op index, computed from the free-block histograms kept in the
 * metric history (so changing the request redraws the whole run).
 */
import { line, scaleLinear } from 'd3';
import { useState } from 'react';
import { history } from '../runtime/actions';
import { useStore } from '../store/store';
import { XAxis, YAxis } from './Axis';
import { colourOf, fmtPct } from '../render/format';
import { CHART, useHistoryTick } from './chart-utils';
import { columnPoints } from './downsample';
import { ChartCard } from './ChartCard';
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
  const { w, h, m } = CHART;
  const lanes = history.histograms;
  const series = lanes.map((l) => l.hist.map((hist) => requestIndices(hist, request)));
  let xMax = 1;
  for (const l of lanes) if (l.length > 0) xMax = Math.max(xMax, l.op[l.length - 1]);
  const x = scaleLinear()
    .domain([0, xMax])
    .range([m.left, w - m.right])
    .nice();
  const y = scaleLinear()
    .domain([-1, 1])
    .range([h - m.bottom, m.top]);
  const paths = lanes.flatMap((l, i) =>
    (['fragmentation', 'unusable'] as const).map((k) => ({
      key: `${i}-${k}`,
      colour: colourOf(i),
      dash: k === 'unusable' ? '5 3' : '',
      d:
        line<number>()
          .x((n) => x(l.op[n]))
          .y((n) => y(series[i][n][k]))(
          columnPoints(
            series[i].length,
            (n) => x(l.op[n]),
            (n) => series[i][n][k],
          ),
        ) ?? '',
    })),
  );
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
      <span>
        <svg width={22} height={8}>
          <line x1={0} x2={22} y1={4} y2={4} stroke="#333" />
        </svg>
        fragmentation index
      </span>
      <span>
        <svg width={22} height={8}>
          <line x1={0} x2={22} y1={4} y2={4} stroke="#333" strokeDasharray="5 3" />
        </svg>
        unusable index
      </span>
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
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-label={`${title} for a ${request}-byte request`}>
        <YAxis scale={y} x={m.left} fmt={(v) => String(v)} width={w - m.left - m.right} />
        <line x1={m.left} x2={w - m.right} y1={y(0)} y2={y(0)} stroke="#aaa" />
        <XAxis scale={x} y={h - m.bottom} label="op" />
        {paths.map((p) => (
          <path key={p.key} d={p.d} fill="none" stroke={p.colour} strokeWidth={1.4} strokeDasharray={p.dash} />
        ))}
        <text x={w - m.right} y={m.top + 8} textAnchor="end" fontSize={9} fill="#555">
          request {request} B
        </text>
      </svg>
    </ChartCard>
  );
}
