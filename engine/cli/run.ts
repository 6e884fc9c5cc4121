/**
 * `run`: check everything the user gave (allocators and their parameters, the
 * workload and its parameters, output paths, the trace file), then run the
 * workload on every allocator, inline or on worker threads, and report.
 * Nothing runs before all of it checks out; nothing is written unless the run
 * succeeds.
 */
import { createAllocator, parseAllocatorSpec, type AllocatorSpec } from '../allocators/registry';
import { CallerStats } from '../import/callers';
import type { ImportResult } from '../import/import';
import { formatSummary } from '../import/summary';
import { runHeadless, type HeadlessOptions } from '../runtime/run-headless';
import type { Engine } from '../runtime/engine';
import { createWorkload } from '../workloads/generators';
import { TRACE_WORKLOAD, UsageError, asUsage, type RunArgs } from './args';
import { OpLogger } from './oplog';
import { StagedDir, StreamedFile } from './outputs';
import { mapPng } from './png';
import { animate, checkAnimateUsage } from './animate';
import { formatCallers, printText, toJson, type LaneResult } from './report';
import { importTraceFile } from '../runtime/node/trace-file';

/** A trace workload's file: its path and what importing it (once, streamed) gave. */
export interface LoadedTrace {
  path: string;
  /** The format asked for (`ops:`, `wee:`, `--format`), or undefined to recognise it. */
  format?: string;
  result: ImportResult;
}

/** The allocator specs with their --KIND overrides, each built once to check its parameters. */
export function allocatorSpecs(a: RunArgs): AllocatorSpec[] {
  return asUsage(() => {
    const specs = a.allocators.map((s) => {
      const spec = parseAllocatorSpec(s, a.preset);
      const o = a.overrides[spec.kind] ?? {};
      return Object.keys(o).length ? { ...spec, overrides: { ...spec.overrides, ...o } } : spec;
    });
    specs.forEach((s) => createAllocator(s, a.cpus));
    return specs;
  });
}

/**
 * Read a trace workload's file once, streamed into the op buffer (a bad line is an error before
 * anything runs; unreadable lines are warnings on stderr); null for a generator.
 */
export async function loadTrace(a: RunArgs): Promise<LoadedTrace | null> {
  const m = TRACE_WORKLOAD.exec(a.workload);
  if (!m) return null;
  const path = m[2];
  const format = m[1] === 'trace' ? a.format : m[1];
  const result = await importTraceFile(path, {
    format,
    strict: a.strict,
    progress: process.stderr.isTTY ? process.stderr : null,
  });
  for (const w of result.warnings) console.error(`warning: ${w.message}`);
  const u = result.summary.unreadable;
  for (const x of u.first) console.error(`warning: ${path}:${x.line}: ${x.why} (skipped): ${x.text}`);
  if (u.count > u.first.length)
    console.error(`warning: ${path}: ${u.count - u.first.length} more unreadable lines skipped`);
  return { path, format, result };
}

/**
 * The CPUs to simulate: --cpus, or a trace's own count (the larger of the count its header states
 * and the highest CPU its events name, plus one). --cpus below the CPUs the events name is an error.
 */
export function runCpus(a: RunArgs, trace: LoadedTrace | null): number {
  if (!trace) return a.cpus;
  const records = trace.result.cpuRecords;
  const used = records.length ? records[records.length - 1].cpu + 1 : 1;
  if (!a.cpusGiven) return trace.result.summary.cpus;
  if (a.cpus < used) {
    throw new UsageError(
      `${trace.path} has events on CPUs 0 to ${used - 1}: --cpus ${a.cpus} is too few; give --cpus ${used} or more, or leave --cpus out (it defaults to the trace's ${trace.result.summary.cpus})`,
    );
  }
  return a.cpus;
}

/** Check a generator's name and parameters (a usage error before anything runs). */
function checkGenerator(a: RunArgs): void {
  asUsage(() => createWorkload(a.workload, { ...a.params, seed: a.seed, cpus: a.cpus, ops: a.ops }));
}

/** The run itself: inline or on workers, through the same engine as the app. */
export async function execute(
  a: RunArgs,
  specs: AllocatorSpec[],
  trace: LoadedTrace | null,
  oplog?: (line: string) => void,
  onFailure?: (engine: Engine) => void,
): Promise<{ lanes: LaneResult[]; callers: CallerStats | null }> {
  const o: HeadlessOptions = {
    allocators: specs,
    workload: trace ? 'trace' : a.workload,
    params: { ...a.params },
    imported: trace ? { fileName: trace.path, ops: trace.result.ops } : undefined,
    seed: a.seed,
    cpus: a.cpus,
    ops: a.ops,
    threads: a.threads,
    schedule: a.schedule,
    onFailure,
    // --json explains the first failures of each lane (lane.ts EXPLAIN_FIRST) where they happen.
    explain: a.json && a.threads === 'inline',
  };
  const header = trace ? formatSummary(trace.result.summary).map((l) => `# ${l}`) : [];
  const log = oplog ? new OpLogger(a.allocators, oplog, header) : null;
  let callers: CallerStats | null = null;
  if (log || a.check || (trace && a.callers)) {
    o.chunk = a.check ? 1 : undefined;
    o.onChunk = (e, from, to) => {
      log?.chunk(e, from, to);
      if (trace && a.callers && e.source.kind === 'stream') {
        callers ??= new CallerStats(e.source.ops, trace.result.sites, e.allocators);
        callers.add(e.lanes, from, to);
      }
      if (a.check) {
        for (const L of e.lanes) {
          const errs = L.allocator.checkInvariants();
          if (errs.length)
            throw new Error(`invariant broken in ${L.allocator.label} after op ${to - 1}:\n  ${errs.join('\n  ')}`);
        }
      }
    };
  }
  const r = await runHeadless(o);
  const lanes = r.lanes.map((L, k) => ({
    name: a.allocators[k],
    allocator: L.allocator,
    failures: L.failures,
    explained: L.explained,
    ops: r.ops[k],
    errors: L.errors,
    skipped: L.skipped,
    unmodelled: L.unmodelled,
    remote: r.remote[k],
  }));
  return { lanes, callers };
}

