/** The comparison charts and the metric-history exports. */
import { download } from '../export/download';
import { history } from '../runtime/actions';
import { useStore } from '../store/store';
import { pngBase } from '../export/names';
import { BuddyinfoChart } from './BuddyinfoChart';
import { Histogram } from './Histogram';
import { OrderIndexChart } from './OrderIndexChart';
import { FragIndexChart } from './FragIndexChart';
import { LineChart } from './LineChart';
import { PendingChart } from './PendingChart';
import { SlabCaches } from './SlabCaches';

export function Charts() {
  const base = useStore((s) => (s.runSetup ? pngBase(s.runSetup) : 'fragscope'));
  return (
    <section className="charts">
      <div className="charts-head">
        <h2>Comparison</h2>
        <button type="button" onClick={() => download(`${base}_metrics.csv`, history.toCSV(), 'text/csv')}>
          Export CSV
        </button>
        <button
          type="button"
          onClick={() =>
            download(`${base}_metrics.json`, JSON.stringify(history.toJSON(), null, 1), 'application/json')
          }
        >
          Export JSON
        </button>
      </div>
      <div className="chart-grid">
        <LineChart title="Utilisation" keys={['utilisation']} kind="ratio" failures />
        <LineChart title="Internal fragmentation" keys={['internalFragmentation']} kind="ratio" />
        <LineChart title="External fragmentation" keys={['externalFragmentation']} kind="ratio" failures />
        <LineChart title="Largest free run" keys={['largestFreeBytes']} kind="bytes" failures />
        <LineChart
          title="Requested vs allocated vs held"
          keys={['requestedBytes', 'allocatedBytes', 'heldBytes']}
          kind="bytes"
        />
        <PendingChart />
        <Histogram />
        <FragIndexChart />
        <BuddyinfoChart />
        <OrderIndexChart />
      </div>
      <SlabCaches />
    </section>
  );
}
