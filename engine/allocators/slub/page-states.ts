/**
 * SLUB's chunk states, derived when asked (the model keeps no state byte per chunk):
 * - a page of the zone: Unheld;
 * - a large kmalloc or a page-level block: its requested bytes Used, the rest Waste;
 * - a slab page: each object's requested bytes Used and the rest of a live object Waste; a free
 *   object Cached when its slab is frozen (a CPU's active or per-CPU partial slab: only that CPU
 *   can hand it out), else Free; the slab's leftover after its last object Waste.
 * Our choice: a chunk holding parts of several objects (objects smaller than a chunk, or sizes
 * that are no multiple of it) shows the most used of them: Used over Waste over Cached over Free.
 *
 * Read while CPU workers run, a slab may be mid-op; the picture is right again at the next read.
 */
import { ChunkState } from '../../core/types';
import { GRANULE, KIND_LARGE, LIVE } from './layout';
import type { SlubState } from './state';

const NONE = 255;
const RANK = new Uint8Array(256);
RANK[ChunkState.Free] = 1;
RANK[ChunkState.Cached] = 2;
RANK[ChunkState.Waste] = 3;
RANK[ChunkState.Used] = 4;

export function slubPageStates(s: SlubState, firstPage: number, count: number, out: Uint8Array): void {
  const chunk = s.cfg.chunkBytes,
    cpp = s.pageBytes / chunk,
    pb = s.pageBytes;
  for (let p = firstPage; p < firstPage + count; p++) {
    const at = (p - firstPage) * cpp;
    const h = s.pgSlab[p] - 1;
    if (h < 0) {
      out.fill(ChunkState.Unheld, at, at + cpp);
      continue;
    }
    const kind = s.pgKind[h];
    if (kind >= KIND_LARGE) {
      const left = s.sInuse[h] - (p - h) * pb;
      const used = Math.max(0, Math.min(cpp, Math.ceil(left / chunk)));
      out.fill(ChunkState.Used, at, at + used);
      out.fill(ChunkState.Waste, at + used, at + cpp);
      continue;
    }
    out.fill(NONE, at, at + cpp);
    // Paint byte range [a, b) of this page (clipped) with state st where it ranks higher.
    const paint = (a: number, b: number, st: number) => {
      const lo = Math.max(0, a),
        hi = Math.min(pb, b);
      if (lo >= hi) return;
      for (let k = Math.floor(lo / chunk); k * chunk < hi; k++) {
        const cur = out[at + k];
        if (cur === NONE || RANK[st] > RANK[cur]) out[at + k] = st;
      }
    };
    const size = s.sizeOf(kind - 1),
      objects = s.objectsOf(h),
      free = s.sFrozen[h] !== 0 ? ChunkState.Cached : ChunkState.Free;
    const pageStart = (p - h) * pb;
    const i0 = Math.floor(pageStart / size),
      i1 = Math.min(objects, Math.ceil((pageStart + pb) / size));
    for (let i = i0; i < i1; i++) {
      const os = i * size - pageStart,
        g = h * s.G + (i * size) / GRANULE,
        w = s.word(g);
      if (w & LIVE) {
        const req = (w & 0x7fff) + (size > 0x7fff ? s.word(g + 1) * 0x8000 : 0);
        paint(os, os + req, ChunkState.Used);
        paint(os + req, os + size, ChunkState.Waste);
      } else paint(os, os + size, free);
    }
    paint(objects * size - pageStart, pb, ChunkState.Waste);
  }
}
