/**
 * What a run may ask for, and the memory it is estimated to need: the one home of
 * both. decodeUrl refuses a link (and the setup form) past the hard limits, field by
 * field; a run within them but large is started only after the user says yes
 * (runtime/actions.ts startOrAsk and the ConfirmRun dialog).
 *
 * Where the memory goes (engine/runtime/engine.ts, source.ts, checkpoints.ts):
 * - allocator state: the allocators' buffers (registry bytesNeeded), shared with the workers;
 * - seek checkpoints: run-length coded copies of the pages that changed, at most one per
 *   interval of ops and never more than the engine's budget (DEFAULT_BUDGET): past it they thin
 *   out, so they do not grow with the run;
 * - the op buffer: a ring of RING_OPS ops for a generated workload (a seek regenerates), or the
 *   whole parsed trace;
 * - the maps: per page, its summary and the pyramid over them, and the chunk detail of the
 *   pages in view (app/render/summaries.ts mapBytes); never a copy per chunk of the pool.
 */
import { bytesNeeded, geometryOf, type AllocatorSpec } from '../engine/allocators/registry';
import { MAX_PAGES } from '../engine/core/limits';
import { OP_BYTES } from '../engine/core/op-buffer';
import { DEFAULT_BUDGET, DEFAULT_INTERVAL } from '../engine/runtime/engine';
import { RING_OPS, opBound } from '../engine/runtime/source';
import { mapBytes } from './render/summaries';

/** Most ops a run may have (`ops=`), and the furthest op cursor a link may start at (`op=`). */
export const MAX_OPS = 100_000_000;
/**
 * A run longer than this, or a link starting further in (every op before it runs first), is
 * asked about first: memory does not grow with the run, but time does.
 */
export const CONFIRM_OPS = 20_000_000;
/**
 * Most model state one allocator may have. The largest pools the engine takes (MAX_PAGES pages,
 * 16 GiB of simulated memory) need 9.1 GiB (NTA) and 3.1 GiB (pow2) of buffers, which the
 * browser reserves and fills as pages are touched; the maps draw them without copying.
 */
export const MAX_ALLOCATOR_BYTES = 10 * 2 ** 30;
/** A run estimated to need more memory than this is asked about first. */
export const CONFIRM_BYTES = 512 * 2 ** 20;

/**
 * Largest value of each allocator parameter a link or the form may give. Sizes bound
 * the pool to the engine's MAX_PAGES (4,194,304 pages of 4 KiB are 16 GiB); the allocators
 * check the rest (powers of two, NTA's regionOrder 0..6, ...).
 */
export const OVERRIDE_MAX: Readonly<Record<string, number>> = {
  regions: MAX_PAGES,
  maxPages: MAX_PAGES,
  growPages: MAX_PAGES,
  pages: MAX_PAGES,
  pageBytes: 65_536,
  chunkBytes: 4096,
  drainOnAlloc: 1,
};

/** What the estimate needs of a setup (url-state's Setup fits). */
export interface RunShape {
  workload: string;
  params: Record<string, number | string>;
  seed: number;
  cpus: number;
  ops: number;
  allocators: readonly AllocatorSpec[];
}

export interface MemoryEstimate {
  allocatorBytes: number;
  checkpointBytes: number;
  /** The op buffer. */
  opBytes: number;
  viewBytes: number;
  total: number;
  /** Ops the run has at most (0 = unknown: the workload ends by itself). */
  ops: number;
}

/** Pages and chunks per page an allocator's map shows, without building the allocator. */
export function poolShape(spec: AllocatorSpec, cpus: number): { pages: number; chunksPerPage: number } {
  const g = geometryOf(spec, cpus);
  return { pages: g.pages, chunksPerPage: g.pageBytes / g.chunkBytes };
}

/** Memory an allocator's map takes at most (its worker's summaries and detail). */
export function mapMemory(spec: AllocatorSpec, cpus: number): number {
  const s = poolShape(spec, cpus);
  return mapBytes(s.pages, s.chunksPerPage);
}

/**
 * Ops a run has at most: `ops`, else the workload's own length; a trace's length when
 * `traceOps` (its parsed op count) is given. 0 = unknown.
 */
export function runOps(run: RunShape, traceOps?: number): number {
  if (traceOps !== undefined) return run.ops > 0 ? Math.min(run.ops, traceOps) : traceOps;
  return opBound(run);
}

/** The memory a run is estimated to need at its peak. Throws what bytesNeeded throws for bad parameters. */
export function estimateMemory(run: RunShape, traceOps?: number): MemoryEstimate {
  const ops = runOps(run, traceOps);
  const lanes = run.allocators.length;
  const allocatorBytes = run.allocators.reduce((n, s) => n + bytesNeeded(s, run.cpus), 0);
  const viewBytes = run.allocators.reduce((n, s) => n + mapMemory(s, run.cpus), 0);
  // At most one checkpoint per interval, each at most a copy of the state, never past the budget
  // (an unknown length is taken as long).
  const checkpoints = ops > 0 ? Math.ceil(ops / DEFAULT_INTERVAL) + 1 : Infinity;
  const checkpointBytes = Math.min(DEFAULT_BUDGET, checkpoints * allocatorBytes);
  const opBytes = OP_BYTES * (traceOps !== undefined ? ops : Math.min(RING_OPS, ops > 0 ? ops : RING_OPS));
  const total = allocatorBytes + checkpointBytes + opBytes + viewBytes * (lanes > 0 ? 1 : 0);
  return { allocatorBytes, checkpointBytes, opBytes, viewBytes, total, ops };
}

/** '1 GiB', '1.5 GiB', '452 MiB', '9.1 MiB': binary units, so the limits read as round numbers. */
export function fmtMemory(bytes: number): string {
  const gib = bytes / 2 ** 30,
    mib = bytes / 2 ** 20;
  const trim = (x: number) => x.toFixed(1).replace(/\.0$/, '');
  if (gib >= 1) return `${trim(gib)} GiB`;
  if (mib >= 10) return `${Math.round(mib)} MiB`;
  return `${trim(mib)} MiB`;
}

const count = (n: number): string => n.toLocaleString('en');

/**
 * Why starting this run at op `op` should be asked about first (empty: start at once):
 * one sentence per reason, naming the figure and the threshold.
 */
export function confirmReasons(run: RunShape, op: number, traceOps?: number): string[] {
  const e = estimateMemory(run, traceOps);
  const out: string[] = [];
  if (e.total > CONFIRM_BYTES)
    out.push(
      `It is estimated to need ${fmtMemory(e.total)} of memory (more than ${fmtMemory(CONFIRM_BYTES)}): ` +
        `allocator state ${fmtMemory(e.allocatorBytes)}, seek checkpoints ${fmtMemory(e.checkpointBytes)}, ` +
        `op buffer ${fmtMemory(e.opBytes)}, maps ${fmtMemory(e.viewBytes)}.`,
    );
  if (e.ops > CONFIRM_OPS) out.push(`It runs up to ${count(e.ops)} ops (more than ${count(CONFIRM_OPS)}).`);
  if (op > CONFIRM_OPS)
    out.push(`It starts at op ${count(op)}: every op before it runs first (more than ${count(CONFIRM_OPS)}).`);
  return out;
}
