/**
 * pow2's chunk states, derived: the model keeps no state byte per chunk (writing them on every
 * alloc, free, and slab taken or given back cost more than deriving them when asked).
 * - A slab of class k up to a page is cut into slots of 2^k chunks: a free slot is Free, a live
 *   one Used for the chunks holding requested bytes and Waste for the rest.
 * - A slab of a class above a page is one object over its 2^order pages: Used, then Waste.
 * - A page-level block (allocPages) is Used throughout, as the buddy kind draws it.
 * - The zone's free pages are Unheld (skipped a whole free block at a time).
 *
 * Read while CPU workers run (free-running snapshots), a page may be mid-op: a slot whose
 * requested bytes are not written yet reads as all Waste, for at most one frame.
 */
import { ChunkState } from '../../core/types';
import { BLOCK_PACK, packedFirst, packedOrder } from '../buddy/zone';
import { PAGE_BLOCK, type Pow2State } from './layout';

export function pow2PageStates(a: Pow2State, firstPage: number, count: number, out: Uint8Array): void {
  const { C, W, chunkBytes } = a;
  const end = firstPage + count;
  for (let p = firstPage; p < end;) {
    const at = (p - firstPage) * C,
      cls = a.pageClass[p];
    if (cls !== 0 && cls !== PAGE_BLOCK && cls - 1 <= a.logC) {
      const objChunks = 1 << (cls - 1),
        slots = C / objChunks;
      for (let s = 0; s < slots; s++) {
        const o = at + s * objChunks;
        if ((a.freeBits[p * W + (s >>> 5)] >>> (s & 31)) & 1) {
          out.fill(ChunkState.Free, o, o + objChunks);
          continue;
        }
        const used = Math.min(objChunks, Math.ceil(a.reqBytes[p * C + s * objChunks] / chunkBytes));
        out.fill(ChunkState.Used, o, o + used);
        out.fill(ChunkState.Waste, o + used, o + objChunks);
      }
      p++;
      continue;
    }
    // A block of the zone's: a slab of a class above a page, a page-level block, or a free block.
    const u = cls !== 0 ? p * BLOCK_PACK + Math.max(0, a.zone.usedOrder(p)) : a.zone.usedBlockAt(p);
    const h = u >= 0 ? packedFirst(u) : -1,
      hc = h >= 0 ? a.pageClass[h] : 0;
    if (hc === 0) {
      const f = a.zone.freeBlockAt(p);
      const stop = Math.min(end, f ? Math.max(p + 1, f.first + (1 << f.order)) : p + 1);
      out.fill(ChunkState.Unheld, at, (stop - firstPage) * C);
      p = stop;
      continue;
    }
    const stop = Math.min(end, h + (1 << packedOrder(u)));
    if (hc === PAGE_BLOCK) out.fill(ChunkState.Used, at, (stop - firstPage) * C);
    else {
      // One object from the block's first chunk: its requested bytes Used, the rest Waste.
      const live = (a.freeBits[h * W] & 1) === 0;
      const used = live ? Math.ceil(a.reqBytes[h * C] / chunkBytes) : 0;
      for (let q = p; q < stop; q++) {
        const o = (q - firstPage) * C,
          u0 = Math.max(0, Math.min(C, used - (q - h) * C));
        if (!live) out.fill(ChunkState.Free, o, o + C);
        else {
          out.fill(ChunkState.Used, o, o + u0);
          out.fill(ChunkState.Waste, o + u0, o + C);
        }
      }
    }
    p = stop;
  }
}
