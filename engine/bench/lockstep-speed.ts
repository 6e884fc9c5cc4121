/**
 * Lockstep speed: op indices per second of runHeadless on churn with two lanes (NTA blog, pow2),
 * headless (no checkpoints, no maps): inline, and on CPU workers with 1 and 2 simulated CPUs,
 * the 2-CPU run also on a single worker (both lanes, all CPUs) to compare one worker with two.
 * The contenders take turns, round after round, so that a change in the machine's load hits
 * them all; medians and ratios.
 *   npx tsx engine/bench/lockstep-speed.ts [ops] [rounds]
 */
import { runHeadless } from '../runtime/run-headless';

const ops = Number(process.argv[2] ?? 2_000_000);
const rounds = Number(process.argv[3] ?? 3);
const contenders = [
  { name: 'inline, 1 CPU', threads: 'inline', cpus: 1, cores: 2 },
  { name: 'workers, 1 CPU (2 workers: a lane each)', threads: 'workers', cpus: 1, cores: 2 },
  { name: 'workers, 2 CPUs on 1 worker', threads: 'workers', cpus: 2, cores: 1 },
  { name: 'workers, 2 CPUs on 2 workers (a lane each)', threads: 'workers', cpus: 2, cores: 2 },
] as const;
const rates: number[][] = contenders.map(() => []);
for (let r = 0; r < rounds; r++)
  for (const [k, c] of contenders.entries()) {
    const res = await runHeadless({
      allocators: [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }],
      workload: 'churn',
      params: {},
      seed: 7,
      cpus: c.cpus,
      ops,
      threads: c.threads,
      cores: c.cores,
      schedule: 'lockstep',
    });
    rates[k].push(ops / res.elapsedMs / 1000);
  }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = rates.map(median);
contenders.forEach((c, k) =>
  console.log(
    `${c.name.padEnd(44)} ${m[k].toFixed(2)} M op indices/s  (${rates[k].map((x) => x.toFixed(2)).join(' ')})`,
  ),
);
console.log(
  `2 CPUs: 2 workers / 1 worker = ${(m[3] / m[2]).toFixed(2)}x; 1 CPU on workers / inline = ${(m[1] / m[0]).toFixed(2)}x`,
);
process.exit(0);
