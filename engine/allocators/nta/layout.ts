/**
 * Shared-memory layout of one NTA instance: fields placed by planLayout (core/layout.ts) in
 * this order, each with its perPage in brackets (global fields have none: perPage 0).
 *
 * Global (written with Atomics where several CPUs may touch them):
 *   meta        i32[4]        [0] layout magic, set last by the initialising thread
 *   locks       i32[cpus]     spinlock of each CPU's remote-free list (avl_free_lock); 0 when quiescent
 *   remoteHead  i32[cpus]     first chunk of each CPU's remote-free LIFO list, -1 = empty
 *                             (avl_free_list_head; the list is linked through `remote`)
 *   counters    f64[cpus*8]   per-CPU counters, index cpu*8 + C_*; written only by that CPU
 *                             (8 f64 = one cache line per CPU)
 *   untouched   i32[cpus*16]  [cpu*16] the CPU's next untouched initial region (see "Virtual" below)
 * Per CPU free lists (L = chunks of the largest node; list i holds free runs of i+1 chunks):
 *   listHead    i32[cpus*L]   first container (chunk index) of list cpu*L+i, -1 = empty
 *   listTail    i32[cpus*L]   last container; runs are appended here (list_add_tail)
 *   listCount   i32[cpus*L]   runs on the list, untouched regions included (histograms without a walk)
 *   nonEmpty    u32[cpus*S]   bit i of words cpu*S.. set iff list i of that CPU is non-empty (fast
 *                             upward scan); S = max(L/32, 16): each CPU's words fill whole cache lines
 * The buddy zone of maxPages pages that every page comes from (buddy/zone.ts: zHead, zCount,
 * zLock global; zNext, zPrev, zHeadOf [1]): the initial regions are reserved from it at start
 * (pages [0, initial pages), as the largest aligned blocks), growth and page-level blocks
 * (allocPages) are taken from it later; "held" = the zone's pages not free.
 * Per page (pages = maxPages) [1]:
 *   pageNode    i32[pages]    1 + first page of the node (region) holding this page; 0 = none
 *                             written yet: a page the zone holds (free or a page-level block),
 *                             or a page of an untouched initial region
 *                             (the kernel kept the node pointer in page->lru.next)
 *   pageOwner   i32[pages]    1 + owner CPU of the page (page->lru.prev); 0 as pageNode
 *   nodePages   i32[pages]    at a node's first page: pages in the node (2^order); at a page-level
 *                             block's first page (allocPages): PAGE_BLOCK (-1)
 * Per chunk (chunks = maxPages * cpp, cpp = pageBytes / chunkBytes; "block" = free run or allocation):
 *   bitmap      u32[chunks/32] [cpp/32] node->mask: 1 = free, 0 = used, as in the patches
 *   block       i32[chunks]   [cpp] at a free run's first chunk: its length in chunks << 3 | H_FREE;
 *                             at an allocation's (live, mapped, pending, postponed): the bytes
 *                             requested << 3 | its kind (H_* below); its length in chunks is
 *                             ceil(bytes / chunkBytes), so one word says all; 0 elsewhere (H_NONE)
 *   links       i32[chunks]   [cpp] the list links of free runs' containers, a pair of words per
 *                             two chunks: the run starting at chunk c keeps its next container at
 *                             links[c & ~1] and its previous one at links[c | 1]. Two free runs
 *                             never start at neighbouring chunks (they would have merged), so no
 *                             two runs share a pair, and a run's two links share a cache line. A
 *                             list's tail has no next and its head no prev (listTail/listHead say).
 *   remote      i32[chunks]   [cpp] at a pending block's first chunk: the next block on the owner's
 *                             remote-free list, -1 at its end
 * Every per-chunk array is one more cache line for each block an op touches (most of an op's
 * time is those misses), so an allocation's kind, size and length share one word (a region is
 * at most 2^22 bytes: pageBytes <= 64 KiB, order <= 6, so bytes << 3 fits an i32) and a run's
 * two links share a line; `remote` is touched by cross-CPU frees only.
 * No state byte per chunk: pageStates derives ChunkState codes from the bitmap and `block`
 * (page-states.ts), so allocations and frees write no per-chunk bytes beyond the bitmap.
 * Virtual (untouched) regions: a fresh instance writes no page-major field of its own (they stay
 * zero, so a pool of millions of pages costs no memory until used); the zone writes the heads of
 * its blocks only (one per 1024 pages in a fresh zone). The initial regions of each CPU enter
 * its full-region list (index L-1) in address order, so that list is always "regions
 * untouched[cpu] .. end of this CPU's initial regions" (implied, not linked) followed by the
 * linked entries: allocation takes the head, materialising the next untouched region first (its
 * pages' node, owner, bitmap, states and container). A page is of an untouched region iff it is
 * an initial page (< initialPages) with pageNode 0; each such region is one free run.
 * After the layout's buffers, Allocator.buffers ends with the dirty-page buffer (core/dirty.ts):
 * every write of a page-major field above stamps its page's segment.
 */
