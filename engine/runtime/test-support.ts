/**
 * Test helpers for the runtime (used by *.test.ts only): an independent reference
 * run, the full state of allocators to compare runs bit for bit, and one run inline
 * and on CPU workers compared lane by lane.
 */
import { createAllocator, type AllocatorSpec } from '../allocators/registry';
import type { Failure } from '../core/records';
import type { Allocator, Counters } from '../core/types';
import { createWorkload } from '../workloads/generators';
import { opsOf } from '../workloads/test-util';
import { runHeadless, type HeadlessOptions, type HeadlessResult } from './run-headless';
import type { Op } from '../workloads/types';

export interface Snapshot {
  chunks: Uint8Array;
  counters: Counters;
  /** Every field's bytes (the whole state, not only what snapshots show). */
  fields: Uint8Array[];
}

export function stateOf(a: Allocator): Snapshot {
  const g = a.geometry;
  const chunks = new Uint8Array(g.pages * (g.pageBytes / g.chunkBytes));
  a.pageStates(0, g.pages, chunks);
  const fields = a.fields.map((f) => new Uint8Array(f.view.buffer, f.view.byteOffset, f.view.byteLength).slice());
  return { chunks, counters: a.counters(), fields };
}

/** Lock fields hold 0 at rest; everything else must match byte for byte. */
export function sameState(x: Allocator, y: Allocator): boolean {
  const p = stateOf(x);
  const q = stateOf(y);
  if (Buffer.compare(p.chunks, q.chunks) !== 0) return false;
  if (JSON.stringify(p.counters) !== JSON.stringify(q.counters)) return false;
  return p.fields.every((f, j) => Buffer.compare(f, q.fields[j]) === 0);
}

export interface RefLane {
  allocator: Allocator;
  failures: { op: number; cpu: number; bytes: number; code: number }[];
  errors: number;
  skipped: number;
}

/**
 * The reference: a plain loop over the stream's ops, one lane at a time, written
 * without the runtime (no op buffer reads, no slot tables, no engine).
 */
export function referenceRun(
  specs: AllocatorSpec[],
  workload: string,
  params: Record<string, number | string>,
  cpus: number,
  seed: number,
  ops: number,
): RefLane[] {
  const w = createWorkload(workload, { ...params, seed, cpus, ops });
  if (w.kind !== 'stream') throw new Error('referenceRun runs streams');
  const list: Op[] = opsOf(w);
  return specs.map((spec) => {
    const a = createAllocator(spec, cpus);
    const addr = new Map<number, { at: number; bytes: number }>();
    const lane: RefLane = { allocator: a, failures: [], errors: 0, skipped: 0 };
    list.forEach((op, i) => {
      if (op.kind === 'alloc') {
        const r = a.alloc(op.cpu, op.bytes);
        addr.set(op.id, { at: r, bytes: op.bytes });
        if (r < 0) lane.failures.push({ op: i, cpu: op.cpu, bytes: op.bytes, code: r });
        return;
      }
      const x = addr.get(op.id);
      if (!x || x.at < 0) {
        lane.skipped++;
        return;
      }
      const r =
        op.kind === 'free'
          ? a.free(op.cpu, x.at, x.bytes)
          : op.kind === 'map'
            ? a.map(op.cpu, x.at)
            : a.unmap(op.cpu, x.at);
      if (r < 0) lane.errors++;
    });
    return lane;
  });
}

/** A failure without the fields the reference does not compute. */
export const core = (f: Failure) => ({ op: f.op, cpu: f.cpu, bytes: f.bytes, code: f.code });

/**
 * Run `o` inline and on CPU workers (2 cores) and say what differs per lane: failures,
 * rejected and skipped ops, the newest outcomes, every state field, and the workers' run's
 * invariants. No difference: the runs are the same bit for bit.
 */
export async function inlineVsWorkers(
  o: Omit<HeadlessOptions, 'threads'>,
): Promise<{ inline: HeadlessResult; workers: HeadlessResult; diffs: string[] }> {
  const inline = await runHeadless({ ...o, threads: 'inline' });
  const workers = await runHeadless({ ...o, threads: 'workers', cores: 2 });
  const diffs: string[] = [];
  inline.lanes.forEach((a, k) => {
    const b = workers.lanes[k];
    const at = `lane ${k} (${a.allocator.label})`;
    if (JSON.stringify(b.failures.list()) !== JSON.stringify(a.failures.list())) diffs.push(`${at}: failures differ`);
    if (b.errors !== a.errors || b.skipped !== a.skipped)
      diffs.push(`${at}: errors/skipped ${b.errors}/${b.skipped}, inline ${a.errors}/${a.skipped}`);
    if (!a.outcomes.every((x, i) => Object.is(x, b.outcomes[i]))) diffs.push(`${at}: outcomes differ`);
    if (!sameState(a.allocator, b.allocator)) diffs.push(`${at}: state differs`);
    for (const e of b.allocator.checkInvariants()) diffs.push(`${at}: ${e}`);
  });
  return { inline, workers, diffs };
}

/** The workloads every lockstep equality test runs: [workload, CPUs, parameters]. */
export const LOCKSTEP_CASES: [string, number, Record<string, number | string>][] = [
  ['churn', 1, {}],
  ['churn', 2, {}],
  ['churn', 4, {}],
  ['producer-consumer', 2, {}],
  ['producer-consumer', 4, { inflight: 200 }],
];

/** Options of a lockstep run of `specs` (seed 7), by workload, CPUs, op count and parameters. */
export function lockstepRun(specs: AllocatorSpec[]) {
  return (workload: string, cpus: number, ops: number, params: Record<string, number | string> = {}) => ({
    allocators: specs,
    workload,
    params,
    seed: 7,
    cpus,
    ops,
    schedule: 'lockstep' as const,
  });
}
