/**
 * NTA's blockAt: the block holding an address, read from the layout (./layout.ts)
 * without changing it. Off the hot path (the map's tooltip); scans stay inside the
 * node of the address, so a lookup costs at most one node's chunks.
 *
 * - a page the zone holds: a page-level block (allocPages) is an 'allocation' of its 2^order
 *   pages, owner -1; a free block of the zone is 'unheld' (the whole block), owner -1;
 * - a page of an untouched initial region: that whole region, one free run;
 * - a free chunk (bitmap bit 1): the maximal run of free bits around it inside its
 *   node, which is exactly one free-list run (frees merge with both neighbours);
 * - a used chunk: the nearest chunk at or below it inside the node whose `head` is
 *   LIVE, MAPPED, PENDING or POSTPONED and whose length covers it. A free bit met on
 *   the way down means the state is inconsistent (only possible while CPU workers
 *   are mid-op on a shared buffer): null rather than a wrong block.
 */
import type { BlockInfo } from '../../core/types';
import { countSetDown, countSetUp, testBit } from './bits';
import { packedFirst, packedOrder } from '../buddy/zone';
import { blockChunks, H_LIVE, H_MAPPED, H_PENDING, H_POSTPONED, KIND_MASK, PAGE_BLOCK, SIZE_SHIFT } from './layout';
import type { NtaAllocator } from './nta';

const KIND_OF_HEAD: Partial<Record<number, BlockInfo['kind']>> = {
  [H_LIVE]: 'allocation',
  [H_MAPPED]: 'mapped',
  [H_PENDING]: 'pending-remote',
  [H_POSTPONED]: 'postponed',
};

export function ntaBlockAt(a: NtaAllocator, address: number): BlockInfo | null {
  const { v, cpp } = a;
  const { chunkBytes: C, baseAddress: base, pageBytes } = a.params;
  const off = address - base;
  if (!(off >= 0) || !Number.isFinite(off)) return null;
  const c = Math.floor(off / C);
  if (c >= v.block.length) return null;
  const page = Math.floor(c / cpp);
  if (a.isUntouched(page)) {
    const first = (page >> a.params.regionOrder) << a.params.regionOrder;
    const bytes = (1 << a.params.regionOrder) * pageBytes;
    return { kind: 'free', start: base + first * pageBytes, bytes, requested: 0, owner: a.ownerOfPage(page) };
  }
  const node = v.pageNode[page] - 1;
  if (node < 0) return zoneBlockAt(a, page);
  const owner = v.pageOwner[page] - 1;
  const rs = node * cpp,
    re = rs + v.nodePages[node] * cpp;
  if (testBit(v.bitmap, c)) {
    const down = countSetDown(v.bitmap, c, rs),
      up = countSetUp(v.bitmap, c, re);
    const first = c - down + 1;
    return { kind: 'free', start: base + first * C, bytes: (down + up - 1) * C, requested: 0, owner };
  }
  for (let j = c; j >= rs; j--) {
    if (testBit(v.bitmap, j)) return null;
    const kind = KIND_OF_HEAD[v.block[j] & KIND_MASK];
    if (kind === undefined) continue;
    const n = blockChunks(v.block[j], a.chunkShift);
    if (j + n <= c) return null;
    return { kind, start: base + j * C, bytes: n * C, requested: v.block[j] >>> SIZE_SHIFT, owner };
  }
  return null;
}

/** A page NTA has no node on: the zone's page-level block or free block holding it. */
function zoneBlockAt(a: NtaAllocator, page: number): BlockInfo {
  const { baseAddress: base, pageBytes } = a.params;
  const u = a.zone.usedBlockAt(page);
  if (u >= 0 && a.v.nodePages[packedFirst(u)] === PAGE_BLOCK) {
    const first = packedFirst(u),
      order = packedOrder(u),
      bytes = pageBytes * 2 ** order;
    return {
      kind: 'allocation',
      start: base + first * pageBytes,
      bytes,
      requested: bytes,
      owner: -1,
      detail: [`page-level block: order ${order} from the buddy zone`],
    };
  }
  const f = a.zone.freeBlockAt(page);
  const first = f ? f.first : page,
    order = f ? f.order : 0;
  return {
    kind: 'unheld',
    start: base + first * pageBytes,
    bytes: pageBytes * 2 ** order,
    requested: 0,
    owner: -1,
    detail: [`free in the buddy zone: an order-${order} block`],
  };
}
