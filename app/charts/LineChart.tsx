/**
 * Metric(s) over op index, one colour per allocator, one dash per metric.
 * Reads MetricHistory (outside React) on the chart clock's ticks (chart-clock.ts), each series
 * thinned to the chart's width (downsample.ts); failures are marked as ticks at their op with
 * their size, from the summary of the store at that tick (history and store take each summary
 * together, so following the store as well would only redraw the chart more often).
 */
import { line, max, scaleLinear } from 'd3';
import { METRIC_DEFINITIONS } from '../../engine/core/metrics';
import { history } from '../runtime/actions';
import type { SeriesKey } from '../runtime/history';
import { useStore } from '../store/store';
import { XAxis, YAxis } from './Axis';
import { colourOf, fmtBytes, fmtPct } from '../render/format';
import { CHART, useHistoryTick } from './chart-utils';
import { columnPoints } from './downsample';
import { ChartCard } from './ChartCard';

const DASHES = ['', '5 3', '2 2', '8 3 2 3'];

export interface LineChartProps {
  title: string;
  /** The metrics drawn, or a function that says which at each redraw (PendingChart). */
  keys: SeriesKey[] | (() => SeriesKey[]);
  kind: 'ratio' | 'bytes';
  failures?: boolean;
  /** Extra lines of text under the metric definitions. */
  notes?: string[];
}

export function LineChart({ title, keys: keysOf, kind, failures, notes = [] }: LineChartProps) {
  const { box } = useHistoryTick();
  const summary = useStore.getState().summary;
  const keys = typeof keysOf === 'function' ? keysOf() : keysOf;
  const { w, h, m } = CHART;
  const lanes = history.lanes;
  let xMax = 1,
    yMax = kind === 'bytes' ? 1024 : 1;
  for (const l of lanes) {
    if (l.length === 0) continue;
    xMax = Math.max(xMax, l.op[l.length - 1]);
    if (kind === 'bytes') for (const k of keys) yMax = Math.max(yMax, max(l.cols[k].subarray(0, l.length)) ?? 0);
  }
  const x = scaleLinear()
    .domain([0, xMax])
    .range([m.left, w - m.right])
    .nice();
  const y = scaleLinear()
    .domain([0, yMax * (kind === 'bytes' ? 1.05 : 1)])
    .range([h - m.bottom, m.top])
    .nice();
  const fmt = kind === 'ratio' ? fmtPct : fmtBytes;
  const paths: { d: string; colour: string; dash: string; key: string }[] = [];
  lanes.forEach((l, i) => {
    keys.forEach((k, j) => {
      const col = l.cols[k];
      const idx = columnPoints(
        l.length,
        (n) => x(l.op[n]),
        (n) => col[n],
      );
      const d =
        line<number>()
          .x((n) => x(l.op[n]))
          .y((n) => y(l.cols[k][n]))(idx) ?? '';
      paths.push({ d, colour: colourOf(i), dash: DASHES[j % DASHES.length], key: `${i}-${k}` });
    });
  });
  const fails = failures
    ? (summary?.allocators ?? []).flatMap((a, i) => a.failures.slice(-40).map((f) => ({ ...f, i })))
    : [];
  const latest = lanes.map((l) => (l.length > 0 ? keys.map((k) => fmt(l.cols[k][l.length - 1])).join(' / ') : '-'));
  const legend = (
    <div className="chart-legend">
      {lanes.map((l, i) => (
        <span key={l.label + i}>
          <i className="swatch line" style={{ background: colourOf(i) }} />
          {l.label}: <b data-testid={`value-${keys[0]}-${i}`}>{latest[i]}</b>
        </span>
      ))}
      {keys.length > 1 &&
        keys.map((k, j) => (
          <span key={k}>
            <svg width={22} height={8}>
              <line x1={0} x2={22} y1={4} y2={4} stroke="#333" strokeDasharray={DASHES[j]} />
            </svg>
            {k.replace('Bytes', '')}
          </span>
        ))}
    </div>
  );
  return (
    <ChartCard
      title={title}
      definitions={[...keys.map((k) => METRIC_DEFINITIONS[k]), ...notes]}
      file={title}
      legend={legend}
      box={box}
    >
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-label={title}>
        <YAxis scale={y} x={m.left} fmt={fmt} width={w - m.left - m.right} />
        <XAxis scale={x} y={h - m.bottom} label="op" />
        {paths.map((p) => (
          <path key={p.key} d={p.d} fill="none" stroke={p.colour} strokeWidth={1.4} strokeDasharray={p.dash} />
        ))}
        {fails.map((f) => (
          <g key={`${f.i}-${f.op}`} transform={`translate(${x(f.op)},${m.top})`}>
            <line y2={h - m.top - m.bottom} stroke={colourOf(f.i)} strokeOpacity={0.5} strokeDasharray="1 2" />
            <text y={8 + 10 * f.i} x={2} fontSize={9} fill={colourOf(f.i)}>
              x {f.bytes} B
            </text>
          </g>
        ))}
      </svg>
    </ChartCard>
  );
}
