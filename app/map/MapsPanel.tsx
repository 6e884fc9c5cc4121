/** The fragmentation maps side by side on one op cursor, with legend, view toggles and PNG export. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { METRIC_DEFINITIONS } from '../../engine/core/metrics';
import { colourOf, fmtBytes, fmtPct } from '../render/format';
import { exportMaps } from '../export/png';
import { liveSnapshot } from '../runtime/live-snapshot';
import { useStore } from '../store/store';
import { workloadLabel } from '../url-state';
import { FragMap } from './FragMap';
import { PALETTE } from '../render/palette';

export function Legend() {
  return (
    <div className="legend" aria-label="map legend">
      {PALETTE.map((p) => (
        <span key={p.code} title={p.description}>
          <i className="swatch" style={{ background: p.css }} />
          {p.label}
        </span>
      ))}
    </div>
  );
}

export function MapsPanel() {
  const { status, info, runSetup, highFirst, sorted, setView, allocs } = useStore(
    useShallow((s) => ({
      status: s.status,
      info: s.info,
      runSetup: s.runSetup,
      highFirst: s.highFirst,
      sorted: s.sorted,
      setView: s.setView,
      allocs: s.summary?.allocators,
    })),
  );
  const [exportMsg, setExportMsg] = useState<string | null>(null);
  if (!info || !runSetup)
    return (
      <section className="card maps muted" data-testid="maps-empty">
        {status === 'idle'
          ? 'No run: none was started. Change the setup if you like, then press Apply.'
          : 'Configuring the run...'}
      </section>
    );
  const view = { highFirst, sorted };
  const onExport = async () => {
    try {
      const live = liveSnapshot();
      const snapshot = live && live.copied >= 0 ? live.copy : null;
      const names = await exportMaps(snapshot, info.allocators, runSetup.allocators, workloadLabel(runSetup), view);
      setExportMsg(`saved ${names.join(', ')}`);
    } catch (e) {
      setExportMsg(`export failed: ${(e as Error).message}`);
    }
  };
  return (
    <section className="maps">
      <div className="maps-head">
        <h2>Fragmentation maps</h2>
        <label title="the seed drew NTA pages with higher addresses first">
          <input type="checkbox" checked={highFirst} onChange={(e) => setView({ highFirst: e.target.checked })} /> seed
          orientation (higher addresses first)
        </label>
        <label title="draw each page as its totals per state, like the seed's power-of-two picture">
          <input type="checkbox" checked={sorted} onChange={(e) => setView({ sorted: e.target.checked })} /> sorted per
          page
        </label>
        <button type="button" onClick={() => void onExport()}>
          Export PNG
        </button>
        {exportMsg && <span className="muted small">{exportMsg}</span>}
      </div>
      <Legend />
      <p className="definition">
        One column per page, one pixel per {info.allocators[0]?.chunkBytes ?? 32}-byte chunk (seed, 6 Aug 2006: green
        free, red used). Hover for page, chunk, state, owner CPU and the block it belongs to (address, requested and
        rounded size).
      </p>
      {info.allocators.map((a, i) => {
        const m = allocs?.[i]?.metrics;
        return (
          <div key={`${a.label}-${i}`} className="card map-card">
            <header>
              <h3>
                <i className="swatch line" style={{ background: colourOf(i) }} />
                {a.label}
              </h3>
              {m && (
                <span className="map-stats mono">
                  <span title={METRIC_DEFINITIONS.utilisation}>util {fmtPct(m.utilisation)}</span>
                  <span title={METRIC_DEFINITIONS.internalFragmentation}>int {fmtPct(m.internalFragmentation)}</span>
                  <span title={METRIC_DEFINITIONS.externalFragmentation}>ext {fmtPct(m.externalFragmentation)}</span>
                  <span title={METRIC_DEFINITIONS.largestFreeBytes}>largest free {fmtBytes(m.largestFreeBytes)}</span>
                  <span title={METRIC_DEFINITIONS.requestedBytes}>req {fmtBytes(m.requestedBytes)}</span>
                  <span title={METRIC_DEFINITIONS.allocatedBytes}>alloc {fmtBytes(m.allocatedBytes)}</span>
                  <span title={METRIC_DEFINITIONS.heldBytes}>held {fmtBytes(m.heldBytes)}</span>
                  <span>lane op {allocs?.[i]?.op}</span>
                </span>
              )}
            </header>
            <FragMap index={i} info={a} spec={runSetup.allocators[i]} cpus={runSetup.cpus} view={view} />
          </div>
        );
      })}
    </section>
  );
}
