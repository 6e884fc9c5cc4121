/**
 * Applying workload ops to allocators, op for op, on one thread.
 *
 * A Lane is one allocator driven by its own workload instance (workloads adapt to
 * results, see workloads/types.ts). Lanes map allocation ids to addresses and
 * remember requested sizes so that a free passes the size, as avl_free requires.
 * The worker runtime uses the same `applyOp`, so inline and worker runs agree.
 */
import { errorName, type Allocator } from './types';
import type { Op, Workload } from '../workloads/types';
import { locate } from './metrics';

/** Outcome of an op that was not executed: a free/map/unmap of an id whose allocation failed. */
export const SKIPPED = -100;

export interface Failure {
  op: number;
  cpu: number;
  bytes: number;
  reason: string;
  /** The workload's MAX at the time (seed-fragmentation). */
  max?: number;
  /** requested / held bytes when the allocation failed. */
  utilisation?: number;
}

/** Id tables grow as allocations are made; ids are dense (0, 1, 2, ...). */
export interface IdTable {
  addr: number[];
  bytes: number[];
}

export function applyOp(a: Allocator, op: Op, t: IdTable): number {
  if (op.kind === 'alloc') {
    const r = a.alloc(op.cpu, op.bytes);
    t.addr[op.id] = r;
    t.bytes[op.id] = op.bytes;
    return r;
  }
  const addr = t.addr[op.id];
  if (addr === undefined || addr < 0) return SKIPPED;
  // The address stays in the table after a free: a postponed (mapped) free still needs its unmap,
  // and a second free reaches the allocator, which reports the double free.
  if (op.kind === 'free') return a.free(op.cpu, addr, t.bytes[op.id]);
  return op.kind === 'map' ? a.map(op.cpu, addr) : a.unmap(op.cpu, addr);
}

export class Lane {
  readonly table: IdTable = { addr: [], bytes: [] };
  readonly failures: Failure[] = [];
  /** Ops executed so far. */
  ops = 0;
  lastOp: Op | null = null;
  lastOutcome = 0;
  done = false;

  constructor(
    readonly allocator: Allocator,
    readonly workload: Workload,
    private readonly oplog?: (line: string) => void,
  ) {}

  /** Run one op; false when the workload has ended. */
  step(): boolean {
    if (this.done) return false;
    const op = this.workload.next();
    if (!op) {
      this.done = true;
      return false;
    }
    const annot = this.workload.annotate?.();
    const outcome = applyOp(this.allocator, op, this.table);
    if (op.kind === 'alloc' && outcome < 0) {
      const k = this.allocator.counters();
      const utilisation = k.heldBytes > 0 ? k.requestedBytes / k.heldBytes : 0;
      const f: Failure = { op: this.ops, cpu: op.cpu, bytes: op.bytes, reason: errorName(outcome), utilisation };
      if (annot && 'max' in annot) f.max = annot.max;
      this.failures.push(f);
    }
    this.workload.result(op, outcome);
    this.oplog?.(formatOpLine(this.allocator, this.ops, op, outcome, this.table.bytes[op.id] ?? 0));
    this.lastOp = op;
    this.lastOutcome = outcome;
    this.ops++;
    return true;
  }

  /** Run up to `n` ops; returns how many ran. */
  run(n = Infinity, check?: (lane: Lane) => void): number {
    let i = 0;
    while (i < n && this.step()) {
      i++;
      check?.(this);
    }
    return i;
  }
}

/** One op-log line: `OP cpu N alloc ID BYTES -> page P chunk C` (or `fail REASON`), `free ID BYTES -> ok`. */
export function formatOpLine(a: Allocator, index: number, op: Op, outcome: number, bytes: number): string {
  const what = op.kind === 'alloc' ? `alloc ${op.id} ${op.bytes}` : `${op.kind} ${op.id} ${bytes}`;
  let res: string;
  if (outcome === SKIPPED) res = 'skipped (allocation failed)';
  else if (op.kind === 'alloc') {
    if (outcome >= 0) {
      const l = locate(a, outcome);
      res = `page ${l.page} chunk ${l.chunk}`;
    } else res = `fail ${errorName(outcome)}`;
  } else res = outcome === 0 ? 'ok' : `error ${errorName(outcome)}`;
  return `${a.name} ${index} cpu ${op.cpu} ${what} -> ${res}`;
}
