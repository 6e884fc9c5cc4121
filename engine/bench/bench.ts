/**
 * `npm run bench [-- --json] [-- --ops N] [-- --runs N] [-- --thing-ops N]`: ops per second of
 * each contender on one identical churn op stream (4094 pages, about half live), measured side
 * by side in one run; the median of several runs each (after a warm-up), and each contender's
 * ratio to native glibc malloc and to NTA inline on the same ops.
 *
 * Every timed run is checked before anything is printed: no rejected free and the failed
 * allocations of an inline run of the same stream on the same allocator (check.ts). A fast
 * rejected free or a fast failed allocation would otherwise pass for speed. When a check
 * fails the bench prints what differed and exits 1, without figures.
 * Not a test: figures depend on the machine; the ratios are what to compare.
 */
import { MemPool } from '@thi.ng/malloc';
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import { checkReference, checkRun, mergeRuns, referenceRun } from './check';
import { runNative } from './native';
import { BENCH_NTA, BENCH_POOL_BYTES, recordChurn, replay, type OpStream, type ReplayCounts } from './op-stream';
import { printReport, type Row } from './report';
import { benchWorkers } from './workers';

const USAGE = 'usage: npm run bench [-- --json] [-- --ops N] [-- --runs N] [-- --thing-ops N]';

function parseArgs(argv: string[]): { json: boolean; ops: number; runs: number; thingOps: number } {
  const known = new Set(['--json', '--ops', '--runs', '--thing-ops']);
  const num = (name: string, def: number, min: number): number => {
    const i = argv.indexOf(name);
    if (i < 0) return def;
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < min) usage(`${name} ${argv[i + 1] ?? ''}: expected a whole number >= ${min}`);
    return v;
  };
  argv.forEach((a, i) => {
    const valueOf = i > 0 && ['--ops', '--runs', '--thing-ops'].includes(argv[i - 1]);
    if (!known.has(a) && !valueOf) usage(`unknown argument '${a}'`);
  });
  return {
    json: argv.includes('--json'),
    ops: num('--ops', 1_000_000, 2),
    runs: num('--runs', 5, 1),
    // @thi.ng/malloc manages ~20 k ops/s here: it, NTA and glibc (again) run the stream's first thingOps ops.
    thingOps: num('--thing-ops', 100_000, 1),
  };
}

function usage(why: string): never {
  console.error(`${why}\n${USAGE}`);
  process.exit(2);
}

type Contender = {
  alloc: (cpu: number, bytes: number) => number;
  free: (cpu: number, address: number, bytes: number) => number;
};

/** Time one fresh instance per run (construction not timed): ops/s and counts per run, run 0 a warm-up. */
function timeInline(s: OpStream, runs: number, make: () => Contender, upto: number) {
  const rates: number[] = [];
  const counts: ReplayCounts[] = [];
  for (let r = 0; r < runs + 1; r++) {
    const a = make();
    const addr = new Float64Array(s.ids).fill(-1);
    const t0 = performance.now();
    const c = replay(s, addr, 0, Math.min(upto, s.length), a.alloc, a.free);
    const dt = performance.now() - t0;
    counts.push(c);
    if (r > 0) rates.push(c.ops / (dt / 1000));
  }
  return { rates, counts };
}

function model(spec: AllocatorSpec): () => Contender {
  return () => {
    const a = createAllocator(spec, 1);
    return { alloc: (c, b) => a.alloc(c, b), free: (c, p, b) => a.free(c, p, b) };
  };
}

/** @thi.ng/malloc on the same memory; malloc returns 0 on failure, free false when it rejects. */
function thing(): Contender {
  // One page more than the models get: MemPool keeps its own header in the buffer.
  const pool = new MemPool({ size: BENCH_POOL_BYTES + 4096, compact: true, split: true });
  return {
    alloc: (_c, b) => {
      const p = pool.malloc(b);
      return p === 0 ? -1 : p;
    },
    free: (_c, p) => (pool.free(p) ? 0 : -1),
  };
}

