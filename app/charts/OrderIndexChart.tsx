/**
 * Gorman's unusable-free-space index (dashed) and fragmentation index (solid) of one page order
 * over op index, per allocator with a buddy zone, computed from its buddyinfo history
 * (order-indices.ts); under the chart, the latest values of every order as the kernel's
 * extfrag/unusable_index and extfrag_index print them (each row's title holds the file's line).
 */
import { line, scaleLinear } from 'd3';
import { useState } from 'react';
import { colourOf } from '../render/format';
import { XAxis, YAxis } from './Axis';
import { buddyLanes } from './BuddyinfoChart';
import { CHART, useHistoryTick } from './chart-utils';
import { columnPoints } from './downsample';
import { ChartCard } from './ChartCard';
import { fmtThousandths, indexLine, orderIndices } from './order-indices';
import { BUDDY_ORDERS } from '../runtime/history';

export const ORDER_INDEX_DEFINITIONS = [
  'Unusable free space index of order k (mm/vmstat.c): the share of free pages that cannot serve an order-k request, ' +
    '(free pages - suitable blocks x 2^k) / free pages, suitable blocks counted in order-k units; 1 when nothing is free.',
  'Fragmentation index of order k (mm/vmstat.c): -1 when an order-k block is free; otherwise 1 - (1 + free pages / 2^k) / free blocks. ' +
    'Near 0: the request would fail for lack of memory; near 1: because free memory is in pieces too small.',
];

/** PAGE_ALLOC_COSTLY_ORDER (include/linux/mmzone.h): the order above which the kernel calls a request costly. */
const DEFAULT_ORDER = 3;

export function OrderIndexChart() {
  const { box } = useHistoryTick();
  const [order, setOrder] = useState(DEFAULT_ORDER);
  const { w, h, m } = CHART;
  const lanes = buddyLanes();
  let xMax = 1;
  for (const { lane } of lanes) xMax = Math.max(xMax, lane.op[lane.length - 1]);
  const x = scaleLinear()
    .domain([0, xMax])
    .range([m.left, w - m.right])
    .nice();
  const y = scaleLinear()
    .domain([-1, 1])
    .range([h - m.bottom, m.top]);
  const series = lanes.map(({ lane }) =>
    Array.from({ length: lane.length }, (_, n) => orderIndices(lane.buddyRow(n) ?? [])),
  );
  const paths = lanes.flatMap(({ lane, i }, j) =>
    (['fragmentation', 'unusable'] as const).map((k) => ({
      key: `${i}-${k}`,
      colour: colourOf(i),
      dash: k === 'unusable' ? '5 3' : '',
      d:
        line<number>()
          .x((n) => x(lane.op[n]))
          .y((n) => y(series[j][n][k][order] / 1000))(
          columnPoints(
            series[j].length,
            (n) => x(lane.op[n]),
            (n) => series[j][n][k][order],
          ),
        ) ?? '',
    })),
  );
  const legend = (
    <div className="chart-legend">
      <label className="field inline">
        <span>order</span>
        <select aria-label="order" value={order} onChange={(e) => setOrder(Number(e.target.value))}>
          {Array.from({ length: BUDDY_ORDERS }, (_, o) => (
            <option key={o} value={o}>
              {o} ({4 << o} KiB)
            </option>
          ))}
        </select>
      </label>
      {lanes.map(({ lane, i }) => (
        <span key={`${lane.label}${i}`}>
          <i className="swatch line" style={{ background: colourOf(i) }} />
          {lane.label}
        </span>
      ))}
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
  const title = 'Fragmentation index per order';
  return (
    <ChartCard
      title={title}
      definitions={ORDER_INDEX_DEFINITIONS}
      file={`order-index-${order}`}
      legend={legend}
      box={box}
    >
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-label={`${title}: order ${order}`}>
        <YAxis scale={y} x={m.left} fmt={(v) => String(v)} width={w - m.left - m.right} />
        <line x1={m.left} x2={w - m.right} y1={y(0)} y2={y(0)} stroke="#aaa" />
        <XAxis scale={x} y={h - m.bottom} label="op" />
        {paths.map((p) => (
          <path key={p.key} d={p.d} fill="none" stroke={p.colour} strokeWidth={1.4} strokeDasharray={p.dash} />
        ))}
        <text x={w - m.right} y={m.top + 8} textAnchor="end" fontSize={9} fill="#555">
          order {order}
        </text>
      </svg>
      {lanes.length === 0 && <p className="muted">No allocator of this run reports its buddy zone.</p>}
      {lanes.map(({ lane, i }, j) => {
        const last = series[j][series[j].length - 1];
        return (
          <div key={`${lane.label}${i}`} data-testid={`extfrag-${i}`}>
            <div className="muted">{lane.label}</div>
            <table className="buddyinfo-table">
              <tbody>
                <tr>
                  <th>order</th>
                  {Array.from({ length: BUDDY_ORDERS }, (_, o) => (
                    <th key={o}>{o}</th>
                  ))}
                </tr>
                {last &&
                  (['unusable', 'fragmentation'] as const).map((k) => (
                    <tr
                      key={k}
                      title={`${k === 'unusable' ? 'unusable_index' : 'extfrag_index'}: ${indexLine(last[k])}`}
                    >
                      <th>{k === 'unusable' ? 'unusable' : 'extfrag'}</th>
                      {last[k].map((v, o) => (
                        <td key={o}>{fmtThousandths(v)}</td>
                      ))}
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </ChartCard>
  );
}
