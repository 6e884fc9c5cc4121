import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllocatorSpec } from '../allocators/registry';
import { runHeadless } from '../runtime/run-headless';
import { CallerStats, fragmentationPct } from './callers';
import { importText } from './import';

const read = (name: string): string => readFileSync(new URL(`../data/traces/${name}`, import.meta.url), 'utf8');

/** Per call site, computed straight from the text with one regular expression, apart from the readers. */
function independent(text: string) {
  const EVENT =
    /\[(\d+)\][^:]*?\s[\d.]+: (kmalloc|kmalloc_node|kmem_cache_alloc|kmem_cache_alloc_node|kfree|kmem_cache_free): call_site=(\S+) ptr=(\S+)(?: name=\S+)?(?: bytes_req=(\d+) bytes_alloc=(\d+))?/;
  const rows = new Map<
    string,
    { allocs: number; frees: number; req: number; traced: number; cross: number; sizes: number[] }
  >();
  const live = new Map<string, { site: string; cpu: number }>();
  for (const line of text.split('\n')) {
    const m = EVENT.exec(line);
    if (!m) continue;
    const [, cpu, event, site, ptr, req, traced] = m;
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
    const row = rows.get(site) ?? { allocs: 0, frees: 0, req: 0, traced: 0, cross: 0, sizes: [] };
    rows.set(site, row);
    row.allocs++;
    row.req += Number(req);
    row.traced += Number(traced);
    row.sizes.push(Number(req));
    live.set(ptr, { site, cpu: Number(cpu) }); // an alloc at a live pointer replaces it: the old free was lost
  }
  return rows;
}

/** NTA (blog) rounds to 32-byte chunks; pow2 to the smallest class from 32 that fits, up to a page. */
const ntaBytes = (b: number) => Math.ceil(b / 32) * 32;
const pow2Bytes = (b: number) => 2 ** Math.max(5, Math.ceil(Math.log2(b)));

describe('per-call-site statistics', () => {
  it.each(['kmem-6.x.ftrace.txt', 'kmem-3.10.ftrace.txt'])(
    '%s (several CPUs): totals per site equal an independent count, for every allocator and on workers too',
    async (name) => {
      const text = read(name);
      for (const threads of ['inline', 'workers'] as const) {
        const imported = importText(text, { fileName: name });
        let stats: CallerStats | null = null;
        await runHeadless({
          allocators: [parseAllocatorSpec('nta'), parseAllocatorSpec('pow2')],
          workload: 'trace',
          params: {},
          imported: { fileName: name, ops: imported.ops },
          seed: 1,
          cpus: imported.summary.cpus,
          ops: 0,
          threads,
          schedule: 'lockstep',
          onChunk: (e, from, to) => {
            stats ??= new CallerStats(imported.ops, imported.sites, e.allocators);
            stats.add(e.lanes, from, to);
          },
        });
        const got = (stats as CallerStats | null)?.rows() ?? [];
        const want = independent(text);
        // trace-cmd prints the call site resolved before the fields: the rows are named by it.
        const key = (site: string) =>
          name.includes('trace-cmd') ? (imported.sites.indexOf(site) > 0 ? site : site) : site;
        expect(got.length).toBe(want.size);
        const bySite = new Map(got.map((r) => [key(r.site), r]));
        const sitesOf = name.includes('trace-cmd')
          ? [...text.matchAll(/\((\S+)\) call_site=(\S+)/g)].reduce(
              (m, x) => m.set(x[2], x[1]),
              new Map<string, string>(),
            )
          : null;
        for (const [site, w] of want) {
          const r = bySite.get(sitesOf?.get(site) ?? site);
          expect(r, site).toBeDefined();
          if (!r) continue;
          expect([r.allocations, r.frees, r.bytesRequested, r.tracedBytes, r.crossCpuFrees], site).toEqual([
            w.allocs,
            w.frees,
            w.req,
            w.traced,
            w.cross,
          ]);
          expect(r.lanes.map((l) => l.handedOut)).toEqual([
            w.sizes.reduce((s, b) => s + ntaBytes(b), 0),
            w.sizes.reduce((s, b) => s + pow2Bytes(b), 0),
          ]);
          expect(r.lanes.map((l) => l.failed)).toEqual([0, 0]);
        }
        const totalCross = got.reduce((s, r) => s + r.crossCpuFrees, 0);
        expect(totalCross).toBeGreaterThan(0);
      }
    },
  );

  it('fragmentation as perf kmem prints it: 100 - 100 * requested / handed out', () => {
    expect(fragmentationPct(29, 32)).toBeCloseTo(9.375, 10);
    expect(fragmentationPct(0, 0)).toBe(0);
  });
});
