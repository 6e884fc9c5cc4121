/**
 * Free-run sizes: how many free blocks of each size (power-of-two buckets),
 * grouped bars per allocator, from the store's summary at each tick of the chart clock
 * (chart-clock.ts: fewer redraws while a run plays, none while off screen).
 */
import { scaleBand, scaleLinear } from 'd3';
import { METRIC_DEFINITIONS } from '../../engine/core/metrics';
import { useStore } from '../store/store';
import { XAxisBand } from './AxisBand';
import { YAxis } from './Axis';
import { colourOf, fmtBytes } from '../render/format';
import { CHART, useHistoryTick } from './chart-utils';
import { ChartCard } from './ChartCard';

/** Bucket index of a size: bucket b holds sizes in (2^(b-1), 2^b]. */
export const bucketOf = (bytes: number): number => Math.max(0, Math.ceil(Math.log2(bytes)));

export function bucketise(hist: readonly [number, number][]): Map<number, number> {
  const out = new Map<number, number>();
  for (const [bytes, count] of hist) out.set(bucketOf(bytes), (out.get(bucketOf(bytes)) ?? 0) + count);
  return out;
}

export function Histogram() {
  const { box } = useHistoryTick();
  const allocs = useStore.getState().summary?.allocators;
  const { w, h, m } = CHART;
  const per = (allocs ?? []).map((a) => bucketise(a.histogram));
  const buckets = [...new Set(per.flatMap((b) => [...b.keys()]))].sort((a, b) => a - b);
  const x = scaleBand<number>()
    .domain(buckets)
    .range([m.left, w - m.right])
    .padding(0.15);
  const inner = scaleBand<number>()
    .domain(per.map((_, i) => i))
    .range([0, x.bandwidth()])
    .padding(0.05);
  const yMax = Math.max(1, ...per.flatMap((b) => [...b.values()]));
  const y = scaleLinear()
    .domain([0, yMax])
    .range([h - m.bottom, m.top])
    .nice();
  const legend = (
    <div className="chart-legend">
      {(allocs ?? []).map((a, i) => (
        <span key={a.label + i}>
          <i className="swatch" style={{ background: colourOf(i) }} />
          {a.label}: {a.histogram.reduce((n, [, c]) => n + c, 0)} free blocks
        </span>
      ))}
    </div>
  );
  return (
    <ChartCard
      title="Free-run sizes"
      file="free-run-histogram"
      legend={legend}
      box={box}
      definitions={[
        'Count of free blocks (blocks one allocation could get) per size bucket; bucket "≤N" holds sizes in (N/2, N].',
        METRIC_DEFINITIONS.largestFreeBytes,
      ]}
    >
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-label="free-run size histogram">
        <YAxis scale={y} x={m.left} fmt={(v) => String(v)} width={w - m.left - m.right} />
        <XAxisBand scale={x} y={h - m.bottom} fmt={(b) => `≤${fmtBytes(2 ** b)}`} />
        {per.map((b, i) =>
          [...b.entries()].map(([bucket, count]) => (
            <rect
              key={`${i}-${bucket}`}
              x={(x(bucket) ?? 0) + (inner(i) ?? 0)}
              width={inner.bandwidth()}
              y={y(count)}
              height={y(0) - y(count)}
              fill={colourOf(i)}
            >
              <title>{`${allocs?.[i]?.label}: ${count} free blocks of ${fmtBytes(2 ** (bucket - 1))}..${fmtBytes(2 ** bucket)}`}</title>
            </rect>
          )),
        )}
      </svg>
    </ChartCard>
  );
}
