/**
 * `compare-seed`: the seed's fragmentation test (6 Aug 2006) over many seeds, NTA
 * and pow2 side by side, against the failure sizes the seed published. The seed
 * does not say how it drew sizes, so this prints our figures beside its own
 * rather than tuning anything to match (docs/models.md 1.9).
 */
import { Engine } from '../runtime/engine';
import { SEED_2006_FAILURES } from '../workloads/generators';

export interface StageRow {
  max: number;
  seedBytes: number;
  /** Per allocator: failed request sizes and utilisation at the failure, one entry per seed. */
  nta: { bytes: number[]; utilisation: number[] };
  pow2: { bytes: number[]; utilisation: number[] };
}

export function compareSeeds(seeds: number, params: Record<string, string> = {}): StageRow[] {
  const rows: StageRow[] = SEED_2006_FAILURES.map((f) => ({
    max: f.max,
    seedBytes: f.bytes,
    nta: { bytes: [], utilisation: [] },
    pow2: { bytes: [], utilisation: [] },
  }));
  for (let seed = 1; seed <= seeds; seed++) {
    const e = new Engine(
      {
        allocators: [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }],
        workload: 'seed-fragmentation',
        params,
        seed,
        cpus: 1,
        ops: 0,
      },
      { checkpoints: false },
    );
    e.run(Infinity);
    (['nta', 'pow2'] as const).forEach((kind, k) => {
      e.lanes[k].failures.list().forEach((f, i) => {
        const row = rows[i];
        if (row) {
          row[kind].bytes.push(f.bytes);
          row[kind].utilisation.push(f.utilisation);
        }
      });
    });
  }
  return rows;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const pct = (x: number) => (100 * x).toFixed(1) + '%';

export function formatComparison(rows: StageRow[], seeds: number): string {
  const out = [
    `seed-fragmentation, 4094 pages of 32-byte chunks, seeds 1..${seeds}: failed request (median [min..max]) and utilisation at the failure`,
    '',
  ];
  out.push('MAX    seed (2006)   NTA failed bytes          NTA util   pow2 failed bytes         pow2 util');
  for (const r of rows) {
    const span = (xs: number[]) => `${median(xs)} [${Math.min(...xs)}..${Math.max(...xs)}]`.padEnd(26);
    out.push(
      `${String(r.max).padEnd(7)}${String(r.seedBytes).padEnd(14)}${span(r.nta.bytes)}${pct(median(r.nta.utilisation)).padEnd(11)}${span(r.pow2.bytes)}${pct(median(r.pow2.utilisation))}`,
    );
  }
  return out.join('\n');
}