/** `<workload>-<allocator>-<what>.png`: one pixel per chunk, one column per page. */
function pngName(a: RunArgs, name: string, what: string): string {
  const wl = a.workload.replace(/^(ops|wee|trace):(.*[\\/])?/, '$1-').replace(/[^\w.-]+/g, '_');
  return `${wl}-${name.replace(':', '-')}-${what}.png`;
}

function checkUsage(a: RunArgs): void {
  if (a.threads === 'inline' && a.schedule === 'free') throw new UsageError('--schedule free needs --threads workers');
  if (a.threads === 'workers' && a.oplog && a.schedule === 'free')
    throw new UsageError('--oplog needs a global op order: use --schedule lockstep');
  if (a.threads === 'workers' && a.pngFailures) throw new UsageError('--png-failures needs --threads inline');
  checkAnimateUsage(a);
}

export async function run(args: RunArgs): Promise<void> {
  checkUsage(args);
  allocatorSpecs(args); // the allocators and their parameters, before a (maybe large) trace is read
  // A generator's name and parameters are checked here; a trace is read once the outputs are.
  const isTrace = TRACE_WORKLOAD.test(args.workload);
  if (!isTrace) checkGenerator(args);
  const oplog = args.oplog !== undefined ? StreamedFile.open('--oplog', args.oplog) : null;
  let png: StagedDir | null = null;
  try {
    png = args.png !== undefined ? StagedDir.open('--png', args.png) : null;
    const trace = isTrace ? await loadTrace(args) : null;
    const a: RunArgs = { ...args, cpus: runCpus(args, trace) };
    const specs = allocatorSpecs(a);
    if (trace && !a.json) console.log(formatSummary(trace.result.summary).join('\n') + '\n');
    if (a.animate) {
      const r = await animate(a, specs, trace);
      console.log(
        `wrote ${r.frames} frames (ops ${a.animate.from} to ${r.lastOp} every ${a.animate.every}) to ${r.path}`,
      );
      return;
    }
    const staged = png;
    // --png-failures: a picture of every lane that failed at the op the run stopped after.
    const onFailure =
      staged && a.pngFailures
        ? (e: Engine) => {
            e.lanes.forEach((L, k) => {
              const f = L.failures.tail(1)[0];
              if (!f || f.op !== e.cursor - 1) return;
              staged.write(
                pngName(a, a.allocators[k], `fail${L.failures.count}-${f.bytes}B-op${f.op}`),
                mapPng(L.allocator, a.orientation),
              );
            });
          }
        : undefined;
    const { lanes: results, callers } = await execute(
      a,
      specs,
      trace,
      oplog ? (line) => oplog.write(line) : undefined,
      onFailure,
    );
    // Every run ends quiescent: check each allocator's invariants there (free-running too).
    const broken = results.map((r) => ({ r, errs: r.allocator.checkInvariants() })).filter((x) => x.errs.length);
    if (broken.length === 0) {
      if (png) for (const r of results) png.write(pngName(a, r.name, `op${r.ops}`), mapPng(r.allocator, a.orientation));
      // Everything is written before anything is moved into place: a write error leaves nothing.
      oplog?.finish();
      oplog?.commit();
      const written = png?.commit() ?? [];
      if (!a.json) for (const f of written) console.error(`wrote ${f}`);
    }
    const rows = callers?.rows(a.callers) ?? [];
    if (a.json) {
      console.log(
        JSON.stringify({
          ...toJson(results, a.requests),
          ...(trace ? { import: trace.result.summary } : {}),
          ...(a.callers ? { callers: rows } : {}),
        }),
      );
    } else {
      printText(a, results);
      if (a.callers) console.log(`\n${formatCallers(rows, a.allocators, trace?.result.summary.callSites ?? 0)}`);
    }
    if (broken.length) {
      throw new Error(
        broken
          .map(
            ({ r, errs }) => `invariant broken in ${r.allocator.label} at the end of the run:\n  ${errs.join('\n  ')}`,
          )
          .join('\n'),
      );
    }
    if (!a.json) console.log('\ninvariants intact at the end of the run (every allocator checked)');
  } catch (e) {
    oplog?.abort();
    png?.abort();
    throw e;
  }
}
