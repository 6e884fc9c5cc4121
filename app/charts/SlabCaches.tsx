/**
 * The kernel allocators' caches: a /proc/slabinfo table per allocator that has caches (SLAB,
 * SLUB), sortable by column, and the toggle that colours the maps' slab pages by cache with a
 * legend of the caches shown. Both read the control API's kernelView every POLL_MS at most,
 * and only when the op moved (or the toggle changed): a few small answers a second, so Play
 * keeps its pace. The cache ranges cost more on large pools and follow their own, slower pace.
 */
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { capabilitiesOf } from '../../engine/allocators/registry';
import type { SlabinfoRow } from '../../engine/core/types';
import type { CacheRanges } from '../../engine/runtime/kernel-views';
import { cacheCss, cacheRgb } from '../render/cache-colours';
import { colourOf, fmtBytes } from '../render/format';
import type { OverlayLayer } from '../render/overlay';
import { kernelView } from '../runtime/kernel-view';
import { useStore } from '../store/store';
import { arrayBytes, cellText, columnsFor, sortRows, withSlabs, type SlabColumnKey } from './slabinfo-table';

export const POLL_MS = 250;
/** The slab pages by cache are read at most once per this many times their last read took (at least POLL_MS). */
const CACHES_COST_FACTOR = 10;
/** The store's overlay source of the cache colours. */
export const CACHE_OVERLAY = 'caches';
/** Tint opacity: the cache colour must dominate, while used and free still show through a little. */
const CACHE_ALPHA = 0.8;

/** Overlay layers of one lane: one tinted layer per cache with slab pages. */
export function cacheLayers(c: CacheRanges): OverlayLayer[] {
  return c.names.flatMap((name, k) =>
    c.ranges[k].length > 0
      ? [
          {
            name: `cache:${name}`,
            ranges: c.ranges[k],
            style: 'tint' as const,
            rgb: cacheRgb(name),
            alpha: CACHE_ALPHA,
          },
        ]
      : [],
  );
}

interface LaneTable {
  lane: number;
  label: string;
  op: number;
  rows: SlabinfoRow[];
}

