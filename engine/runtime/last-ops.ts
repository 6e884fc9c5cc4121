/**
 * The newest ops before the cursor and what each lane answered (the app's op list),
 * read from the op buffer (or an adaptive lane's own op ring) and the lanes'
 * outcome rings.
 */
import { K_ALLOC, KIND_NAMES } from '../core/op-buffer';
import { failureText } from '../core/records';
import type { OpRecord } from './api';
import type { Engine } from './engine';
import { OUT_RING } from './lane';

const MASK = OUT_RING - 1;

export function lastOps(e: Engine, n: number): OpRecord[] {
  const out: OpRecord[] = [];
  const src = e.source;
  const from = Math.max(0, e.cursor - Math.min(n, OUT_RING));
  // The failures among these ops are among each lane's newest.
  const recent = e.lanes.map((L) => L.failures.tail(n).filter((f) => f.op >= from));
  for (let i = from; i < e.cursor; i++) {
    const j = i & MASK;
    let kind: number, cpu: number, slot: number, size: number;
    if (src.kind === 'stream') {
      if (!src.ops.holds(i)) continue;
      const p = i & src.ops.mask;
      kind = src.ops.kind[p];
      cpu = src.ops.cpu[p];
      slot = src.ops.slot[p];
      size = src.ops.size[p];
    } else {
      // Lanes of an adaptive workload may differ op for op: show the first live lane's op.
      const L = e.lanes.find((l) => l.ended < 0 || i < l.ended);
      if (!L) continue;
      kind = L.opKind[j];
      cpu = L.opCpu[j];
      slot = L.opSlot[j];
      size = L.opSize[j];
    }
    const failures = recent.map((r) => (kind === K_ALLOC ? r.find((f) => f.op === i) : undefined));
    out.push({
      index: i,
      cpu,
      kind: KIND_NAMES[kind],
      id: slot,
      bytes: kind === K_ALLOC ? size : e.lanes[0].slots.req[slot],
      outcomes: e.lanes.map((L) => L.outcomes[j]),
      addresses: e.lanes.map((L) => (kind === K_ALLOC ? -1 : L.named[j])),
      reasons: failures.map((f) => (f ? failureText(f) : null)),
    });
  }
  return out;
}
