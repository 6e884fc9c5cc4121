/**
 * `compare-seed`: the seed's fragmentation test (6 Aug 2006) over many seeds, NTA beside
 * the kernel's own allocators (2.6.18 SLAB, the SLUB of 3.6) and the seed's power-of-two
 * allocator, against the failure sizes the seed published. The seed does not say how it
 * drew sizes, so this prints our figures beside its own rather than tuning anything to
 * match (docs/models.md 1.9).
 */
import { specName, type AllocatorSpec } from '../allocators/registry';
import { Engine } from '../runtime/engine';
import { SEED_2006_FAILURES } from '../workloads/generators';

/** The columns: the seed's NTA model, the kernels' allocators of its day and after, and its pow2. */
export const SEED_COMPARE_SPECS: readonly AllocatorSpec[] = [
  { kind: 'nta', preset: 'blog' },
  { kind: 'slab', preset: '2.6.18-x86_64' },
  { kind: 'slub', preset: '3.6-i386' },
  { kind: 'pow2' },
];

export interface StageRow {
  max: number;
  seedBytes: number;
  /** Per allocator (by its name, e.g. 'nta:blog'): failed request sizes and utilisation at the failure, one entry per seed. */
  allocators: Record<string, { bytes: number[]; utilisation: number[] }>;
}

export function compareSeeds(
  seeds: number,
  params: Record<string, string> = {},
  specs: readonly AllocatorSpec[] = SEED_COMPARE_SPECS,
): StageRow[] {
  const names = specs.map(specName);
  const rows: StageRow[] = SEED_2006_FAILURES.map((f) => ({
    max: f.max,
    seedBytes: f.bytes,
    allocators: Object.fromEntries(names.map((n) => [n, { bytes: [], utilisation: [] }])),
  }));
  for (let seed = 1; seed <= seeds; seed++) {
    const e = new Engine(
      { allocators: [...specs], workload: 'seed-fragmentation', params, seed, cpus: 1, ops: 0 },
      { checkpoints: false },
    );
    e.run(Infinity);
    names.forEach((name, k) => {
      e.lanes[k].failures.list().forEach((f, i) => {
        const cell = rows[i]?.allocators[name];
        if (cell) {
          cell.bytes.push(f.bytes);
          cell.utilisation.push(f.utilisation);
        }
      });
    });
  }
  return rows;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const pct = (x: number) => (100 * x).toFixed(1) + '%';

export function formatComparison(rows: StageRow[], seeds: number): string {
  const names = Object.keys(rows[0]?.allocators ?? {});
  const w = Math.max(26, ...names.map((n) => n.length + 15));
  const out = [
    `seed-fragmentation, 4094 pages of 32-byte chunks, seeds 1..${seeds}: failed request (median [min..max]) and utilisation at the failure`,
    '',
    (
      'MAX    seed (2006)   ' + names.map((n) => `${`${n} failed bytes`.padEnd(w)}${'util'.padEnd(8)}`).join('')
    ).trimEnd(),
  ];
  for (const r of rows) {
    const span = (xs: number[]) =>
      (xs.length ? `${median(xs)} [${Math.min(...xs)}..${Math.max(...xs)}]` : 'no failure').padEnd(w);
    const cells = names.map((n) => {
      const c = r.allocators[n];
      return `${span(c.bytes)}${(c.utilisation.length ? pct(median(c.utilisation)) : '-').padEnd(8)}`;
    });
    out.push(`${String(r.max).padEnd(7)}${String(r.seedBytes).padEnd(14)}${cells.join('')}`.trimEnd());
  }
  return out.join('\n');
}