function Table({ t }: { t: LaneTable }) {
  const [sort, setSort] = useState<{ key: SlabColumnKey; desc: boolean }>({ key: 'numSlabs', desc: true });
  const [all, setAll] = useState(false);
  const cols = columnsFor(t.rows);
  const rows = sortRows(withSlabs(t.rows, all), sort.key, sort.desc);
  const arrays = arrayBytes(t.rows);
  return (
    <section className="card slabinfo" data-testid={`slabinfo-${t.lane}`} data-op={t.op}>
      <header>
        <h3>
          <i className="swatch line" style={{ background: colourOf(t.lane) }} />
          {t.label}: /proc/slabinfo
        </h3>
        <label className="muted">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> caches without slabs
        </label>
      </header>
      {arrays && (
        <p className="muted small" data-testid={`array-bytes-${t.lane}`}>
          objects kept in array caches: {arrays.perCpu.map((b, cpu) => `CPU ${cpu} ${fmtBytes(b)}`).join(', ')}; shared
          arrays {fmtBytes(arrays.shared)}
        </p>
      )}
      <div className="slabinfo-scroll">
        <table>
          <thead>
            <tr>
              {cols.map((c) => (
                <th
                  key={c.key}
                  title={c.doc}
                  aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                >
                  <button
                    type="button"
                    onClick={() => setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : c.key !== 'name' }))}
                  >
                    {c.label}
                    {sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name}>
                {cols.map((c) => (
                  <td key={c.key} className={c.key === 'name' ? 'name' : 'num'}>
                    {c.key === 'name' && <i className="swatch" style={{ background: cacheCss(r.name) }} />}
                    {cellText(r, c.key)}
                  </td>
                ))}
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={cols.length} className="muted">
                  no cache has a slab yet
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function SlabCaches() {
  const { info, status, op, setOverlays } = useStore(
    useShallow((s) => ({ info: s.info, status: s.status, op: s.summary?.op ?? -1, setOverlays: s.setOverlays })),
  );
  const [byCache, setByCache] = useState(false);
  const [tables, setTables] = useState<LaneTable[]>([]);
  const [legend, setLegend] = useState<string[]>([]);
  const opRef = useRef(op);
  opRef.current = op;
  const lanes = (info?.allocators ?? []).flatMap((a, i) =>
    capabilitiesOf(a.spec.kind).caches ? [{ lane: i, label: a.label }] : [],
  );
  const laneKey = lanes.map((l) => `${l.lane}:${l.label}`).join(',');

  useEffect(() => {
    if (status !== 'ready' || !info || lanes.length === 0) {
      setTables([]);
      return;
    }
    let busy = false,
      lastOp = -1,
      alive = true,
      // The slab pages by cache cost the control worker a scan of the written pages (about 25 ms
      // at 262,144 pages): they are read again only after CACHES_COST_FACTOR times the last read.
      cachesAt = -Infinity,
      cachesEvery = POLL_MS;
    const poll = async () => {
      const at = opRef.current;
      if (busy || at === lastOp) return;
      busy = true;
      try {
        const t0 = performance.now();
        const withCaches = byCache && t0 - cachesAt >= cachesEvery;
        const views = await Promise.all(lanes.map((l) => kernelView(l.lane, withCaches)));
        if (!alive) return;
        if (withCaches) {
          cachesAt = performance.now();
          cachesEvery = Math.max(POLL_MS, CACHES_COST_FACTOR * (cachesAt - t0));
        }
        lastOp = at;
        setTables(lanes.map((l, i) => ({ ...l, op: at, rows: views[i]?.slabinfo ?? [] })));
        if (withCaches) {
          const perLane: OverlayLayer[][] = info.allocators.map(() => []);
          const names = new Set<string>();
          lanes.forEach((l, i) => {
            const c = views[i]?.caches;
            if (!c) return;
            perLane[l.lane] = cacheLayers(c);
            for (const layer of perLane[l.lane]) names.add(layer.name.slice('cache:'.length));
          });
          setOverlays(CACHE_OVERLAY, perLane);
          setLegend([...names].sort(new Intl.Collator('en', { numeric: true }).compare));
        }
      } catch {
        // A run reset or stopped under the call: the next poll asks again.
      } finally {
        busy = false;
      }
    };
    void poll();
    const t = setInterval(() => void poll(), POLL_MS);
    return () => {
      alive = false;
      clearInterval(t);
    };
    // laneKey stands for `lanes` (a new array each render).
  }, [status, info, laneKey, byCache, setOverlays]);

  useEffect(() => {
    if (!byCache) {
      setOverlays(CACHE_OVERLAY, null);
      setLegend([]);
    }
  }, [byCache, setOverlays]);
  useEffect(() => () => setOverlays(CACHE_OVERLAY, null), [setOverlays]);

  if (lanes.length === 0) return null;
  return (
    <section className="slab-caches" data-testid="slab-caches">
      <div className="charts-head">
        <h2>Slab caches</h2>
        <label>
          <input
            type="checkbox"
            data-testid="colour-by-cache"
            checked={byCache}
            onChange={(e) => setByCache(e.target.checked)}
          />{' '}
          colour the maps&apos; slab pages by cache
        </label>
      </div>
      {byCache && (
        <div className="chart-legend" data-testid="cache-legend">
          {legend.length === 0 && <span className="muted">no slab pages yet</span>}
          {legend.map((n) => (
            <span key={n}>
              <i className="swatch" style={{ background: cacheCss(n) }} />
              {n}
            </span>
          ))}
        </div>
      )}
      <p className="definition">
        /proc/slabinfo of each kernel allocator (mm/slab.c and mm/slub.c s_show), read every {POLL_MS} ms while the run
        moves. Click a column to sort; hover a header for what it counts.
      </p>
      <div className="slabinfo-grid">
        {tables.map((t) => (
          <Table key={`${t.lane}:${t.label}`} t={t} />
        ))}
      </div>
    </section>
  );
}
