/**
 * The call-site table's columns, sorting and totals (pure). The rows are the engine's
 * CallerRow (engine/import/callers.ts, the CLI's --callers rows); fragmentation is its
 * fragmentationPct, per allocator over the requests that allocator served.
 */
import { fragmentationPct, type CallerRow } from '../../engine/import/callers';

/** A column: its sort key, heading and what it means. */
export interface Column {
  key: string;
  label: string;
  title: string;
}

/** The columns for allocators labelled `lanes` (lane order): fixed ones, two per allocator, cross-CPU frees. */
export function columns(lanes: readonly string[]): Column[] {
  return [
    { key: 'site', label: 'call site', title: 'where the allocations were made (the trace call_site or caller)' },
    { key: 'allocations', label: 'allocs', title: 'allocations the trace made at this site' },
    { key: 'frees', label: 'frees', title: 'frees of those allocations (counted at the allocating site)' },
    { key: 'bytesRequested', label: 'bytes req', title: 'bytes the allocations requested' },
    ...lanes.flatMap((l, k) => [
      { key: `handed:${k}`, label: `${l} bytes`, title: `bytes ${l} handed out for this site's requests` },
      {
        key: `frag:${k}`,
        label: `${l} frag %`,
        title: `internal fragmentation in ${l}: 100 - 100 * requested / handed out`,
      },
    ]),
    {
      key: 'crossCpuFrees',
      label: 'x-cpu frees',
      title: 'frees on another CPU than the allocation (ping-pong: what NTA queues for the owner)',
    },
  ];
}

/** Fragmentation % of lane `k` in a row. */
export const rowFrag = (r: CallerRow, k: number): number =>
  fragmentationPct(r.lanes[k]?.requestedServed ?? 0, r.lanes[k]?.handedOut ?? 0);

/** The value a row sorts by under `key`. */
export function sortValue(r: CallerRow, key: string): number | string {
  const [what, lane] = key.split(':');
  if (what === 'handed') return r.lanes[Number(lane)]?.handedOut ?? 0;
  if (what === 'frag') return rowFrag(r, Number(lane));
  if (what === 'site') return r.site;
  const v = r[what as keyof CallerRow];
  return typeof v === 'number' ? v : 0;
}

/** Rows sorted by `key` (descending or ascending), ties by call site; a new array. */
export function sortRows(rows: readonly CallerRow[], key: string, desc: boolean): CallerRow[] {
  const dir = desc ? -1 : 1;
  return rows
    .map((r) => ({ r, v: sortValue(r, key) }))
    .sort((a, b) => {
      const c =
        typeof a.v === 'string' || typeof b.v === 'string'
          ? String(a.v).localeCompare(String(b.v))
          : (a.v as number) - (b.v as number);
      return c !== 0 ? dir * c : a.r.site.localeCompare(b.r.site);
    })
    .map((x) => x.r);
}

/** The sums of every row: allocations, frees, bytes, cross-CPU frees, and per allocator. */
export function totals(rows: readonly CallerRow[]): CallerRow {
  const lanes = (rows[0]?.lanes ?? []).map((_, k) => ({
    handedOut: rows.reduce((s, r) => s + r.lanes[k].handedOut, 0),
    requestedServed: rows.reduce((s, r) => s + r.lanes[k].requestedServed, 0),
    failed: rows.reduce((s, r) => s + r.lanes[k].failed, 0),
  }));
  const sum = (f: (r: CallerRow) => number) => rows.reduce((s, r) => s + f(r), 0);
  return {
    site: 'total',
    allocations: sum((r) => r.allocations),
    frees: sum((r) => r.frees),
    failedInTrace: sum((r) => r.failedInTrace),
    bytesRequested: sum((r) => r.bytesRequested),
    tracedBytes: sum((r) => r.tracedBytes),
    crossCpuFrees: sum((r) => r.crossCpuFrees),
    lanes,
  };
}

/** A cell's text under `key`. */
export function cellText(r: CallerRow, key: string): string {
  const v = sortValue(r, key);
  if (typeof v === 'string') return v;
  return key.startsWith('frag:')
    ? r.lanes[Number(key.split(':')[1])]?.handedOut
      ? v.toFixed(2)
      : '-'
    : v.toLocaleString('en');
}
