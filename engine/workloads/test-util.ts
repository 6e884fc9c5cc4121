/** Test helpers: drive a workload against a fake allocator (used by *.test.ts only). */
import type { Op, Workload } from './types';

export interface DriveResult {
  ops: Op[];
  outcomes: number[];
  /** Live requested bytes after each op (per the fake). */
  liveBytes: number[];
}

/**
 * Run `w` until it ends or `maxOps` ops, answering allocs with `answer(op, live)`
 * (>= 0 success, < 0 failure; default always succeeds). Frees/maps/unmaps of ids
 * that are not live, and allocs of an id already used, throw: a generator must
 * never emit them.
 */
export function drive(
  w: Workload,
  maxOps: number,
  answer: (op: Op, liveBytes: number) => number = () => 0,
): DriveResult {
  const live = new Map<number, number>();
  const used = new Set<number>();
  const ops: Op[] = [];
  const outcomes: number[] = [];
  const liveBytes: number[] = [];
  let bytes = 0;
  for (let i = 0; i < maxOps; i++) {
    const op = w.next();
    if (op === null) break;
    let outcome = 0;
    if (op.kind === 'alloc') {
      if (used.has(op.id)) throw new Error(`op ${i}: alloc of id ${op.id} used before`);
      used.add(op.id);
      outcome = answer(op, bytes);
      if (outcome >= 0) {
        live.set(op.id, op.bytes);
        bytes += op.bytes;
      }
    } else {
      const b = live.get(op.id);
      if (b === undefined) throw new Error(`op ${i}: ${op.kind} of id ${op.id}, which is not live`);
      if (op.kind === 'free') {
        live.delete(op.id);
        bytes -= b;
      }
    }
    ops.push({ ...op });
    outcomes.push(outcome);
    liveBytes.push(bytes);
    w.result(op, outcome);
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
