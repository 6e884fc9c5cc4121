/** The fragmentation maps side by side on one op cursor, with legend, view toggles and PNG export. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { METRIC_DEFINITIONS } from '../../engine/core/metrics';
import { colourOf, fmtBytes, fmtPct } from '../render/format';
import { download } from '../export/download';
import type { PixelMode } from '../render/lod';
import { useStore } from '../store/store';
import { workloadLabel, type Setup } from '../url-state';
import { FragMap } from './FragMap';
import { mapClient } from './map-client';
import { PALETTE } from '../render/palette';

/** Every map's PNG files (each map worker makes its own), downloaded; returns the file names. */
async function exportMaps(what: 'view' | 'full', setup: Setup, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const c = mapClient(i);
    if (!c) throw new Error(`map ${i + 1} is not drawn yet`);
    for (const f of await c.exportPng(what, { workload: workloadLabel(setup), spec: setup.allocators[i] })) {
      download(f.name, f.blob);
      names.push(f.name);
    }
  }
  return names;
}

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
  const { status, info, runSetup, highFirst, sorted, pixelMode, setView, allocs } = useStore(
    useShallow((s) => ({
      status: s.status,
      info: s.info,
      runSetup: s.runSetup,
      highFirst: s.highFirst,
      sorted: s.sorted,
      pixelMode: s.pixelMode,
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
  const options = { highFirst, sorted, mode: pixelMode };
  const onExport = async (what: 'view' | 'full') => {
    setExportMsg(what === 'full' ? 'exporting every page...' : 'exporting the view...');
    try {
      const names = await exportMaps(what, runSetup, info.allocators.length);
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
        <label title="what a pixel that stands for many chunks shows">
          pixel shows{' '}
          <select
            aria-label="pixel shows"
            value={pixelMode}
            onChange={(e) => setView({ pixelMode: e.target.value as PixelMode })}
          >
            <option value="share">share of each state (blend)</option>
            <option value="worst">worst state</option>
          </select>
        </label>
        <button type="button" onClick={() => void onExport('full')} title="every page at one pixel per chunk">
          Export PNG
        </button>
        <button type="button" onClick={() => void onExport('view')} title="each map as shown">
          Export view
        </button>
        {exportMsg && <span className="muted small">{exportMsg}</span>}
      </div>
      <Legend />
      <p className="definition">
        One column per page, one row per {info.allocators[0]?.chunkBytes ?? 32}-byte chunk (seed, 6 Aug 2006: green
        free, red used), pages in bands of up to 16,384. Zoomed out, a pixel stands for the chunks under it (their
        blend, or the worst of them); where it covers more rows than it can show, columns show their pages&apos;
        proportions, as the seed&apos;s power-of-two picture. Hover for the pages and their totals, or, zoomed in, the
        chunk, its owner CPU and the block it belongs to (address, requested and rounded size).
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
            <FragMap
              index={i}
              info={a}
              spec={runSetup.allocators[i]}
              cpus={runSetup.cpus}
              published={info.published}
              options={options}
            />
          </div>
        );
      })}
    </section>
  );
}
