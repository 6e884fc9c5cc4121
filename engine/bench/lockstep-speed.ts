/**
 * Lockstep speed: op indices per second of runHeadless on churn with two lanes (NTA, pow2),
 * inline and on CPU workers (run-ahead), best of a few runs.
 *   npx tsx engine/bench/lockstep-speed.ts [ops] [runs]
 */
import { runHeadless } from '../runtime/run-headless';

const ops = Number(process.argv[2] ?? 300000);
const runs = Number(process.argv[3] ?? 3);
for (const [threads, cpus] of [
  ['inline', 1],
  ['workers', 1],
  ['workers', 2],
] as const) {
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const res = await runHeadless({
      allocators: [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }],
      workload: 'churn',
      params: {},
      seed: 7,
      cpus,
      ops,
      threads,
      schedule: 'lockstep',
    });
    rates.push(ops / res.elapsedMs / 1000);
  }
  console.log(
    `${threads.padEnd(7)} cpus=${cpus}: ${rates.map((x) => x.toFixed(2)).join(' ')} M op indices/s (best ${Math.max(...rates).toFixed(2)})`,
  );
}
