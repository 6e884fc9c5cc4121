/**
 * `npx tsx engine/bench/allocator-speed.ts [--ops N] [--runs N] [--baseline DIR] [--dump FILE]`
 *
 * Allocator speed on the bench's churn stream (sizes 1..4096 uniform, about half of the
 * seed's 4094 pages live, every free with its allocation's size), replayed inline with no
 * per-op allocation. Not a test: it prints ops/s, the median of several runs each.
 *
 * --wall          time with the wall clock instead of this process's CPU time
 * --baseline DIR  also time the allocators of another checkout (DIR/engine/allocators/registry.ts)
 *                 on the same stream, interleaved run by run with ours, so that before and after
 *                 are measured side by side under the same machine load.
 * --dump FILE     write the stream for a native replayer: a little-endian u32 op count, then per
 *                 op a u32 (kind << 31 | id) and a u32 bytes (kind 1 = free of that id).
 * --native BIN    also run BIN FILE 1 in every round (FILE: the --dump file), a native replayer
 *                 printing "... X M ops/s ...", so that the native figure is measured in the same
 *                 moments as ours (on a shared machine speeds drift by 2x within minutes)
 * --big           instead: create a 4,194,304-page (16 GiB) NTA and pow2, print the time each
 *                 takes and the process's resident memory, then replay the stream on both.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import type { Allocator } from '../core/types';
import { K_ALLOC, OpBuffer } from '../core/op-buffer';
import { createWorkload } from '../workloads/generators';
import { MAX_PAGES } from '../core/limits';

interface Stream {
  kind: Uint8Array;
  id: Int32Array;
  bytes: Int32Array;
  length: number;
  ids: number;
}

type Create = (spec: AllocatorSpec, cpus: number) => Pick<Allocator, 'alloc' | 'free'>;

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const OPS = Number(opt('--ops') ?? 1_000_000);
const WALL = argv.includes('--wall');
/** Milliseconds: of this process's CPU time (user + system), or of the wall clock with --wall. */
const now = (): number => {
  if (WALL) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const RUNS = Number(opt('--runs') ?? 7);

/** The churn stream as the bench records it: the workload's op buffer, each free with its allocation's size. */
function record(ops: number): Stream {
  const w = createWorkload('churn', { seed: 1, ops });
  if (w.kind !== 'stream') throw new Error('churn is a stream');
  const buf = OpBuffer.create({ capacity: ops, shared: false });
  buf.beginProducing();
  buf.reserve(ops);
  w.produce(buf, ops);
  buf.publish();
  const n = buf.produced;
  const s: Stream = {
    kind: new Uint8Array(n),
    id: new Int32Array(n),
    bytes: new Int32Array(n),
    length: n,
    ids: buf.slots,
  };
  const size = new Int32Array(Math.max(1, buf.slots));
  for (let i = 0; i < n; i++) {
    const alloc = buf.kind[i] === K_ALLOC;
    if (alloc) size[buf.slot[i]] = buf.size[i];
    s.kind[i] = alloc ? 0 : 1;
    s.id[i] = buf.slot[i];
    s.bytes[i] = size[buf.slot[i]];
  }
  return s;
}

type Timer = (s: Stream, a: Pick<Allocator, 'alloc' | 'free'>, now: () => number) => [number, number];

/**
 * Replay the stream on a fresh allocator; returns [ops/s, errors]. Timed in CPU time of this
 * process (--wall: wall-clock time): on a machine shared with other jobs, wall time counts the
 * time spent waiting for a core, CPU time only the work. The loop is compiled once per
 * contender (timerFor), so that its calls to alloc and free stay monomorphic, as in an op loop
 * that drives one allocator; one shared loop would call four classes through one megamorphic
 * call site and time the dispatch too.
 */
const LOOP = `
  const addr = new Float64Array(s.ids).fill(-1);
  const { kind, id, bytes } = s;
  let errors = 0;
  const t0 = now();
  for (let i = 0; i < s.length; i++) {
    if (kind[i] === 0) {
      const p = a.alloc(0, bytes[i]);
      if (p < 0) errors++;
      addr[id[i]] = p;
    } else if (a.free(0, addr[id[i]], bytes[i]) !== 0) errors++;
  }
  const dt = now() - t0;
  return [s.length / (dt / 1000), errors];`;
const timerFor = (): Timer => new Function('s', 'a', 'now', LOOP) as Timer;

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

/** Virtual pools: creation time and resident memory of the biggest NTA, pow2 and SLUB, then the stream on them. */
function big(s: Stream): void {
  const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
  const pages = MAX_PAGES;
  console.log(`resident before: ${mb()} MiB`);
  const made: [string, Pick<Allocator, 'alloc' | 'free'>][] = [];
  for (const [name, spec] of [
    ['nta', { kind: 'nta', preset: 'blog', overrides: { regions: pages, maxPages: pages } }],
    ['pow2', { kind: 'pow2', overrides: { pages } }],
    ['slub', { kind: 'slub', preset: '6.6-x86_64', overrides: { pages } }],
  ] as [string, AllocatorSpec][]) {
    const t0 = performance.now();
    const a = createAllocator(spec, 1);
    const ms = performance.now() - t0;
    const bytes = a.buffers.reduce((n, b) => n + b.byteLength, 0);
    console.log(
      `${name}: ${pages} pages created in ${ms.toFixed(1)} ms, ${(bytes / 2 ** 30).toFixed(2)} GiB of buffers, resident ${mb()} MiB`,
    );
    made.push([name, a]);
  }
  for (const [name, a] of made) {
    const [opsPerSec, errors] = timerFor()(s, a, now);
    console.log(
      `${name}: churn on the 16 GiB pool ${(opsPerSec / 1e6).toFixed(2)} M ops/s, errors ${errors}, resident ${mb()} MiB`,
    );
  }
}

async function main(): Promise<void> {
  const s = record(OPS);
  if (argv.includes('--big')) return big(s);
  const dump = opt('--dump');
  if (dump) {
    const out = new Uint32Array(1 + 2 * s.length);
    out[0] = s.length;
    for (let i = 0; i < s.length; i++) {
      out[1 + 2 * i] = ((s.kind[i] << 31) | s.id[i]) >>> 0;
      out[2 + 2 * i] = s.bytes[i];
    }
    writeFileSync(dump, out);
  }
  const makers: [string, Create][] = [['', createAllocator]];
  const base = opt('--baseline');
  if (base) {
    const url = pathToFileURL(resolve(base, 'engine/allocators/registry.ts')).href;
    const mod = (await import(url)) as { createAllocator: Create };
    makers.unshift(['before ', mod.createAllocator]);
  }
  const specs: [string, AllocatorSpec][] = [
    ['nta', { kind: 'nta', preset: 'blog' }],
    ['pow2', { kind: 'pow2' }],
    ['slab', { kind: 'slab', preset: '2.6.18-x86_64' }],
    ['slub:2.6.22', { kind: 'slub', preset: '2.6.22' }],
    ['slub:3.6-i386', { kind: 'slub', preset: '3.6-i386' }],
    ['slub:6.6', { kind: 'slub', preset: '6.6-x86_64' }],
    ['buddy', { kind: 'buddy' }],
  ];
  const native = opt('--native');
  if (native && !dump) throw new Error('--native needs --dump FILE (the stream it replays)');
  const nativeRuns: number[] = [];
  const rows = makers.flatMap(([tag, make]) =>
    specs.map(([n, spec]) => ({ name: tag + n, make, spec, runs: [] as number[], errors: 0, time: timerFor() })),
  );
  for (let r = 0; r <= RUNS; r++) {
    for (const row of rows) {
      const [opsPerSec, errors] = row.time(s, row.make(row.spec, 1), now);
      row.errors = Math.max(row.errors, errors);
      if (r > 0) row.runs.push(opsPerSec); // run 0 warms the JIT up
    }
    if (native && dump && r > 0) {
      const out = execFileSync(native, [dump, '1'], { encoding: 'utf8' });
      const m = /([\d.]+) M ops\/s/.exec(out);
      if (!m) throw new Error(`${native} printed no "M ops/s" figure: ${out}`);
      nativeRuns.push(Number(m[1]) * 1e6);
    }
  }
  console.log(
    `churn, ${s.length} ops, median of ${RUNS} runs after one warm-up (M ops per ${WALL ? 'wall-clock' : 'CPU'} second)`,
  );
  if (nativeRuns.length > 0)
    rows.push({
      name: 'native',
      make: createAllocator,
      spec: specs[0][1],
      runs: nativeRuns,
      errors: 0,
      time: timerFor(),
    });
  for (const row of rows)
    console.log(
      `${row.name.padEnd(14)} median ${(median(row.runs) / 1e6).toFixed(2).padStart(6)}  best ${(Math.max(...row.runs) / 1e6).toFixed(2).padStart(6)}  errors ${row.errors}  runs ${row.runs.map((x) => (x / 1e6).toFixed(2)).join(' ')}`,
    );
  // Ratios within each round, then their median: a machine whose speed drifts moves both sides alike.
  const ratio = (x: (typeof rows)[number], y: (typeof rows)[number]) =>
    median(x.runs.map((v, i) => v / y.runs[i])).toFixed(2);
  const by = (name: string) => rows.find((r) => r.name === name);
  for (const [x, y] of [
    ['nta', 'native'],
    ['pow2', 'native'],
    ['nta', 'before nta'],
    ['pow2', 'before pow2'],
    ['before nta', 'native'],
    ['before pow2', 'native'],
  ]) {
    const rx = by(x),
      ry = by(y);
    if (rx && ry) console.log(`${x} / ${y}: ${ratio(rx, ry)} (median of per-round ratios)`);
  }
}

void main();
