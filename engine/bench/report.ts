/**
 * The bench's output: one table of M ops/s (median of the timed runs) with each contender's
 * ratio to native glibc malloc and to NTA inline on the same ops, or (`--json`) the same as
 * one object. Called only once every run has passed its checks.
 */

export interface Row {
  name: string;
  /** 'stream': the whole stream (workers: the per-CPU streams); 'prefix': its first ops only. */
  group: 'stream' | 'prefix';
  /** ops/s of each timed run. */
  runs: number[];
  /** Failed allocations per run (checked equal to the inline run's). */
  failed: number;
  /** The row the group's ratios divide by. */
  baseline?: 'glibc' | 'nta';
}

export interface RunInfo {
  ops: number;
  prefix: number;
  runs: number;
  perCpuOps: number[];
  /** Why a row is missing (no C compiler), or null. */
  note: string | null;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Figures {
  name: string;
  opsPerSec: number;
  runs: number[];
  failedAllocs: number;
  /** This row's ops/s over the baseline's, on the same ops; null when the baseline is missing. */
  vsGlibc: number | null;
  vsNtaInline: number | null;
}

function figures(rows: Row[]): Figures[] {
  const base = (group: Row['group'], kind: 'glibc' | 'nta') => {
    const b = rows.find((r) => r.group === group && r.baseline === kind);
    return b ? median(b.runs) : null;
  };
  // The whole stream's rows first, then those on its first ops; stable within each.
  const ordered = [...rows].sort((a, b) => Number(a.group === 'prefix') - Number(b.group === 'prefix'));
  return ordered.map((r) => {
    const v = median(r.runs);
    const g = base(r.group, 'glibc');
    const n = base(r.group, 'nta');
    return {
      name: r.name,
      opsPerSec: v,
      runs: r.runs,
      failedAllocs: r.failed,
      vsGlibc: g ? v / g : null,
      vsNtaInline: n ? v / n : null,
    };
  });
}

/** Scaling of the worker rows: 2 free-running workers over 1 worker, per allocator. */
function scaling(f: Figures[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of ['nta', 'pow2', 'slub']) {
    const one = f.find((x) => x.name === `${k} 1 worker`);
    const two = f.find((x) => x.name === `${k} 2 workers free-running`);
    if (one && two) out[`${k} 2 workers / 1 worker`] = two.opsPerSec / one.opsPerSec;
  }
  return out;
}

export function printReport(info: RunInfo, rows: Row[], json: boolean): void {
  const f = figures(rows);
  const ratios = scaling(f);
  if (json) {
    const round = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
    console.log(
      JSON.stringify({
        ...info,
        rows: f.map((x) => ({
          ...x,
          opsPerSec: Math.round(x.opsPerSec),
          runs: x.runs.map(Math.round),
          rejectedFrees: 0,
          vsGlibc: round(x.vsGlibc),
          vsNtaInline: round(x.vsNtaInline),
        })),
        ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, round(v)])),
      }),
    );
    return;
  }
  console.log(
    [
      `churn, 4094 pages, ~half live: ${info.ops} ops per run; 2 workers: ${info.perCpuOps.join(' + ')} ops, one stream per CPU.`,
      `Median of ${info.runs} runs after one warm-up; ratios on the same ops. Every run checked: 0 rejected frees`,
      'and the failed allocations of an inline run of the same stream on the same allocator.\n',
    ].join('\n'),
  );
  const ratio = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)}x`);
  console.log(
    'contender'.padEnd(46) +
      'M ops/s'.padStart(9) +
      'failed'.padStart(8) +
      '/ glibc'.padStart(9) +
      '/ nta inline'.padStart(13),
  );
  for (const x of f)
    console.log(
      x.name.padEnd(46) +
        (x.opsPerSec / 1e6).toFixed(3).padStart(9) +
        String(x.failedAllocs).padStart(8) +
        ratio(x.vsGlibc).padStart(9) +
        ratio(x.vsNtaInline).padStart(13),
    );
  console.log('');
  for (const [k, v] of Object.entries(ratios)) console.log(k.padEnd(46) + v.toFixed(2).padStart(9) + 'x');
  if (info.note) console.log(info.note);
}