import { field, planLayout, type LayoutPlan } from '../../core/layout';
import { zoneFields } from '../buddy/zone';

export const META_MAGIC = 0;
export const MAGIC = 0x4e544131; // 'NTA1'

/** Counter slots per CPU. Byte counters are signed partial sums: summed over CPUs they are exact. */
export const C_ALLOCS = 0,
  C_FREES = 1,
  C_FAILS = 2,
  C_REQ = 3,
  C_ALLOC = 4,
  C_PUSHED = 5,
  C_DRAINED = 6,
  C_POSTPONED = 7,
  C_SLOTS = 8;

/** nodePages at the first page of a page-level block (allocPages): not a node. */
export const PAGE_BLOCK = -1;

/** i32 slots per CPU in `untouched` (a cache line each: every CPU advances its own). */
export const U_STRIDE = 16;

/** `block` = size << SIZE_SHIFT | kind (size: a run's chunks, an allocation's bytes); KIND_MASK picks the kind. */
export const SIZE_SHIFT = 3,
  KIND_MASK = 7;

/** Block kinds stored in the low bits of `block`. */
export const H_NONE = 0,
  H_FREE = 1,
  H_LIVE = 2,
  H_PENDING = 3,
  H_MAPPED = 4,
  H_POSTPONED = 5;

export interface NtaGeometry {
  cpus: number;
  maxPages: number;
  chunksPerPage: number;
  lists: number;
}

/** Words of `nonEmpty` per CPU: the lists' bits, padded to whole cache lines. */
export const listStride = (lists: number): number => Math.max(lists / 32, 16);

export function ntaLayout(g: NtaGeometry) {
  const chunks = g.maxPages * g.chunksPerPage;
  const cpp = g.chunksPerPage;
  return planLayout({
    meta: field('i32', 4),
    locks: field('i32', g.cpus),
    remoteHead: field('i32', g.cpus),
    counters: field('f64', g.cpus * C_SLOTS),
    untouched: field('i32', g.cpus * U_STRIDE),
    listHead: field('i32', g.cpus * g.lists),
    listTail: field('i32', g.cpus * g.lists),
    listCount: field('i32', g.cpus * g.lists),
    nonEmpty: field('u32', g.cpus * listStride(g.lists)),
    ...zoneFields(g.maxPages),
    pageNode: field('i32', g.maxPages, 1),
    pageOwner: field('i32', g.maxPages, 1),
    nodePages: field('i32', g.maxPages, 1),
    bitmap: field('u32', chunks / 32, cpp / 32),
    block: field('i32', chunks, cpp),
    links: field('i32', chunks, cpp),
    remote: field('i32', chunks, cpp),
  });
}
export type NtaLayout = ReturnType<typeof ntaLayout> extends LayoutPlan<infer T> ? T : never;

/**
 * Chunks covered by the run or block whose `block` word is `b` (an allocation's: its bytes
 * rounded up to chunks of 2^chunkShift bytes; bytes < 2^22, so the shifts are exact).
 */
export const blockChunks = (b: number, chunkShift: number): number =>
  (b & KIND_MASK) === H_FREE ? b >>> SIZE_SHIFT : ((b >>> SIZE_SHIFT) + (1 << chunkShift) - 1) >>> chunkShift;
