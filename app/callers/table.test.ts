/**
 * The call-site table as the app gets it (the control API's callers() and siteBlocks() on a
 * trace imported into a shared op buffer), against a count made straight from the text of a
 * trace with several CPUs, apart from the readers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importText } from '../../engine/import/import';
import type { RunConfig } from '../../engine/runtime/api';
import { Controller } from '../../engine/runtime/controller';
import { columns, rowFrag, sortRows, sortValue, totals } from './table';

const NAME = 'kmem-6.x.ftrace.txt';
const text = readFileSync(new URL(`../../engine/data/traces/${NAME}`, import.meta.url), 'utf8');

/** Per call site from the text: allocations, frees, bytes requested, cross-CPU frees, and what is live at the end. */
function independent() {
  const EVENT =
    /\[(\d+)\][^:]*?\s[\d.]+: (kmalloc|kmalloc_node|kmem_cache_alloc|kmem_cache_alloc_node|kfree|kmem_cache_free): call_site=(\S+) ptr=(\S+)(?: name=\S+)?(?: bytes_req=(\d+) bytes_alloc=(\d+))?/;
  const rows = new Map<string, { allocs: number; frees: number; req: number; cross: number }>();
  const live = new Map<string, { site: string; cpu: number }>();
  for (const line of text.split('\n')) {
    const m = EVENT.exec(line);
    if (!m) continue;
    const [, cpu, event, site, ptr, req] = m;
    const isNull = /^0+$/.test(ptr) || ptr.includes('null');
    if (event.includes('free')) {
      const a = live.get(ptr);
      if (!a || isNull) continue;
      live.delete(ptr);
      const row = rows.get(a.site);
      if (row) {
        row.frees++;
        if (a.cpu !== Number(cpu)) row.cross++;
      }
      continue;
    }
    if (isNull || Number(req) === 0) continue;
    const row = rows.get(site) ?? { allocs: 0, frees: 0, req: 0, cross: 0 };
    rows.set(site, row);
    row.allocs++;
    row.req += Number(req);
    live.set(ptr, { site, cpu: Number(cpu) });
  }
  const liveBySite = new Map<string, number>();
  for (const a of live.values()) liveBySite.set(a.site, (liveBySite.get(a.site) ?? 0) + 1);
  return { rows, liveBySite };
}

async function configured(): Promise<Controller> {
  const r = importText(text, { fileName: NAME });
  const cfg: RunConfig = {
    workload: 'trace',
    params: {},
    importedTrace: { fileName: NAME, ops: r.ops.handle, sites: r.sites },
    allocators: [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }],
    cpus: r.summary.cpus,
    schedule: 'lockstep',
    seed: 1,
    ops: 0,
  };
  expect(cfg.cpus).toBeGreaterThan(1);
  const c = new Controller(null);
  await c.configure(cfg);
  return c;
}

describe('the call-site table of an imported trace with several CPUs', () => {
  it('has a row per site whose counts, and whose totals, equal an independent count', async () => {
    const c = await configured();
    const rows = (await c.callers()) ?? [];
    const { rows: want } = independent();
    expect(rows.length).toBe(want.size);
    for (const r of rows) {
      const w = want.get(r.site);
      expect(w, r.site).toBeDefined();
      expect([r.allocations, r.frees, r.bytesRequested, r.crossCpuFrees], r.site).toEqual([
        w?.allocs,
        w?.frees,
        w?.req,
        w?.cross,
      ]);
    }
    const t = totals(rows);
    const all = [...want.values()];
    expect([t.allocations, t.frees, t.bytesRequested, t.crossCpuFrees]).toEqual([
      all.reduce((s, w) => s + w.allocs, 0),
      all.reduce((s, w) => s + w.frees, 0),
      all.reduce((s, w) => s + w.req, 0),
      all.reduce((s, w) => s + w.cross, 0),
    ]);
    expect(t.crossCpuFrees).toBeGreaterThan(0);
    // Per allocator: fragmentation of the total is over the sums, as perf kmem prints it.
    for (let k = 0; k < 2; k++) {
      const handed = rows.reduce((s, r) => s + r.lanes[k].handedOut, 0);
      const served = rows.reduce((s, r) => s + r.lanes[k].requestedServed, 0);
      expect(rowFrag(t, k)).toBeCloseTo(100 - (100 * served) / handed, 10);
    }
    await c.dispose();
  });

  it('sorts by every column, both ways, ties by call site', async () => {
    const c = await configured();
    const rows = (await c.callers()) ?? [];
    for (const col of columns(['nta', 'pow2'])) {
      for (const desc of [true, false]) {
        const sorted = sortRows(rows, col.key, desc);
        expect(sorted.length).toBe(rows.length);
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sortValue(sorted[i - 1], col.key), sortValue(sorted[i], col.key)];
          const c0 = typeof a === 'string' ? a.localeCompare(String(b)) : a - (b as number);
          expect(desc ? c0 >= 0 : c0 <= 0, `${col.key} ${desc}`).toBe(true);
          if (c0 === 0) expect(sorted[i - 1].site.localeCompare(sorted[i].site)).toBeLessThan(0);
        }
      }
    }
    await c.dispose();
  });

  it("marks a site's live blocks at the cursor: as many as the text leaves live, each a live block of the lane", async () => {
    const c = await configured();
    const s0 = await c.summary();
    expect(s0.op).toBe(0);
    const { liveBySite } = independent();
    const rows = (await c.callers()) ?? [];
    // Before any op nothing is live.
    expect((await c.siteBlocks(rows[0].site)).map((r) => r.length)).toEqual([0, 0]);
    await c.runUntil({ kind: 'end' });
    let marked = 0;
    for (const r of rows) {
      const perLane = await c.siteBlocks(r.site);
      expect(perLane).toHaveLength(2);
      for (let k = 0; k < 2; k++) {
        const ranges = perLane[k];
        expect(ranges.length / 2, `${r.site} lane ${k}`).toBe(liveBySite.get(r.site) ?? 0);
        for (let i = 0; i < ranges.length; i += 2) {
          const b = await c.blockAt(k, ranges[i]);
          expect(b?.kind).toBe('allocation');
          expect(b?.start).toBe(ranges[i]);
          expect(b?.bytes).toBe(ranges[i + 1]);
          if (i > 0) expect(ranges[i]).toBeGreaterThan(ranges[i - 2]);
        }
        marked += ranges.length / 2;
      }
    }
    expect(marked).toBeGreaterThan(0);
    expect(await c.siteBlocks('no such site')).toEqual([new Float64Array(0), new Float64Array(0)]);
    await c.dispose();
  });
});