async function main(): Promise<void> {
  const opt = parseArgs(process.argv.slice(2));
  const [stream] = recordChurn(opt.ops, 1);
  const perCpu = recordChurn(Math.floor(opt.ops / 2), 1, 2);
  const prefix = Math.min(opt.thingOps, stream.length);
  const problems: string[] = [];
  const rows: Row[] = [];

  /** A model row: reference inline run through the project's runner, then timed runs, each checked. */
  const modelRow = (name: string, spec: AllocatorSpec, upto: number, group: Row['group'], baseline?: 'nta') => {
    const ref = referenceRun(spec, [stream], upto);
    problems.push(...checkReference(spec, ref));
    const t = timeInline(stream, opt.runs, model(spec), upto);
    t.counts.forEach((c, r) => problems.push(...checkRun(name, r, [c], ref)));
    rows.push({ name, group, runs: t.rates, failed: ref[0].failed, baseline });
  };
  modelRow('nta inline', BENCH_NTA, Infinity, 'stream', 'nta');
  modelRow('pow2 inline', { kind: 'pow2' }, Infinity, 'stream');
  // SLAB shares its zone and slab lists between CPUs: free-running workers would fail different
  // allocations run by run, so it has an inline row only.
  modelRow('slab inline', { kind: 'slab', preset: '2.6.18-x86_64' }, Infinity, 'stream');
  for (const preset of ['2.6.22', '3.6-i386', '6.6-x86_64'] as const)
    modelRow(`slub:${preset} inline`, { kind: 'slub', preset }, Infinity, 'stream');
  modelRow('buddy inline', { kind: 'buddy' }, Infinity, 'stream');

  const native = runNative(stream, opt.runs, [stream.length, prefix]);
  const nativeNote = native ? null : 'glibc malloc native: skipped, no C compiler (cc) found';
  native?.forEach((runs, k) => {
    const upto = k === 0 ? stream.length : prefix;
    const name = k === 0 ? 'glibc malloc native (C)' : `glibc malloc native (C), first ${prefix} ops`;
    // malloc does not fail on this stream's ~8 MB live: with no NULL every op runs, none skipped.
    const want = { ops: upto, failed: 0, errors: 0 };
    runs.forEach((c, r) => problems.push(...checkRun(name, r, [c], [want])));
    const rates = runs.slice(1).map((c) => c.ops / (c.ns / 1e9));
    rows.push({ name, group: k === 0 ? 'stream' : 'prefix', runs: rates, failed: 0, baseline: 'glibc' });
  });

  modelRow(`nta inline, first ${prefix} ops`, BENCH_NTA, prefix, 'prefix', 'nta');
  // @thi.ng/malloc is no Fragscope allocator: its reference is its own warm-up run, and frees must all succeed.
  const th = timeInline(stream, opt.runs, thing, prefix);
  const thingName = `@thi.ng/malloc inline, first ${prefix} ops`;
  th.counts.forEach((c, r) => problems.push(...checkRun(thingName, r, [c], [th.counts[0]])));
  rows.push({ name: thingName, group: 'prefix', runs: th.rates, failed: th.counts[0].failed });

  for (const spec of [BENCH_NTA, { kind: 'pow2' }, { kind: 'slub', preset: '6.6-x86_64' }] as AllocatorSpec[])
    for (const r of await benchWorkers(spec, opt.runs, [stream], perCpu, problems))
      rows.push({ ...r, group: 'stream' });

  if (problems.length > 0) {
    console.error(`bench: ${problems.length} check(s) failed, no figures printed:`);
    for (const p of mergeRuns(problems)) console.error(`  ${p}`);
    process.exit(1);
  }
  printReport(
    { ops: stream.length, prefix, runs: opt.runs, perCpuOps: perCpu.map((s) => s.length), note: nativeNote },
    rows,
    opt.json,
  );
}

void main();
