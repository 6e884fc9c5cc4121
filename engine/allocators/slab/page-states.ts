/**
 * SLAB's chunk states, derived when asked (the model keeps no state byte per chunk beyond each
 * object's objState). A page outside every slab is Unheld (free in the zone: the caches do not
 * hold it); a page of an allocPages block is Used. In a slab, from its first byte: the colour
 * offset (Waste), on-slab management (Metadata: struct slab and the bufctl array), the objects,
 * and the left-over (Waste). An object is Free in its slab, Cached in an array, Used for the
 * chunks holding requested bytes and Waste for the rest; an off-slab management object is
 * Metadata for the chunks of its slab_size and Waste for the rest.
 *
 * Read while CPU workers run (free-running snapshots), a page may be mid-op: an object whose
 * requested bytes are not written yet reads as all Waste, for at most one frame.
 */
import { ChunkState } from '../../core/types';
import { C, CACHED, FREE, LIVE, MGMT, PAGE_BLOCK, SHARED, type SlabState } from './layout';
import { SLAB_CHUNK_BYTES } from './params';

/** ChunkState of a chunk `o` chunks into an object whose first chunk is `obj`. */
function objectChunk(s: SlabState, obj: number, o: number): number {
  const st = s.objState[obj];
  if (st === FREE) return ChunkState.Free;
  if (st === SHARED || st >= CACHED) return ChunkState.Cached;
  const used = Math.ceil(s.reqBytes[obj] / SLAB_CHUNK_BYTES);
  if (st === LIVE) return o < used ? ChunkState.Used : ChunkState.Waste;
  if (st === MGMT) return o < used ? ChunkState.Metadata : ChunkState.Waste;
  return ChunkState.Waste;
}

export function slabPageStates(s: SlabState, firstPage: number, count: number, out: Uint8Array): void {
  for (let p = firstPage; p < firstPage + count; p++) {
    const at = (p - firstPage) * C,
      pc = s.pgCache[p];
    if (pc === 0 || pc === PAGE_BLOCK) {
      out.fill(pc === 0 ? ChunkState.Unheld : ChunkState.Used, at, at + C);
      continue;
    }
    const c = s.caches[pc - 1];
    const f = p & ~((1 << c.gfporder) - 1);
    const col = s.slColour[f] * c.colourChunks,
      sm = col + c.mgmtChunks,
      end = sm + c.num * c.objChunks;
    // Slab-relative chunks of this page: [lo, lo + C).
    const lo = (p - f) * C;
    for (let x = lo; x < lo + C; x++) {
      let st: number;
      if (x < col || x >= end) st = ChunkState.Waste;
      else if (x < sm) st = ChunkState.Metadata;
      else {
        const d = x - sm,
          o = d % c.objChunks;
        st = objectChunk(s, f * C + x - o, o);
      }
      out[at + x - lo] = st;
    }
  }
}
