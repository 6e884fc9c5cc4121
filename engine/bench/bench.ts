/**
 * `npm run bench [-- --json] [-- --ops N] [-- --runs N]`: ops per second of each
 * contender on one identical churn op stream (4094 pages, about half live),
 * measured side by side in one run; the median of several runs each, and ratios.
 * Not a test: figures depend on the machine; the ratios are what to compare.
 */
import { MemPool } from '@thi.ng/malloc';
import { createAllocator } from '../allocators/registry';
import { recordChurn, replay, type OpStream } from './op-stream';
import { benchWorkers } from './workers';

interface Row {
  name: string;
  opsPerSec: number;
  runs: number[];
}

const argv = process.argv.slice(2);
const flag = (name: string, def: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const JSON_OUT = argv.includes('--json');
const OPS = flag('--ops', 1_000_000);
const RUNS = flag('--runs', 5);
/** @thi.ng/malloc manages ~20 k ops/s here: it and NTA (again) run the first THING_OPS ops of the same stream. */
const THING_OPS = flag('--thing-ops', 100_000);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Time one fresh instance per run (construction not timed); returns ops/s per run. `upto` = ops of the stream to run. */
function timeInline(
  s: OpStream,
  make: () => { alloc: (c: number, b: number) => number; free: (c: number, p: number, b: number) => void },
  upto = Infinity,
): number[] {
  const out: number[] = [];
  for (let r = 0; r < RUNS + 1; r++) {
    const a = make();
    const addr = new Int32Array(s.ids).fill(-1);
    const t0 = performance.now();
    const n = replay(s, addr, 0, Math.min(upto, s.length), a.alloc, a.free);
    const dt = performance.now() - t0;
    if (r > 0) out.push(n / (dt / 1000)); // run 0 warms the JIT up
  }
  return out;
}

async function main(): Promise<void> {
  const stream = recordChurn(OPS, 1);
  const rows: Row[] = [];
  const add = (name: string, runs: number[]) => rows.push({ name, opsPerSec: median(runs), runs });

  const nta = () => {
    const a = createAllocator({ kind: 'nta', preset: 'blog' }, 1);
    return {
      alloc: (c: number, b: number) => a.alloc(c, b),
      free: (c: number, p: number, b: number) => {
        a.free(c, p, b);
      },
    };
  };
  add('nta inline', timeInline(stream, nta));
  add(
    'pow2 inline',
    timeInline(stream, () => {
      const a = createAllocator({ kind: 'pow2' }, 1);
      return {
        alloc: (c, b) => a.alloc(c, b),
        free: (c, p, b) => {
          a.free(c, p, b);
        },
      };
    }),
  );
  // @thi.ng/malloc on the same memory (4094 pages; malloc returns 0 on failure), on the stream's first THING_OPS ops.
  add(`nta inline, first ${THING_OPS} ops`, timeInline(stream, nta, THING_OPS));
  add(
    `@thi.ng/malloc inline, first ${THING_OPS} ops`,
    timeInline(
      stream,
      () => {
        const pool = new MemPool({ size: 4094 * 4096 + 4096, compact: true, split: true });
        return {
          alloc: (_c, b) => {
            const p = pool.malloc(b);
            return p === 0 ? -1 : p;
          },
          free: (_c, p) => {
            pool.free(p);
          },
        };
      },
      THING_OPS,
    ),
  );
  for (const r of await benchWorkers(RUNS, OPS)) add(r.name, r.runs);

  const by = (name: string) => rows.find((r) => r.name === name)?.opsPerSec ?? NaN;
  const ratios: Record<string, number> = {};
  ratios['nta inline / pow2 inline'] = by('nta inline') / by('pow2 inline');
  ratios['nta / @thi.ng/malloc (same ops)'] =
    by(`nta inline, first ${THING_OPS} ops`) / by(`@thi.ng/malloc inline, first ${THING_OPS} ops`);
  for (const k of ['nta', 'pow2'])
    ratios[`${k} 2 workers / 1 worker`] = by(`${k} 2 workers free-running`) / by(`${k} 1 worker`);

  if (JSON_OUT) {
    console.log(
      JSON.stringify({
        ops: stream.length,
        runs: RUNS,
        rows: rows.map(({ name, opsPerSec, runs }) => ({
          name,
          opsPerSec: Math.round(opsPerSec),
          runs: runs.map(Math.round),
        })),
        ratios,
      }),
    );
    return;
  }
  console.log(
    `churn, 4094 pages, ~half live, ${stream.length} ops per run, median of ${RUNS} runs (after one warm-up)\n`,
  );
  console.log('contender'.padEnd(44) + 'M ops/s'.padStart(10));
  for (const r of rows) console.log(r.name.padEnd(44) + (r.opsPerSec / 1e6).toFixed(3).padStart(10));
  console.log('');
  for (const [k, v] of Object.entries(ratios)) console.log(k.padEnd(44) + v.toFixed(2).padStart(8) + 'x');
}

void main();
