/**
 * Fragscope's headless CLI: `npm run -s cli -- help`.
 * The same engine as the browser app; runs inline or on worker_threads.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, UsageError, USAGE, type RunArgs } from './args';
import { createAllocator, parseAllocatorSpec, seedExampleLog, type AllocatorSpec } from '../allocators/registry';
import { Lane, type Failure } from '../core/runner';
import { computeMetrics, freeHistogram, requestIndices, METRIC_DEFINITIONS, type Metrics } from '../core/metrics';
import type { Allocator } from '../core/types';
import { WORKLOADS, createWorkload, describeParams, workloadNames } from '../workloads/generators';
import { parseTrace } from '../workloads/trace';
import { replayWorkload } from '../workloads/replay';
import type { Workload } from '../workloads/types';
import { mapPng } from './png';
import { compareSeeds, formatComparison } from './seed-compare';

export interface LaneResult {
  name: string;
  allocator: Allocator;
  failures: Failure[];
  ops: number;
  /** Free-running workers: remote frees each CPU pushed, and drained as owner (during the run and at the end). */
  remote?: { pushed: number[]; drained: number[]; drainedAtEnd: number[] } | null;
}

/** A factory giving each allocator its own workload instance (parsing a file once, before anything runs). */
/** `ops:FILE`, `wee:FILE` (that format) or `trace:FILE` (recognised from the text): the file's text, read once. */
export function traceArg(a: RunArgs): { format?: string; path: string; text: string } | null {
  const m = /^(ops|wee|trace):(.+)$/.exec(a.workload);
  if (!m) return null;
  const path = m[2];
  try {
    return { format: m[1] === 'trace' ? undefined : m[1], path, text: readFileSync(path, 'utf8') };
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** A factory giving each allocator its own workload instance (parsing a file once, before anything runs). */
export function workloadFactory(a: RunArgs): () => Workload {
  const file = traceArg(a);
  if (file) {
    const { ops } = parseTrace(file.text, file.path, a.cpus, file.format);
    return () => replayWorkload(a.workload, ops, a.ops);
  }
  const params = { ...a.params, seed: a.seed, cpus: a.cpus, ops: a.ops };
  createWorkload(a.workload, params); // validate name and parameters before anything runs
  return () => createWorkload(a.workload, params);
}

/** Called after an op that failed an allocation (for --png-failures). */
export type OnFailure = (name: string, allocator: Allocator, failure: Failure, index: number) => void;

export function runInline(a: RunArgs, specs: AllocatorSpec[], oplog?: string[], onFailure?: OnFailure): LaneResult[] {
  const make = workloadFactory(a);
  const lanes = specs.map(
    (s, i) =>
      new Lane(createAllocator(s, a.cpus), make(), oplog && ((l) => oplog.push(l.replace(/^\S+/, a.allocators[i])))),
  );
  for (let live = true; live;) {
    live = false;
    for (const [i, lane] of lanes.entries()) {
      const failed = lane.failures.length;
      if (!lane.step()) continue;
      live = true;
      if (onFailure && lane.failures.length > failed)
        onFailure(a.allocators[i], lane.allocator, lane.failures[failed], failed);
      if (a.check) {
        const errs = lane.allocator.checkInvariants();
        if (errs.length)
          throw new Error(
            `invariant broken in ${lane.allocator.label} after op ${lane.ops - 1}:\n  ${errs.join('\n  ')}`,
          );
      }
    }
  }
  return lanes.map((l, i) => ({ name: a.allocators[i], allocator: l.allocator, failures: l.failures, ops: l.ops }));
}

const SEED_FAILURES = [1912, 968, 504, 252];
const pct = (x: number) => (100 * x).toFixed(2) + '%';
const kib = (x: number) => (x / 1024).toFixed(1) + ' KiB';

function printText(a: RunArgs, results: LaneResult[]): void {
  console.log(
    `workload ${a.workload}, seed ${a.seed}, cpus ${a.cpus}, ${a.threads}${a.threads === 'workers' ? ' ' + a.schedule : ''}`,
  );
  for (const r of results) {
    const m = computeMetrics(r.allocator);
    console.log(`\n${r.allocator.label}: ${r.ops} ops, ${r.failures.length} failed allocations`);
    for (const f of r.failures.slice(0, 20)) {
      console.log(
        `  op ${f.op}: ${f.bytes} B on cpu ${f.cpu} failed (${f.reason})${f.max !== undefined ? `, MAX ${f.max}` : ''}, utilisation ${pct(f.utilisation ?? 0)}`,
      );
    }
    if (r.failures.length > 20) console.log(`  ... ${r.failures.length - 20} more`);
    if (r.remote) {
      r.remote.pushed.forEach((p, cpu) =>
        console.log(
          `  cpu ${cpu}: pushed ${p} B of remote frees to their owners; as owner drained ${r.remote!.drained[cpu]} B (${r.remote!.drainedAtEnd[cpu]} B of it in the final quiescent drain)`,
        ),
      );
    }
    if (a.workload === 'seed-fragmentation' && r.allocator.label === 'NTA (blog)')
      console.log(`  the seed's NTA failures (2006): ${SEED_FAILURES.join(', ')} B`);
    const rows: [keyof Metrics, string][] = [
      ['requestedBytes', kib(m.requestedBytes)],
      ['allocatedBytes', kib(m.allocatedBytes)],
      ['heldBytes', kib(m.heldBytes)],
      ['freeBytes', kib(m.freeBytes)],
      ['largestFreeBytes', `${m.largestFreeBytes} B`],
      ['internalFragmentation', pct(m.internalFragmentation)],
      ['externalFragmentation', pct(m.externalFragmentation)],
      ['utilisation', pct(m.utilisation)],
      ['pendingBytes', `${m.pendingBytes} B`],
    ];
    for (const [k, v] of rows)
      console.log(`  ${k.padEnd(22)} ${v.padStart(12)}   ${METRIC_DEFINITIONS[k].split(':')[0]}`);
    for (const req of a.requests) {
      const x = requestIndices(r.allocator.freeSummary(), req);
      console.log(
        `  request ${req} B: unusable index ${x.unusable.toFixed(3)}, fragmentation index ${x.fragmentation.toFixed(3)}`,
      );
    }
  }
}

function toJson(results: LaneResult[], requests: number[]) {
  return {
    allocators: results.map((r) => {
      const blocks = r.allocator.freeSummary();
      const m = computeMetrics(r.allocator, blocks);
      return {
        name: r.name,
        label: r.allocator.label,
        ops: r.ops,
        failures: r.failures.map((f) => ({
          op: f.op,
          bytes: f.bytes,
          ...(f.max !== undefined ? { max: f.max } : {}),
          cpu: f.cpu,
          reason: f.reason,
          utilisation: f.utilisation,
        })),
        metrics: m,
        /** Free blocks by size: [bytes, count], sorted by size. */
        freeHistogram: freeHistogram(blocks),
        ...(requests.length
          ? { requestIndices: Object.fromEntries(requests.map((q) => [q, requestIndices(blocks, q)])) }
          : {}),
        ...(r.remote ? { remoteFrees: r.remote } : {}),
      };
    }),
  };
}

/** DIR/<workload>-<allocator>-<what>.png, one pixel per chunk, one column per page. */
function writePng(a: RunArgs, name: string, allocator: Allocator, what: string): void {
  mkdirSync(a.png!, { recursive: true });
  const wl = a.workload.replace(/^(ops|wee|trace):(.*[\\/])?/, '$1-').replace(/[^\w.-]+/g, '_');
  const file = join(a.png!, `${wl}-${name.replace(':', '-')}-${what}.png`);
  writeFileSync(file, mapPng(allocator, a.orientation));
  if (!a.json) console.error(`wrote ${file}`);
}

async function run(a: RunArgs): Promise<void> {
  const specs = a.allocators.map((s) => {
    const spec = parseAllocatorSpec(s, a.preset);
    const o = a.overrides[spec.kind];
    return Object.keys(o).length ? { ...spec, overrides: { ...spec.overrides, ...o } } : spec;
  });
  specs.forEach((s) => createAllocator(s, a.cpus)); // check parameters before anything runs
  const oplog: string[] | undefined = a.oplog ? [] : undefined;
  let results: LaneResult[];
  if (a.threads === 'inline') {
    if (a.schedule === 'free') throw new UsageError('--schedule free needs --threads workers');
    const onFailure: OnFailure | undefined =
      a.png && a.pngFailures
        ? (name, allocator, f, k) => writePng(a, name, allocator, `fail${k + 1}-${f.bytes}B-op${f.op}`)
        : undefined;
    results = runInline(a, specs, oplog, onFailure);
  } else {
    if (a.oplog && a.schedule === 'free')
      throw new UsageError('--oplog needs a global op order: use --schedule lockstep');
    const { runWithWorkers } = await import('./workers');
    results = await runWithWorkers(a, specs, oplog);
  }
  if (a.oplog && oplog) writeFileSync(a.oplog, oplog.join('\n') + '\n');
  if (a.png) for (const r of results) writePng(a, r.name, r.allocator, `op${r.ops}`);
  if (a.json) console.log(JSON.stringify(toJson(results, a.requests)));
  else printText(a, results);
  // Every run ends quiescent: check each allocator's invariants there (free-running too).
  const broken = results.map((r) => ({ r, errs: r.allocator.checkInvariants() })).filter((x) => x.errs.length);
  if (broken.length) {
    throw new Error(
      broken
        .map(({ r, errs }) => `invariant broken in ${r.allocator.label} at the end of the run:\n  ${errs.join('\n  ')}`)
        .join('\n'),
    );
  }
  if (!a.json) console.log('\ninvariants intact at the end of the run (every allocator checked)');
}

async function main(argv: string[]): Promise<number> {
  try {
    const cmd = parseArgs(argv);
    if (cmd.name === 'help') {
      console.log(USAGE);
      return 0;
    }
    if (cmd.name === 'example') {
      console.log(seedExampleLog().join('\n'));
      return 0;
    }
    if (cmd.name === 'workloads') {
      for (const n of workloadNames())
        console.log(`${n}: ${WORKLOADS[n].description}\n${describeParams(WORKLOADS[n].params)}\n`);
      return 0;
    }
    if (cmd.name === 'compare-seed') {
      const rows = compareSeeds(cmd.seeds, cmd.params);
      console.log(cmd.json ? JSON.stringify({ seeds: cmd.seeds, stages: rows }) : formatComparison(rows, cmd.seeds));
      return 0;
    }
    await run(cmd.args);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    const msg = (e as Error).message;
    // Bad values (unknown workload, allocator or parameter) are usage errors too; bad file content is not.
    const usage = /^(unknown |workload '|invalid NTA parameter)/.test(msg);
    console.error(`error: ${msg}${usage ? `\n\n${USAGE}` : ''}`);
    return usage ? 2 : 1;
  }
}

// A closed pipe (`... | head`) ends the output quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
