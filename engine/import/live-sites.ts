/**
 * The live blocks of one call site at an op cursor, per lane: what the app marks on every map
 * when a row of the call-site table is selected.
 *
 * Which allocations are live, and at which site each was made, is a property of the op buffer
 * alone (slots are assigned by the import sink: an alloc names a free slot, its free names the
 * same slot, and the alloc's `site` column says where it was made). Where each lane put a live
 * slot is in that lane's slot table (its address, or a negative error when the lane could not
 * serve it), and how much it handed out for the request is the allocator's own rule
 * (Allocator.handedOut). Nothing is kept between calls: one pass over ops [0, cursor).
 */
import { F_TRACE_FAILED, K_ALLOC, K_FREE, type OpBuffer } from '../core/op-buffer';

/** What a lane contributes: its slot table's columns and its allocator's rounding. */
export interface LaneSlots {
  addr: Float64Array;
  req: Uint32Array;
  handedOut: (bytes: number) => number;
}

/**
 * The slots live after ops [0, cursor) whose allocation was made at call site `site` (the op
 * buffer's site index), in slot order. A request the trace records as failed is never live.
 */
export function liveSlotsOfSite(ops: OpBuffer, cursor: number, site: number): number[] {
  if (!ops.withTrace) return [];
  const end = Math.min(cursor, ops.produced);
  // The site of each slot's live allocation, or -1.
  const cur = new Int32Array(Math.max(1, ops.slots)).fill(-1);
  for (let i = 0; i < end; i++) {
    const p = i & ops.mask;
    const kind = ops.kind[p];
    if (kind === K_ALLOC) cur[ops.slot[p]] = ops.flags[p] & F_TRACE_FAILED ? -1 : ops.site[p];
    else if (kind === K_FREE) cur[ops.slot[p]] = -1;
  }
  const out: number[] = [];
  for (let s = 0; s < cur.length; s++) if (cur[s] === site) out.push(s);
  return out;
}

/**
 * The blocks `lane` holds for `slots`: [start, bytes, ...] sorted by start (the overlay's ranges),
 * bytes being what the allocator handed out for the request. Slots the lane failed are left out.
 */
export function laneBlocks(slots: readonly number[], lane: LaneSlots): Float64Array {
  const blocks: { start: number; bytes: number }[] = [];
  for (const s of slots) {
    if (s >= lane.addr.length) continue;
    const a = lane.addr[s];
    if (a >= 0) blocks.push({ start: a, bytes: lane.handedOut(lane.req[s]) });
  }
  blocks.sort((x, y) => x.start - y.start);
  const out = new Float64Array(blocks.length * 2);
  blocks.forEach((b, i) => {
    out[2 * i] = b.start;
    out[2 * i + 1] = b.bytes;
  });
  return out;
}
