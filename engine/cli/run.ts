/**
 * `run`: check everything the user gave (allocators and their parameters, the
 * workload and its parameters, output paths, the trace file), then run the
 * workload on every allocator, inline or on worker threads, and report.
 * Nothing runs before all of it checks out; nothing is written unless the run
 * succeeds.
 */
import { readFileSync } from 'node:fs';
import { createAllocator, parseAllocatorSpec, type AllocatorSpec } from '../allocators/registry';
import { runHeadless, type HeadlessOptions } from '../runtime/run-headless';
import type { Engine } from '../runtime/engine';
import { createWorkload } from '../workloads/generators';
import { parseTrace, type ParsedTrace } from '../workloads/trace';
import { TRACE_WORKLOAD, UsageError, asUsage, type RunArgs } from './args';
import { OpLogger } from './oplog';
import { StagedDir, StreamedFile } from './outputs';
import { mapPng } from './png';
import { printText, toJson, type LaneResult } from './report';

/** A trace workload's file: its path, its text (read once) and what parsing it gave. */
export interface LoadedTrace {
  path: string;
  text: string;
  /** The format asked for (`ops:`, `wee:`, `--format`), or undefined to recognise it. */
  format?: string;
  parsed: ParsedTrace;
}

/** The allocator specs with their --nta/--pow2/--slab overrides, each built once to check its parameters. */
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

/** Read and parse a trace workload's file once (a bad line is an error before anything runs); null for a generator. */
export function loadTrace(a: RunArgs): LoadedTrace | null {
  const m = TRACE_WORKLOAD.exec(a.workload);
  if (!m) return null;
  const path = m[2];
  const format = m[1] === 'trace' ? a.format : m[1];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  const parsed = parseTrace(text, path, a.cpus, format);
  for (const w of parsed.warnings) console.error(`warning: ${w.message}`);
  return { path, text, format, parsed };
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
): Promise<LaneResult[]> {
  const o: HeadlessOptions = {
    allocators: specs,
    workload: trace ? 'trace' : a.workload,
    params: { ...a.params },
    parsed: trace ? { fileName: trace.path, ops: trace.parsed.ops } : undefined,
    seed: a.seed,
    cpus: a.cpus,
    ops: a.ops,
    threads: a.threads,
    schedule: a.schedule,
    onFailure,
  };
  const log = oplog ? new OpLogger(a.allocators, oplog) : null;
  if (log || a.check) {
    o.chunk = a.check ? 1 : undefined;
    o.onChunk = (e, from, to) => {
      log?.chunk(e, from, to);
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
  return r.lanes.map((L, k) => ({
    name: a.allocators[k],
    allocator: L.allocator,
    failures: L.failures,
    ops: r.ops[k],
    errors: L.errors,
    skipped: L.skipped,
    remote: r.remote[k],
  }));
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
}

export async function run(a: RunArgs): Promise<void> {
  checkUsage(a);
  const specs = allocatorSpecs(a);
  // A generator's name and parameters are checked here; a trace (maybe large) is read once the outputs are.
  const isTrace = TRACE_WORKLOAD.test(a.workload);
  if (!isTrace) checkGenerator(a);
  const oplog = a.oplog !== undefined ? StreamedFile.open('--oplog', a.oplog) : null;
  let png: StagedDir | null = null;
  try {
    png = a.png !== undefined ? StagedDir.open('--png', a.png) : null;
    const trace = isTrace ? loadTrace(a) : null;
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
    const results = await execute(a, specs, trace, oplog ? (line) => oplog.write(line) : undefined, onFailure);
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
    if (a.json) console.log(JSON.stringify(toJson(results, a.requests)));
    else printText(a, results);
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
