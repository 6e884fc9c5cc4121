/**
 * `compare-seed`: the seed's fragmentation test (6 Aug 2006) over many seeds, NTA
 * and pow2 side by side, against the failure sizes the seed published. The seed
 * does not say how it drew sizes, so this prints our figures beside its own
 * rather than tuning anything to match (allocators.md 1.6).
 */
import { createAllocator } from '../allocators/registry';
import { Lane } from '../core/runner';
import { createWorkload } from '../workloads/generators';

export const SEED_FAILURE_BYTES = [1912, 968, 504, 252];

export interface StageRow {
  max: number;
  seedBytes: number;
  /** Per allocator: failed request sizes and utilisation at the failure, one entry per seed. */
  nta: { bytes: number[]; utilisation: number[] };
  pow2: { bytes: number[]; utilisation: number[] };
}

export function compareSeeds(seeds: number, params: Record<string, string> = {}): StageRow[] {
  const rows: StageRow[] = SEED_FAILURE_BYTES.map((b, i) => ({
    max: 4096 >> i,
    seedBytes: b,
    nta: { bytes: [], utilisation: [] },
    pow2: { bytes: [], utilisation: [] },
  }));
  for (let seed = 1; seed <= seeds; seed++) {
    for (const kind of ['nta', 'pow2'] as const) {
      const a = createAllocator(kind === 'nta' ? { kind, preset: 'blog' } : { kind }, 1);
      const lane = new Lane(a, createWorkload('seed-fragmentation', { ...params, seed }));
      lane.run();
      lane.failures.forEach((f, i) => {
        const row = rows[i];
        if (row) {
          row[kind].bytes.push(f.bytes);
          row[kind].utilisation.push(f.utilisation ?? 0);
        }
      });
    }
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
