/**
 * What the two fragmentation-index charts share (FragIndexChart: one request size;
 * OrderIndexChart: one page order): a -1..1 plot over op index with a zero line, a solid line
 * (fragmentation index) and a dashed one (unusable index) per allocator, and their key.
 */
import { line, scaleLinear } from 'd3';
import { colourOf } from '../render/format';
import { XAxis, YAxis } from './Axis';
import { CHART } from './chart-utils';
import { columnPoints } from './downsample';

export const INDEX_KINDS = ['fragmentation', 'unusable'] as const;
export type IndexKind = (typeof INDEX_KINDS)[number];

/** One allocator's series: its colour index, points, op index and value of each point. */
export interface IndexSeries {
  i: number;
  length: number;
  op: (n: number) => number;
  value: (n: number, k: IndexKind) => number;
}

const DASH: Record<IndexKind, string> = { fragmentation: '', unusable: '5 3' };

/** The plot of `series`, with `corner` written at its top right (what it is drawn for). */
export function IndexPlot({ series, label, corner }: { series: IndexSeries[]; label: string; corner: string }) {
  const { w, h, m } = CHART;
  let xMax = 1;
  for (const s of series) if (s.length > 0) xMax = Math.max(xMax, s.op(s.length - 1));
  const x = scaleLinear()
    .domain([0, xMax])
    .range([m.left, w - m.right])
    .nice();
  const y = scaleLinear()
    .domain([-1, 1])
    .range([h - m.bottom, m.top]);
  const paths = series.flatMap((s) =>
    INDEX_KINDS.map((k) => ({
      key: `${s.i}-${k}`,
      colour: colourOf(s.i),
      dash: DASH[k],
      d:
        line<number>()
          .x((n) => x(s.op(n)))
          .y((n) => y(s.value(n, k)))(
          columnPoints(
            s.length,
            (n) => x(s.op(n)),
            (n) => s.value(n, k),
          ),
        ) ?? '',
    })),
  );
  return (
    <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-label={label}>
      <YAxis scale={y} x={m.left} fmt={(v) => String(v)} width={w - m.left - m.right} />
      <line x1={m.left} x2={w - m.right} y1={y(0)} y2={y(0)} stroke="#aaa" />
      <XAxis scale={x} y={h - m.bottom} label="op" />
      {paths.map((p) => (
        <path key={p.key} d={p.d} fill="none" stroke={p.colour} strokeWidth={1.4} strokeDasharray={p.dash} />
      ))}
      <text x={w - m.right} y={m.top + 8} textAnchor="end" fontSize={9} fill="#555">
        {corner}
      </text>
    </svg>
  );
}

/** The legend's key to the two line styles. */
export function IndexKey() {
  return (
    <>
      {INDEX_KINDS.map((k) => (
        <span key={k}>
          <svg width={22} height={8}>
            <line x1={0} x2={22} y1={4} y2={4} stroke="#333" strokeDasharray={DASH[k] || undefined} />
          </svg>
          {k} index
        </span>
      ))}
    </>
  );
}
