/**
 * SLUB's answer for the map's hover: the object, leftover, large block or free zone block holding
 * an address, with the cache (kmalloc-192), the object's index, requested and object size, the
 * slab (first page, order, live objects) and whose it is: a CPU's active slab, a CPU's partial
 * list, the node's partial list, or no list (full). Off the hot path: it scans the slab.
 */
import type { BlockInfo } from '../../core/types';
import { GRANULE, KIND_LARGE, K_PAGE, LIST_NODE, LIVE } from './layout';
import type { SlubAllocator } from './slub';

const hex = (n: number): string => `0x${n.toString(16)}`;

export function slubBlockAt(s: SlubAllocator, address: number): BlockInfo | null {
  const off = address - s.base;
  if (!(off >= 0 && off < s.P * s.pageBytes)) return null;
  const p = Math.floor(off / s.pageBytes);
  const h = s.pgSlab[p] - 1;
  if (h < 0) {
    const f = s.zone.freeBlockAt(p);
    const first = f ? f.first : p,
      order = f ? f.order : 0;
    return {
      kind: 'unheld',
      start: s.base + first * s.pageBytes,
      bytes: s.pageBytes * 2 ** order,
      requested: 0,
      owner: -1,
      detail: [`free in the buddy zone: an order-${order} block`],
    };
  }
  const order = s.zone.usedOrder(h),
    slabBytes = s.pageBytes * 2 ** order,
    start = s.base + h * s.pageBytes;
  const kind = s.pgKind[h];
  if (kind >= KIND_LARGE) {
    return {
      kind: 'allocation',
      start,
      bytes: slabBytes,
      requested: s.sInuse[h],
      owner: -1,
      detail: [
        kind === KIND_LARGE ? `kmalloc_large: order ${order} from the zone` : `page-level block: order ${order}`,
      ],
    };
  }
  const c = kind - 1,
    size = s.sizeOf(c),
    objects = s.objectsOf(h),
    frozen = s.sFrozen[h] - 1;
  let live = 0;
  for (let i = 0; i < objects; i++) if (s.word(h * s.G + (i * size) / GRANULE) & LIVE) live++;
  const where =
    frozen >= 0
      ? s.cpuSlab[frozen * s.CS + c * 4 + K_PAGE] === h + 1
        ? `CPU ${frozen}'s active slab`
        : `on CPU ${frozen}'s per-CPU partial list`
      : s.sList[h] === LIST_NODE
        ? "on the node's partial list"
        : 'full, on no list';
  const slab = `slab ${hex(start)}: order ${order}, ${live} of ${objects} objects live, ${where}`;
  const name = s.cacheName(c);
  const i = Math.floor((off - h * s.pageBytes) / size);
  if (i >= objects)
    return {
      kind: 'waste',
      start: start + objects * size,
      bytes: slabBytes - objects * size,
      requested: 0,
      owner: frozen,
      cache: name,
      detail: [`${name}: the slab's leftover after its last object`, slab],
    };
  const g = h * s.G + (i * size) / GRANULE,
    w = s.word(g);
  const isLive = (w & LIVE) !== 0;
  const requested = isLive ? (w & 0x7fff) + (size > 0x7fff ? s.word(g + 1) * 0x8000 : 0) : 0;
  const detail = [`${name}: object ${i} of ${objects}, ${size} B${isLive ? `, ${requested} B requested` : ''}`, slab];
  if (!isLive && frozen >= 0) detail.push(`cached: only CPU ${frozen} can hand it out`);
  return {
    kind: isLive ? 'allocation' : 'free',
    start: start + i * size,
    bytes: size,
    requested,
    owner: frozen,
    cache: name,
    detail,
  };
}
