/**
 * A lane: one allocator under comparison, with what it answered so far. Every lane
 * executes the same op indices; lanes never share state.
 *
 * Shared memory of a lane (besides the allocator's own buffers and the slot table,
 * engine/core/slots.ts), so that CPU workers can execute its ops:
 *   outcomes  f64[OUT_RING]  outcome of op i at i % OUT_RING: an address (alloc), 0 (ok), a
 *                            negative error, SKIPPED, or NaN (the lane had ended): the op
 *                            log and the "last ops" table read the newest ones
 *   named     f64[OUT_RING]  for a free, map or unmap: the address it named (-1 when skipped)
 * An adaptive lane also keeps its newest ops (kind, cpu, slot, size) in plain rings: they
 * are in no op buffer.
 */
import type { Allocator } from '../core/types';
import type { FailureExplanation } from '../core/explain';
import { FailureLog, type FailureLogState } from '../core/records';
import { SlotTable, type SlotTableHandle } from '../core/slots';
import type { AdaptiveWorkload } from '../workloads/types';

/** Outcome of a free/map/unmap not executed: its allocation failed in this lane. */
export const SKIPPED = -100;
/** Outcome of a page-level event in a lane whose allocator has no page allocator. */
export const UNMODELLED = -101;
/** Outcomes kept per lane (a power of two). */
export const OUT_RING = 4096;

/**
 * Failed allocations explained where they happen (Allocator.explainFailure), per lane, when a run
 * asks for it (the CLI's --json): the first ones only, because each walks the allocator's lists
 * and held pages (milliseconds on a 4094-page pool, more on large ones), and a run may fail
 * millions of times. Inline only: on CPU workers the coordinator sees the state at the end of a
 * batch, not at the failure.
 */
export const EXPLAIN_FIRST = 20;

/** Rejected frees, maps and unmaps (wrong size, double free, ...): never silent, at most ERROR_SAMPLE kept. */
export const ERROR_SAMPLE = 100;
export interface OpError {
  op: number;
  kind: number;
  code: number;
}

export interface LaneState {
  failures: FailureLogState;
  errors: number;
  errorSample: OpError[];
  skipped: number;
  unmodelled: number;
  ended: number;
  workload: unknown;
}

export interface LaneHandle {
  slots: SlotTableHandle;
  outcomes: ArrayBufferLike;
  named: ArrayBufferLike;
}

const ring = (bytes: number): ArrayBufferLike =>
  typeof SharedArrayBuffer !== 'undefined' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);

export class Lane {
  readonly slots: SlotTable;
  readonly outcomes: Float64Array;
  readonly named: Float64Array;
  /** Adaptive lanes: their newest ops (see the header). */
  readonly opKind = new Uint8Array(0);
  readonly opCpu = new Uint8Array(0);
  readonly opSlot = new Int32Array(0);
  readonly opSize = new Float64Array(0);
  readonly failures = new FailureLog();
  /** Frees, maps and unmaps the allocator rejected. */
  errors = 0;
  errorSample: OpError[] = [];
  /** Frees, maps and unmaps skipped because the allocation had failed in this lane. */
  skipped = 0;
  /** Page-level events this lane's allocator does not model (it has no page allocator). */
  unmodelled = 0;
  /** Adaptive workloads end per lane: the op index at which this one ended, or -1. */
  ended = -1;
  /** Explain the first EXPLAIN_FIRST failed allocations as they happen (off unless a run asks). */
  explain = false;
  /** Those explanations, by op index (not checkpointed: runs that seek explain at the cursor instead). */
  readonly explained = new Map<number, FailureExplanation>();

  constructor(
    readonly allocator: Allocator,
    /** This lane's own workload when the run is adaptive (one instance per lane); null for a stream. */
    readonly workload: AdaptiveWorkload | null,
    handle?: LaneHandle,
  ) {
    this.slots = handle ? new SlotTable(handle.slots) : SlotTable.create();
    this.outcomes = new Float64Array(handle?.outcomes ?? ring(OUT_RING * 8));
    this.named = new Float64Array(handle?.named ?? ring(OUT_RING * 8));
    if (workload) {
      this.opKind = new Uint8Array(OUT_RING);
      this.opCpu = new Uint8Array(OUT_RING);
      this.opSlot = new Int32Array(OUT_RING);
      this.opSize = new Float64Array(OUT_RING);
    }
  }

  get handle(): LaneHandle {
    return { slots: this.slots.handle, outcomes: this.outcomes.buffer, named: this.named.buffer };
  }

  recordError(op: number, kind: number, code: number): void {
    this.errors++;
    if (this.errorSample.length < ERROR_SAMPLE) this.errorSample.push({ op, kind, code });
  }

  /** Requested / held bytes now (exact when nothing runs concurrently). */
  utilisation(): number {
    const c = this.allocator.counters();
    return c.heldBytes > 0 ? c.requestedBytes / c.heldBytes : 0;
  }

  save(slots: number): { lane: LaneState; slots: ReturnType<SlotTable['save']> } {
    return {
      lane: {
        failures: this.failures.save(),
        errors: this.errors,
        errorSample: this.errorSample.slice(),
        skipped: this.skipped,
        unmodelled: this.unmodelled,
        ended: this.ended,
        workload: this.workload?.save() ?? null,
      },
      slots: this.slots.save(slots),
    };
  }

  restore(s: { lane: LaneState; slots: ReturnType<SlotTable['save']> }): void {
    this.failures.restore(s.lane.failures);
    this.errors = s.lane.errors;
    this.errorSample = s.lane.errorSample.slice();
    this.skipped = s.lane.skipped;
    this.unmodelled = s.lane.unmodelled;
    this.ended = s.lane.ended;
    if (this.workload) this.workload.restore(s.lane.workload);
    this.slots.restore(s.slots);
  }
}
