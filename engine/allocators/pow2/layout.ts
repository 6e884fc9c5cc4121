/**
 * Shared-memory layout of one pow2 instance (planLayout, core/layout.ts; P = pages, C = pageBytes/chunkBytes chunks per
 * page, W = ceil(C/32) bitmap words per page, K = classes, N = cpus;
 * perPage in brackets, none = a global field):
 *   (per-CPU slots of locks, failures, partialHead, cpuSlots are a cache line apart: index cpu*16)
 *   locks        i32[N]     spinlock per CPU (0 free, 1 held), guards the state of that CPU's pages
 *   counters     f64[N*8]   per executing CPU: [0] allocs, [1] frees, [2] requested-bytes delta,
 *                           [3] allocated-bytes delta (class sizes), [4] held-bytes delta, [5..7] pad
 *   failures     f64[N]     failed allocs per executing CPU
 *   partialHead  i32[N*K]   first partial page of (cpu, class), -1 when none
 *   cpuSlots     i32[N*S]   per owner CPU (S = max(K+1, 16)): [k] free slots of class k on its held
 *                           pages, [K] its held pages (for freeSummary and largestFree without a scan)
 *   heldTree     u32[N*T]   per CPU, a HeldTree (held-tree.ts) of T words: bit i of level 0 set =
 *                           page first+i is held, upper levels mark full words (lowest unheld
 *                           page in O(levels)); all zero = nothing held
 *   pageClass    u8[P]      [1] 0 = unheld, k+1 = dedicated to class k
 *   pageLive     i32[P]     [1] live objects on the page
 *   pageNext     i32[P]     [1] 1 + next page in its partial list; 0 at the end / not listed
 *   pagePrev     i32[P]     [1] 1 + previous page in its partial list; 0 at the head / not listed
 *   freeBits     u32[P*W]   [W] per page, bit s set = slot s free (bits >= slots of the class stay 0)
 *   handedBits   u32[P*W]   [W] per page, bit s set = slot s was handed out since the page was
 *                           dedicated (with freeBits: live, freed = a double free, or never = unknown)
 *   reqBytes     i32[P*C]   [C] at a live object's first chunk: the requested bytes; else 0
 * A fresh instance writes no page-major field (all zero = unheld, unlisted): a pool of millions
 * of pages costs memory only where pages get dedicated, and nothing per op or per summary
 * is O(pages).
 * No state byte per chunk: pageStates derives ChunkState codes from pageClass, freeBits and
 * reqBytes (page-states.ts), so allocations and frees write no per-chunk bytes beyond reqBytes.
 * After the layout's buffers, Allocator.buffers ends with the dirty-page buffer (core/dirty.ts): every
 * write of a page-major field above (perPage in brackets) stamps its page's segment.
 * Address of chunk c = baseAddress + c * chunkBytes; page p starts at baseAddress + p * pageBytes.
 * Addresses pass 2^32 in big pools: address arithmetic is in doubles, never 32-bit bit operations.
 */
import { field, planLayout } from '../../core/layout';
import type { Counters } from '../../core/types';
import type { DirtyPages } from '../../core/dirty';
import { HeldTree } from './held-tree';
import type { Pow2Params } from './params';

export const CSTRIDE = 8; // f64 counter slots per CPU (one cache line)
export const LSTRIDE = 16; // i32 slots per CPU in locks (one cache line)
export const C_ALLOCS = 0,
  C_FREES = 1,
  C_REQ = 2,
  C_ALLOC_B = 3,
  C_HELD = 4;
/** i32 slots per CPU in cpuSlots: K free-slot counts and the held-page count, padded to cache lines. */
export const slotStride = (K: number): number => Math.ceil((K + 1) / LSTRIDE) * LSTRIDE;

export function planOf(p: Pow2Params) {
  const P = p.pages,
    C = p.pageBytes / p.chunkBytes,
    W = Math.ceil(C / 32),
    N = p.cpus;
  const K = Math.log2(C) + 1;
  return planLayout({
    // Per-CPU slots are spaced a cache line apart (LSTRIDE): CPU workers running free must not
    // share lines they write on every op (false sharing cost 2 workers more than half their speed).
    locks: field('i32', N * LSTRIDE),
    counters: field('f64', N * CSTRIDE),
    failures: field('f64', N * CSTRIDE),
    partialHead: field('i32', N * Math.max(K, LSTRIDE)),
    cpuSlots: field('i32', N * slotStride(K)),
    heldTree: field('u32', N * new HeldTree(Math.ceil(P / N)).stride),
    pageClass: field('u8', P, 1),
    pageLive: field('i32', P, 1),
    pageNext: field('i32', P, 1),
    pagePrev: field('i32', P, 1),
    freeBits: field('u32', P * W, W),
    handedBits: field('u32', P * W, W),
    reqBytes: field('i32', P * C, C),
  });
}
export type Pow2Plan = ReturnType<typeof planOf>;

/** What the invariant checker reads of an instance (so that it needs no import of the allocator). */
export interface Pow2State {
  readonly P: number;
  readonly C: number;
  readonly W: number;
  readonly K: number;
  readonly cpus: number;
  readonly PSTRIDE: number;
  readonly SSTRIDE: number;
  readonly chunkBytes: number;
  readonly pageBytes: number;
  readonly tree: HeldTree;
  readonly dirty: DirtyPages;
  readonly locks: Int32Array;
  readonly partialHead: Int32Array;
  readonly cpuSlots: Int32Array;
  readonly heldTree: Uint32Array;
  readonly pageClass: Uint8Array;
  readonly pageLive: Int32Array;
  readonly pageNext: Int32Array;
  readonly pagePrev: Int32Array;
  readonly freeBits: Uint32Array;
  readonly handedBits: Uint32Array;
  readonly reqBytes: Int32Array;
  ownerOfPage(page: number): number;
  firstPageOf(cpu: number): number;
  counters(): Counters;
}
