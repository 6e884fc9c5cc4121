/**
 * pow2's chunk states, derived: the model keeps no state byte per chunk (writing them on every
 * alloc, free, dedication and release cost more than deriving them when asked). A page of
 * class 0 is Unheld; a held page of class k+1 is cut into slots of 2^k chunks: a free slot is
 * Free, a live one Used for the chunks holding requested bytes and Waste for the rest.
 *
 * Read while CPU workers run (free-running snapshots), a page may be mid-op: a slot whose
 * requested bytes are not written yet reads as all Waste, for at most one frame.
 */
import { ChunkState } from '../../core/types';
import type { Pow2State } from './layout';

export function pow2PageStates(a: Pow2State, firstPage: number, count: number, out: Uint8Array): void {
  const { C, W, chunkBytes } = a;
  for (let p = firstPage; p < firstPage + count; p++) {
    const at = (p - firstPage) * C,
      cls = a.pageClass[p];
    if (cls === 0) {
      out.fill(ChunkState.Unheld, at, at + C);
      continue;
    }
    const objChunks = 1 << (cls - 1),
      slots = C / objChunks;
    for (let s = 0; s < slots; s++) {
      const o = at + s * objChunks;
      if ((a.freeBits[p * W + (s >>> 5)] >>> (s & 31)) & 1) {
        for (let i = 0; i < objChunks; i++) out[o + i] = ChunkState.Free;
        continue;
      }
      const used = Math.min(objChunks, Math.ceil(a.reqBytes[p * C + s * objChunks] / chunkBytes));
      for (let i = 0; i < objChunks; i++) out[o + i] = i < used ? ChunkState.Used : ChunkState.Waste;
    }
  }
}
