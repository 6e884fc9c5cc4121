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
 * - the maps: per chunk, the UI's copy, the map image and its canvas.
 */
import { bytesNeeded, geometryOf, type AllocatorSpec } from '../engine/allocators/registry';
import { OP_BYTES } from '../engine/core/op-buffer';
import { DEFAULT_BUDGET, DEFAULT_INTERVAL } from '../engine/runtime/engine';
import { RING_OPS, opBound } from '../engine/runtime/source';

/** Most ops a run may have (`ops=`), and the furthest op cursor a link may start at (`op=`). */
export const MAX_OPS = 100_000_000;
/**
 * A run longer than this, or a link starting further in (every op before it runs first), is
 * asked about first: memory does not grow with the run, but time does.
 */
export const CONFIRM_OPS = 20_000_000;
/** Most model state one allocator may have (pow2 refuses pools over 1 GiB by itself, NTA does not). */
export const MAX_ALLOCATOR_BYTES = 2 ** 30;
/** A run estimated to need more memory than this is asked about first. */
export const CONFIRM_BYTES = 512 * 2 ** 20;

/**
 * Largest value of each allocator parameter a link or the form may give. Sizes bound
 * the pool (262,144 pages of 4 KiB are 1 GiB); the allocators check the rest
 * (powers of two, NTA's regionOrder 0..6, ...).
 */
export const OVERRIDE_MAX: Readonly<Record<string, number>> = {
  regions: 262_144,
  maxPages: 262_144,
  growPages: 262_144,
  pages: 262_144,
  pageBytes: 65_536,
  chunkBytes: 4096,
  drainOnAlloc: 1,
};

/** Per chunk: the snapshot byte, the UI's copy, the map's RGBA image and its canvas (1 + 1 + 4 + 4). */
export const VIEW_BYTES_PER_CHUNK = 10;

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

/** Chunks an allocator's map shows (pages x chunks per page) without building the allocator. */
export function poolChunks(spec: AllocatorSpec, cpus: number): number {
  const g = geometryOf(spec, cpus);
  return (g.pages * g.pageBytes) / g.chunkBytes;
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
  const viewBytes = run.allocators.reduce((n, s) => n + poolChunks(s, run.cpus) * VIEW_BYTES_PER_CHUNK, 0);
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
