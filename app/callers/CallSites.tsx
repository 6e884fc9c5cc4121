/**
 * Per call site statistics of the trace being replayed (as `perf kmem stat --caller`, and the
 * CLI's --callers: the same rows, from the control worker). Sortable by any column; selecting
 * a row marks that site's blocks live at the op cursor on every map (the store's 'site'
 * overlays), again whenever the cursor moves, and clears them when it is deselected.
 */
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CallerRow } from '../../engine/import/callers';
import type { OverlayLayer } from '../render/overlay';
import { control, withTimeout } from '../runtime/client';
import { useStore } from '../store/store';
import { TRACE_WORKLOAD } from '../url-state';
import { cellText, columns, sortRows, totals } from './table';

/** How the selected site's blocks are marked (magenta: neither a state colour of the maps nor a failure's). */
const SITE_RGB = [230, 0, 200] as const;
const SOURCE = 'site';

function siteLayers(perLane: readonly Float64Array[]): OverlayLayer[][] {
  return perLane.map((ranges) => [{ name: SOURCE, ranges, style: 'tint', rgb: SITE_RGB, alpha: 0.8 }]);
}

export function CallSites() {
  const { runSetup, traces, info, op, setOverlays } = useStore(
    useShallow((s) => ({
      runSetup: s.runSetup,
      traces: s.traces,
      info: s.info,
      op: s.summary?.op ?? 0,
      setOverlays: s.setOverlays,
    })),
  );
  const trace = runSetup?.workload === TRACE_WORKLOAD && runSetup.trace ? traces[runSetup.trace] : undefined;
  const sites = trace?.trace.summary.callSites ?? 0;
  const [rows, setRows] = useState<CallerRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState({ key: 'bytesRequested', desc: true });
  const [selected, setSelected] = useState<string | null>(null);

  // A new configuration: a new table (it covers the whole trace), nothing selected.
  useEffect(() => {
    setRows(null);
    setError(null);
    setSelected(null);
    if (!info || sites === 0) return;
    let alive = true;
    control()
      .then((r) => withTimeout(r.callers(), 300000, 'callers'))
      .then((got) => alive && setRows(got ?? []))
      .catch((e: unknown) => alive && setError((e as Error).message));
    return () => {
      alive = false;
    };
  }, [info, sites]);

  // The selected site's live blocks at the cursor, on every map.
  useEffect(() => {
    if (!selected || !info) {
      setOverlays(SOURCE, null);
      return;
    }
    let alive = true;
    control()
      .then((r) => withTimeout(r.siteBlocks(selected), 30000, 'siteBlocks'))
      .then((perLane) => alive && setOverlays(SOURCE, siteLayers(perLane)))
      .catch((e: unknown) => alive && setError((e as Error).message));
    return () => {
      alive = false;
    };
  }, [selected, op, info, setOverlays]);
  useEffect(() => () => setOverlays(SOURCE, null), [setOverlays]);

  const cols = useMemo(() => columns(info?.allocators.map((a) => a.label) ?? []), [info]);
  const sorted = useMemo(() => (rows ? sortRows(rows, sort.key, sort.desc) : []), [rows, sort]);
  if (!info || sites === 0) return null;
  const total = rows && rows.length > 0 ? totals(rows) : null;
  return (
    <section className="card callsites" aria-label="call sites" data-testid="call-sites">
      <h2>Call sites</h2>
      <p className="definition">
        Per call site of the whole trace, as <code>perf kmem stat --caller</code> (and the CLI&apos;s{' '}
        <code>--callers</code>): frag % = 100 - 100 × requested / handed out; x-cpu frees are frees on another CPU than
        the allocation. Select a row to tint its blocks live at the current op on every map (magenta).
      </p>
      {error && <p className="error">{error}</p>}
      {!rows && !error && <p className="muted">computing the table over the whole trace…</p>}
      {rows && (
        <div className="callsites-scroll">
          <table>
            <thead>
              <tr>
                {cols.map((c) => (
                  <th
                    key={c.key}
                    title={c.title}
                    aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                  >
                    <button
                      type="button"
                      onClick={() =>
                        setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : c.key !== 'site' }))
                      }
                    >
                      {c.label}
                      {sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sorted.map((r) => (
                <tr
                  key={r.site}
                  data-testid="callsite-row"
                  aria-selected={selected === r.site}
                  className={selected === r.site ? 'selected' : undefined}
                  onClick={() => setSelected((s) => (s === r.site ? null : r.site))}
                >
                  {cols.map((c) => (
                    <td key={c.key}>{cellText(r, c.key)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
            {total && (
              <tfoot>
                <tr data-testid="callsite-total">
                  {cols.map((c) => (
                    <td key={c.key}>{cellText(total, c.key)}</td>
                  ))}
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      )}
    </section>
  );
}
