/**
 * /proc/buddyinfo over op index: free blocks of each order of the zone under each allocator that
 * has one (the buddy page allocator itself, and SLAB and SLUB over it), one small chart per
 * allocator, one line per order, on a log scale (order-0 counts run to thousands while order 10
 * has a handful). Under each, the latest counts per order (the file's line in its title).
 */
import { interpolateTurbo, line, scaleLinear } from 'd3';
import { history } from '../runtime/actions';
import { BUDDY_ORDERS, type LaneHistory } from '../runtime/history';
import { colourOf } from '../render/format';
import { XAxis } from './Axis';
import { CHART, useHistoryTick } from './chart-utils';
import { columnPoints } from './downsample';
import { ChartCard } from './ChartCard';
import { buddyinfoLine } from './order-indices';

export const orderColour = (o: number): string => interpolateTurbo(0.1 + (0.8 * o) / (BUDDY_ORDERS - 1));
const lg = (v: number) => Math.log10(1 + v);
const TICKS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 100000, 1000000];

export const BUDDYINFO_DEFINITION =
  'Buddy free blocks (/proc/buddyinfo, mm/page_alloc.c): free blocks of 2^order pages on each free list of the zone, ' +
  'orders 0 to 10. Many low-order blocks and few high-order ones: free memory is split into small pieces.';

/** The lanes with a buddy zone, with their index. */
export function buddyLanes(): { lane: LaneHistory; i: number }[] {
  return history.lanes.flatMap((lane, i) => (lane.buddy && lane.length > 0 ? [{ lane, i }] : []));
}

function LaneChart({ lane, i, xMax }: { lane: LaneHistory; i: number; xMax: number }) {
  const { w, m } = CHART;
  const h = 120;
  let yMax = 1;
  for (let n = 0; n < lane.length; n++)
    for (let o = 0; o < BUDDY_ORDERS; o++) yMax = Math.max(yMax, lane.buddyAt(n, o));
  const x = scaleLinear()
    .domain([0, xMax])
    .range([m.left, w - m.right])
    .nice();
  const y = scaleLinear()
    .domain([0, lg(yMax) * 1.05])
    .range([h - m.bottom, m.top]);
  // Tick labels at least 12 px apart (the small values crowd on a log scale).
  const ticks: number[] = [];
  for (const t of TICKS)
    if (t <= yMax && (ticks.length === 0 || y(lg(ticks[ticks.length - 1])) - y(lg(t)) >= 12)) ticks.push(t);
  const last = lane.buddyRow(lane.length - 1);
  return (
    <div className="buddy-lane">
      <div>
        <i className="swatch line" style={{ background: colourOf(i) }} />
        {lane.label}
      </div>
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-label={`buddyinfo of ${lane.label}`}>
        <g>
          {ticks.map((t) => (
            <g key={t} transform={`translate(${m.left},${y(lg(t))})`}>
              <line x2={w - m.left - m.right} stroke="#eee" />
              <text x={-6} dy="0.32em" textAnchor="end" fontSize={10}>
                {t >= 1000 ? `${t / 1000}k` : t}
              </text>
            </g>
          ))}
        </g>
        <XAxis scale={x} y={h - m.bottom} label="op" />
        {Array.from({ length: BUDDY_ORDERS }, (_, o) => (
          <path
            key={o}
            d={
              line<number>()
                .x((n) => x(lane.op[n]))
                .y((n) => y(lg(lane.buddyAt(n, o))))(
                columnPoints(
                  lane.length,
                  (n) => x(lane.op[n]),
                  (n) => lane.buddyAt(n, o),
                ),
              ) ?? ''
            }
            fill="none"
            stroke={orderColour(o)}
            strokeWidth={1.3}
          />
        ))}
        {/* The latest point of each order: a run opened at an op has one point and no line yet. */}
        {lane.length > 0 &&
          Array.from({ length: BUDDY_ORDERS }, (_, o) => (
            <circle
              key={o}
              cx={x(lane.op[lane.length - 1])}
              cy={y(lg(lane.buddyAt(lane.length - 1, o)))}
              r={2.2}
              fill={orderColour(o)}
            />
          ))}
      </svg>
      {last && (
        <table className="buddyinfo-table" data-testid={`buddyinfo-${i}`} title={buddyinfoLine(last)}>
          <tbody>
            <tr>
              <th>order</th>
              {Array.from(last, (_, o) => (
                <th key={o}>{o}</th>
              ))}
            </tr>
            <tr>
              <th>free</th>
              {Array.from(last, (n, o) => (
                <td key={o}>{n}</td>
              ))}
            </tr>
          </tbody>
        </table>
      )}
    </div>
  );
}

export function BuddyinfoChart() {
  const { box } = useHistoryTick();
  const lanes = buddyLanes();
  let xMax = 1;
  for (const { lane } of lanes) xMax = Math.max(xMax, lane.op[lane.length - 1]);
  const legend = (
    <div className="chart-legend">
      {Array.from({ length: BUDDY_ORDERS }, (_, o) => (
        <span key={o}>
          <i className="swatch line" style={{ background: orderColour(o) }} />
          order {o}
        </span>
      ))}
    </div>
  );
  return (
    <ChartCard
      title="Buddy free blocks per order"
      definitions={[BUDDYINFO_DEFINITION]}
      file="buddyinfo"
      legend={legend}
      box={box}
    >
      {lanes.length === 0 && <p className="muted">No allocator of this run reports its buddy zone.</p>}
      {lanes.map(({ lane, i }) => (
        <LaneChart key={`${lane.label}${i}`} lane={lane} i={i} xMax={xMax} />
      ))}
    </ChartCard>
  );
}
