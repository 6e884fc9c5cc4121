/**
 * The op log: one line per op index and lane, in op order, e.g.
 *   nta 2 cpu 0 alloc 2 70 -> page 0 chunk 10 (96 B)
 *   pow2 3 cpu 0 free 0 120 -> ok
 * (allocator, op index, CPU, kind, slot, requested bytes -> where it went, or why not).
 * Lines are made after each chunk of ops from the op buffer and the lanes' outcome
 * rings, so the log costs nothing per op in the loop. A trace run's log starts with its
 * import summary, each line prefixed `# `.
 */
import { K_ALLOC, KIND_NAMES } from '../core/op-buffer';
import { locate } from '../core/metrics';
import { errorName } from '../core/types';
import type { Engine } from '../runtime/engine';
import { OUT_RING, SKIPPED } from '../runtime/lane';

const MASK = OUT_RING - 1;

/** Formats the op log of a stream run chunk by chunk; `names` are the lanes' names as the user gave them. */
export class OpLogger {
  /** Requested bytes per slot as of the last op formatted (a free prints its allocation's size). */
  private req = new Float64Array(1024);

  /** `header`: lines written first (a trace run's import summary, as `# ` lines). */
  constructor(
    private readonly names: readonly string[],
    private readonly write: (line: string) => void,
    header: readonly string[] = [],
  ) {
    for (const h of header) write(h);
  }

  chunk(e: Engine, from: number, to: number): void {
    const src = e.source;
    for (let i = from; i < to; i++) {
      const j = i & MASK;
      let kind: number, cpu: number, slot: number, size: number;
      if (src.kind === 'stream') {
        const p = i & src.ops.mask;
        [kind, cpu, slot, size] = [src.ops.kind[p], src.ops.cpu[p], src.ops.slot[p], src.ops.size[p]];
      } else {
        const L = e.lanes.find((l) => l.ended < 0 || i < l.ended);
        if (!L) continue;
        [kind, cpu, slot, size] = [L.opKind[j], L.opCpu[j], L.opSlot[j], L.opSize[j]];
      }
      if (slot >= this.req.length) {
        const r = new Float64Array(Math.max(slot + 1, this.req.length * 2));
        r.set(this.req);
        this.req = r;
      }
      if (kind === K_ALLOC) this.req[slot] = size;
      const what = `${KIND_NAMES[kind]} ${slot} ${kind === K_ALLOC ? size : this.req[slot]}`;
      e.lanes.forEach((L, k) => {
        if (L.ended >= 0 && i >= L.ended) return;
        const out = L.outcomes[j];
        let res: string;
        if (out === SKIPPED) res = 'skipped (allocation failed)';
        else if (kind === K_ALLOC) {
          if (out >= 0) {
            const at = locate(L.allocator, out);
            // The size the allocator handed out (its rounding: chunks, a size class, pages).
            res = `page ${at.page} chunk ${at.chunk} (${L.allocator.handedOut(size)} B)`;
          } else res = `fail ${errorName(out)}`;
        } else res = out === 0 ? 'ok' : `error ${errorName(out)}`;
        this.write(`${this.names[k]} ${i} cpu ${cpu} ${what} -> ${res}`);
      });
    }
  }
}
