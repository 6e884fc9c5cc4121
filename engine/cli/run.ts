/**
 * `run`: check everything the user gave (allocators and their parameters, the
 * workload and its parameters, output paths, the trace file), then run the
 * workload on every allocator, inline or on worker threads, and report.
 * Nothing runs before all of it checks out; nothing is written unless the run
 * succeeds.
 */
import { readFileSync } from 'node:fs';
import { createAllocator, parseAllocatorSpec, type AllocatorSpec } from '../allocators/registry';
import { Lane, type Failure } from '../core/runner';
import type { Allocator } from '../core/types';
import { createWorkload } from '../workloads/generators';
import { replayWorkload } from '../workloads/replay';
import { parseTrace, type ParsedTrace } from '../workloads/trace';
import type { Workload } from '../workloads/types';
import { TRACE_WORKLOAD, UsageError, asUsage, type RunArgs } from './args';
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

/** The allocator specs with their --nta/--pow2 overrides, each built once to check its parameters. */
export function allocatorSpecs(a: RunArgs): AllocatorSpec[] {
  return asUsage(() => {
    const specs = a.allocators.map((s) => {
      const spec = parseAllocatorSpec(s, a.preset);
      const o = a.overrides[spec.kind];
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

/** A factory giving each allocator its own workload instance; checks a generator's name and parameters. */
export function workloadFactory(a: RunArgs, trace: LoadedTrace | null): () => Workload {
  if (trace) return () => replayWorkload(a.workload, trace.parsed.ops, a.ops);
  const params = { ...a.params, seed: a.seed, cpus: a.cpus, ops: a.ops };
  asUsage(() => createWorkload(a.workload, params));
  return () => createWorkload(a.workload, params);
}

/** Called after an op that failed an allocation (for --png-failures). */
export type OnFailure = (name: string, allocator: Allocator, failure: Failure, index: number) => void;

export function runInline(
  a: RunArgs,
  specs: AllocatorSpec[],
  make: () => Workload,
  oplog?: (line: string) => void,
  onFailure?: OnFailure,
): LaneResult[] {
  const lanes = specs.map(
    (s, i) => new Lane(createAllocator(s, a.cpus), make(), oplog && ((l) => oplog(l.replace(/^\S+/, a.allocators[i])))),
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
  const generator = TRACE_WORKLOAD.test(a.workload) ? null : workloadFactory(a, null);
  const oplog = a.oplog !== undefined ? StreamedFile.open('--oplog', a.oplog) : null;
  let png: StagedDir | null = null;
  try {
    png = a.png !== undefined ? StagedDir.open('--png', a.png) : null;
    const trace = generator ? null : loadTrace(a);
    const make = generator ?? workloadFactory(a, trace);
    const log = oplog ? (line: string) => oplog.write(line) : undefined;
    let results: LaneResult[];
    if (a.threads === 'inline') {
      const staged = png;
      const onFailure: OnFailure | undefined =
        staged && a.pngFailures
          ? (name, allocator, f, k) =>
              staged.write(pngName(a, name, `fail${k + 1}-${f.bytes}B-op${f.op}`), mapPng(allocator, a.orientation))
          : undefined;
      results = runInline(a, specs, make, log, onFailure);
    } else {
      const { runWithWorkers } = await import('./workers');
      results = await runWithWorkers(a, specs, trace, log);
    }
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
