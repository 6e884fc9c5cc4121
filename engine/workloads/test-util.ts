/** Test helpers: drive a workload against a fake allocator (used by *.test.ts only). */
import { KIND_NAMES, OpBuffer } from '../core/op-buffer';
import type { Op, OpStream, Workload } from './types';

export interface DriveResult {
  ops: Op[];
  outcomes: number[];
  /** Live requested bytes after each op (per the fake). */
  liveBytes: number[];
}

/** Every op a stream produces (at most `max`), as Op objects. */
export function opsOf(w: OpStream, max = 1e7): Op[] {
  const buf = OpBuffer.create({ capacity: max, shared: false });
  buf.beginProducing();
  for (;;) {
    const n = Math.min(65536, max - buf.produced);
    if (n <= 0 || !buf.reserve(n)) break;
    const made = w.produce(buf, n);
    buf.publish();
    if (made === 0) break;
  }
  const out: Op[] = [];
  for (let i = 0; i < buf.produced; i++) {
    out.push({ kind: KIND_NAMES[buf.kind[i]], cpu: buf.cpu[i], id: buf.slot[i], bytes: buf.size[i] });
  }
  return out;
}

/**
 * Run `w` until it ends or `maxOps` ops, answering allocs with `answer(op, live)`
 * (>= 0 success, < 0 failure; default always succeeds), as a lane would: a free, map
 * or unmap of a slot whose alloc failed is skipped (outcome -100). It throws where a
 * generator broke the slot rules: an alloc of a slot still live, or a free, map or
 * unmap of a slot that was never allocated or is already free.
 */
export function drive(
  w: Workload,
  maxOps: number,
  answer: (op: Op, liveBytes: number) => number = () => 0,
): DriveResult {
  const live = new Map<number, number>();
  /** Slots issued and not freed (their alloc may have failed). */
  const issued = new Map<number, boolean>();
  const mapped = new Set<number>();
  /** Freed while mapped: the slot stays in use until its unmap. */
  const postponed = new Set<number>();
  const ops: Op[] = [];
  const outcomes: number[] = [];
  const liveBytes: number[] = [];
  let bytes = 0;
  const streamOps = w.kind === 'stream' ? opsOf(w, maxOps) : null;
  for (let i = 0; i < maxOps; i++) {
    const op = streamOps ? (streamOps[i] ?? null) : w.kind === 'adaptive' ? w.next() : null;
    if (op === null) break;
    let outcome = 0;
    if (op.kind === 'alloc') {
      if (issued.has(op.id)) throw new Error(`op ${i}: alloc of slot ${op.id}, which is still in use`);
      outcome = answer(op, bytes);
      // An adaptive workload knows a failed allocation never happened: it may reuse the slot at once.
      if (outcome >= 0 || w.kind === 'stream') issued.set(op.id, outcome >= 0);
      if (outcome >= 0) {
        live.set(op.id, op.bytes);
        bytes += op.bytes;
      }
    } else {
      const ok = issued.get(op.id);
      if (ok === undefined) throw new Error(`op ${i}: ${op.kind} of slot ${op.id}, which is not allocated`);
      if (!ok) outcome = -100;
      if (op.kind === 'map') mapped.add(op.id);
      if (op.kind === 'unmap') {
        mapped.delete(op.id);
        if (postponed.delete(op.id)) issued.delete(op.id);
      }
      if (op.kind === 'free') {
        if (mapped.has(op.id)) postponed.add(op.id);
        else issued.delete(op.id);
        const b = live.get(op.id);
        if (b !== undefined) {
          live.delete(op.id);
          bytes -= b;
        }
      }
    }
    ops.push({ ...op });
    outcomes.push(outcome);
    liveBytes.push(bytes);
    if (w.kind === 'adaptive') w.result(outcome);
  }
  return { ops, outcomes, liveBytes };
}

/** The error `parse` throws, which must be a `cls` (a ParseError subclass); fails the test otherwise. */
export function parseErrorOf<E extends Error>(parse: () => unknown, cls: abstract new (...args: never[]) => E): E {
  try {
    parse();
  } catch (e) {
    if (!(e instanceof cls)) throw new Error(`expected a ${cls.name}, got ${String(e)}`);
    return e;
  }
  throw new Error(`expected a ${cls.name}, but parsing succeeded`);
}

/**
 * Ops named by dense ids (the k-th allocation is id k), as the trace parsers name them:
 * maps slot-named ops (a stream's) back for comparison.
 */
export function toDense(ops: readonly Op[]): Op[] {
  const idOf = new Map<number, number>();
  let next = 0;
  return ops.map((op) => {
    if (op.kind === 'alloc') idOf.set(op.id, next++);
    return { ...op, id: idOf.get(op.id) ?? -1 };
  });
}

/**
 * Save a stream after each of `cuts` ops, restore the state into a fresh instance and check
 * that it produces exactly the rest of the ops the uninterrupted stream produced.
 */
export function expectResumesAt(make: () => OpStream, total: number, cuts: readonly number[]): void {
  const whole = opsOf(make(), total);
  for (const cut of cuts) {
    const a = make();
    const buf = OpBuffer.create({ capacity: total, shared: false });
    buf.beginProducing();
    buf.reserve(cut);
    let made = 0;
    while (made < cut) made += a.produce(buf, cut - made);
    // The state goes through structuredClone, as checkpoints may copy it.
    const state = structuredClone(a.save());
    const b = make();
    b.restore(state);
    const rest = opsOf(b, total - cut);
    if (JSON.stringify(rest) !== JSON.stringify(whole.slice(cut))) {
      const at = rest.findIndex((op, i) => JSON.stringify(op) !== JSON.stringify(whole[cut + i]));
      throw new Error(
        `restored at op ${cut}: op ${cut + at} differs: ${JSON.stringify(rest[at])} vs ${JSON.stringify(whole[cut + at])}`,
      );
    }
  }
}
