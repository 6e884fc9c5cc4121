/**
 * What a run may ask for, and the memory it is estimated to need: the one home of
 * both. decodeUrl refuses a link (and the setup form) past the hard limits, field by
 * field; a run within them but large is started only after the user says yes
 * (runtime/actions.ts startOrAsk and the ConfirmRun dialog).
 *
 * Where the memory goes (engine/runtime/lockstep.ts, controller.ts):
 * - allocator state: one buffer per allocator (registry bytesNeeded), shared with the CPU workers;
 * - seek checkpoints: full copies of every allocator buffer and id table, one per
 *   CHECKPOINT_INTERVAL ops; past MAX_CHECKPOINTS the interval doubles, so at most
 *   MAX_CHECKPOINTS + 1 exist at once (a 1 GB allocator can cost 18 GB after 17 k ops);
 * - op records: typed arrays per lane and op, doubled when full, and the id tables;
 * - the maps: the published snapshot, the UI's copy and the map image per chunk.
 * Measured in Node on churn (two nta:blog lanes, 1 M ops): 416 MiB of heap and buffers;
 * this estimate says 460 MiB.
 */
import { ntaParams } from '../engine/allocators/nta/presets';
import { POW2_DEFAULTS } from '../engine/allocators/pow2';
import { bytesNeeded, type AllocatorSpec } from '../engine/allocators/registry';
import { opBound } from '../engine/runtime/workload-of';

/** Most ops a run may have (`ops=`), and the furthest op cursor a link may start at (`op=`). */
export const MAX_OPS = 20_000_000;
/** More ops than this (to run, or to replay before a link's op cursor) are asked about first. */
export const CONFIRM_OPS = 5_000_000;
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

/** engine/runtime/controller.ts configure(): its default checkpoint interval and count. */
export const CHECKPOINT_INTERVAL = 1024;
export const MAX_CHECKPOINTS = 16;
/** Per op and lane: 14 B of records (capacity doubles: up to 28) and the id tables; measured 30 B on churn. */
export const RECORD_BYTES_PER_OP = 30;
/** Per op, lane and checkpoint: the id tables copied (8 B per allocation, about half the ops so far on average). */
export const CHECKPOINT_TABLE_BYTES_PER_OP = 2;
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
  recordBytes: number;
  viewBytes: number;
  total: number;
  /** Ops the run has at most (0 = unknown: the workload ends by itself). */
  ops: number;
}

/** Chunks an allocator's map shows (pages x chunks per page) without building the allocator. */
export function poolChunks(spec: AllocatorSpec, cpus: number): number {
  if (spec.kind === 'pow2') {
    const p = { ...POW2_DEFAULTS, ...spec.overrides };
    return (p.pages * p.pageBytes) / p.chunkBytes;
  }
  const p = ntaParams(spec.preset, cpus, spec.overrides);
  return (p.maxPages * p.pageBytes) / p.chunkBytes;
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
  // An unknown length is taken as long: every checkpoint slot in use.
  const checkpoints =
    ops > 0 ? Math.min(MAX_CHECKPOINTS + 1, Math.ceil(ops / CHECKPOINT_INTERVAL)) : MAX_CHECKPOINTS + 1;
  const checkpointBytes = checkpoints * (allocatorBytes + CHECKPOINT_TABLE_BYTES_PER_OP * ops * lanes);
  const recordBytes = RECORD_BYTES_PER_OP * ops * lanes;
  const total = allocatorBytes + checkpointBytes + recordBytes + viewBytes;
  return { allocatorBytes, checkpointBytes, recordBytes, viewBytes, total, ops };
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
        `op records ${fmtMemory(e.recordBytes)}, maps ${fmtMemory(e.viewBytes)}.`,
    );
  if (e.ops > CONFIRM_OPS) out.push(`It runs up to ${count(e.ops)} ops (more than ${count(CONFIRM_OPS)}).`);
  if (op > CONFIRM_OPS)
    out.push(`It starts at op ${count(op)}: every op before it runs first (more than ${count(CONFIRM_OPS)}).`);
  return out;
}
