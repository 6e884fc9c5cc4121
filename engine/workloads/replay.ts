/** A Workload that replays a fixed op list (parsed traces and op files). */
import type { Op, Workload } from './types';

/**
 * Replays `ops` in order; result() is ignored (a trace does not adapt). Each
 * next() returns a fresh copy, so callers may keep or change it freely.
 * `limit` > 0 stops after that many ops.
 */
export function replayWorkload(name: string, ops: readonly Op[], limit = 0): Workload {
  const end = limit > 0 ? Math.min(limit, ops.length) : ops.length;
  let i = 0;
  return {
    name,
    next: () => (i < end ? { ...ops[i++] } : null),
    result: () => {},
  };
}
