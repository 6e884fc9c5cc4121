/**
 * Gorman's unusable-free-space index (dashed) and fragmentation index (solid) of one page order
 * over op index, per allocator with a buddy zone, computed from its buddyinfo history
 * (order-indices.ts); under the chart, the latest values of every order as the kernel's
 * extfrag/unusable_index and extfrag_index print them (each row's title holds the file's line).
 */
import { useState } from 'react';
import { colourOf } from '../render/format';
import { buddyLanes } from './BuddyinfoChart';
import { useHistoryTick } from './chart-utils';
import { ChartCard } from './ChartCard';
import { IndexKey, IndexPlot } from './IndexPlot';
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
  const lanes = buddyLanes();
  const series = lanes.map(({ lane }) =>
    Array.from({ length: lane.length }, (_, n) => orderIndices(lane.buddyRow(n) ?? [])),
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
      <IndexKey />
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
      <IndexPlot
        series={lanes.map(({ lane, i }, j) => ({
          i,
          length: series[j].length,
          op: (n) => lane.op[n],
          // Thousandths, as the kernel prints them.
          value: (n, k) => series[j][n][k][order] / 1000,
        }))}
        label={`${title}: order ${order}`}
        corner={`order ${order}`}
      />
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
