/**
 * NTA's chunk states, derived: the model keeps no state byte per chunk (writing one on every
 * alloc and free cost more than deriving them when a map or a checkpoint asks). A node's chunks
 * are tiled by maximal free runs (bitmap bits 1) and blocks (bits 0, the block's kind and length
 * in `block` at its first chunk), so a walk from the node's first chunk meets each
 * block at its head. Untouched initial regions are one free run; the zone's free pages are
 * Unheld, and a page-level block (allocPages) is Used throughout, as the buddy kind draws it.
 *
 * Read while CPU workers run (free-running snapshots), a node may be mid-op: the walk then
 * steps one chunk over anything that is not a block head and clamps lengths to the node, so it
 * always ends, with a picture at most one op stale in that node.
 */
import { ChunkState } from '../../core/types';
import { countSetUp } from './bits';
import { packedFirst, packedOrder } from '../buddy/zone';
import { blockChunks, H_LIVE, H_MAPPED, H_PENDING, H_POSTPONED, KIND_MASK, PAGE_BLOCK } from './layout';
import type { NtaAllocator } from './nta';

/** State of a block's chunks by its head kind (an allocation's chunks all hold requested bytes: NTA rounds up to chunks). */
const STATE_OF_HEAD = new Uint8Array(8);
STATE_OF_HEAD[H_LIVE] = ChunkState.Used;
STATE_OF_HEAD[H_MAPPED] = ChunkState.Mapped;
STATE_OF_HEAD[H_PENDING] = ChunkState.PendingRemote;
STATE_OF_HEAD[H_POSTPONED] = ChunkState.Postponed;

export function ntaPageStates(a: NtaAllocator, firstPage: number, count: number, out: Uint8Array): void {
  const { v, cpp } = a;
  const from = firstPage * cpp,
    to = (firstPage + count) * cpp;
  out.fill(ChunkState.Unheld, 0, to - from);
  for (let pg = firstPage; pg < firstPage + count;) {
    if (a.isUntouched(pg)) {
      out.fill(ChunkState.Free, (pg - firstPage) * cpp, (pg - firstPage + 1) * cpp);
      pg++;
      continue;
    }
    const node = v.pageNode[pg] - 1;
    if (node < 0) {
      // The zone's: a page-level block (Used), else a free block (Unheld), skipped whole.
      const u = a.zone.usedBlockAt(pg),
        first = u >= 0 ? packedFirst(u) : -1;
      if (first >= 0 && v.nodePages[first] === PAGE_BLOCK) {
        const end = Math.min(first + (1 << packedOrder(u)), firstPage + count);
        out.fill(ChunkState.Used, (pg - firstPage) * cpp, (end - firstPage) * cpp);
        pg = end;
        continue;
      }
      const f = a.zone.freeBlockAt(pg);
      pg = f ? Math.max(pg + 1, f.first + (1 << f.order)) : pg + 1;
      continue;
    }
    const rs = node * cpp,
      re = (node + Math.max(1, v.nodePages[node])) * cpp;
    for (let c = rs; c < re && c < to;) {
      let n: number, s: number;
      if ((v.bitmap[c >>> 5] >>> (c & 31)) & 1) {
        n = countSetUp(v.bitmap, c, re);
        s = ChunkState.Free;
      } else {
        const b = v.block[c];
        s = STATE_OF_HEAD[b & KIND_MASK];
        n = s === 0 ? 1 : Math.min(Math.max(1, blockChunks(b, a.chunkShift)), re - c); // not a head: mid-op, step over it
        if (s === 0) s = ChunkState.Used;
      }
      const lo = Math.max(c, from),
        hi = Math.min(c + n, to);
      if (lo < hi) out.fill(s, lo - from, hi - from);
      c += n;
    }
    pg = Math.max(pg + 1, re / cpp);
  }
}
