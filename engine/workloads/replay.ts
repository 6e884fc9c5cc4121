/**
 * A parsed op list (op files, traces) as a stream into the op buffer.
 *
 * Parsers name allocations by dense ids (0, 1, 2, ... in order of allocation); the
 * op buffer names them by slot (engine/core/op-buffer.ts). A slot is released at the
 * free, or at the unmap when the free was postponed by a mapping, and reused by the
 * next allocation, so slot tables stay as large as the peak live set.
 */
import { KIND_OF_NAME, type OpBuffer } from '../core/op-buffer';
import { SlotPool } from './support';
import type { Op, OpStream } from './types';

interface ReplayState {
  i: number;
  slots: ReturnType<SlotPool['save']>;
  slotOf: Int32Array;
  held: Uint8Array;
}

/** Replays `ops` in order; `limit` > 0 stops after that many ops. */
export function replayStream(name: string, ops: readonly Op[], limit = 0): OpStream {
  const end = limit > 0 ? Math.min(limit, ops.length) : ops.length;
  let dense = 0;
  for (const op of ops) if (op.kind === 'alloc' && op.id >= dense) dense = op.id + 1;
  const slots = new SlotPool();
  // Per dense id: its slot, and bit 1 = mapped, bit 2 = freed (a mapped free keeps its slot).
  let slotOf = new Int32Array(dense).fill(-1);
  let held = new Uint8Array(dense);
  let i = 0;
  return {
    name,
    kind: 'stream',
    produce(out: OpBuffer, n: number): number {
      let made = 0;
      for (; made < n && i < end; made++, i++) {
        const op = ops[i];
        const kind = KIND_OF_NAME[op.kind];
        if (op.kind === 'alloc') {
          slotOf[op.id] = slots.take();
          held[op.id] = 0;
        }
        const slot = slotOf[op.id];
        out.push(kind, op.cpu, slot, op.kind === 'alloc' ? op.bytes : 0);
        if (op.kind === 'map') held[op.id] |= 1;
        else if (op.kind === 'free') {
          held[op.id] |= 2;
          if ((held[op.id] & 1) === 0) slots.release(slot);
        } else if (op.kind === 'unmap') {
          held[op.id] &= ~1;
          if (held[op.id] & 2) slots.release(slot);
        }
      }
      return made;
    },
    save: (): ReplayState => ({ i, slots: slots.save(), slotOf: slotOf.slice(), held: held.slice() }),
    restore(state: unknown): void {
      const s = state as ReplayState;
      i = s.i;
      slots.restore(s.slots);
      slotOf = s.slotOf.slice();
      held = s.held.slice();
    },
  };
}
