/**
 * Shared-memory layout of one pow2 instance (planLayout, core/layout.ts; P = pages, C = pageBytes/chunkBytes chunks per
 * page, W = ceil(C/32) bitmap words per page, K = classes (chunkBytes * 2^k up to maxClassBytes), N = cpus;
 * perPage in brackets, none = a global field):
 *   (per-CPU slots of locks, counters, failures, partialHead, cpuSlots are a cache line apart)
 *   locks        i32[N*16]  spinlock per CPU (0 free, 1 held), guards the state of the slabs that CPU took
 *   counters     f64[N*8]   per executing CPU: [0] allocs, [1] frees, [2] requested-bytes delta,
 *                           [3] allocated-bytes delta (class sizes), [4] held-bytes delta, [5..7] pad
 *   failures     f64[N*8]   failed allocs per executing CPU ([cpu*8])
 *   partialHead  i32[N*S]   first partial slab of (cpu, class), -1 when none (S = K padded to 16)
 *   cpuSlots     i32[N*S]   per owner CPU: [k] free slots of class k on its slabs (freeSummary and
 *                           largestFree without a scan)
 *   zHead .. zHeadOf        the buddy zone of P pages every slab comes from (buddy/zone.ts); "held"
 *                           = its pages not free
 * Per page, at a slab's first page (a slab: one page cut into slots of a class up to a page, or
 * a block of 2^order pages holding one object of a class above a page); a slab's other pages
 * and the zone's free pages keep all zero:
 *   pageClass    u8[P]      [1] 0 = none, k+1 = a slab of class k, PAGE_BLOCK (255) = a page-level
 *                           block (allocPages)
 *   pageOwner    u8[P]      [1] 1 + the CPU that took the slab from the zone (its lists hold it)
 *   pageLive     i32[P]     [1] live objects on the slab
 *   pageNext     i32[P]     [1] 1 + next slab in its partial list; 0 at the end / not listed
 *   pagePrev     i32[P]     [1] 1 + previous slab in its partial list; 0 at the head / not listed
 *   freeBits     u32[P*W]   [W] per slab, bit s set = slot s free (bits >= slots of the class stay 0)
 *   handedBits   u32[P*W]   [W] per slab, bit s set = slot s was handed out since the slab was
 *                           taken (with freeBits: live, freed = a double free, or never = unknown)
 *   reqBytes     i32[P*C]   [C] at a live object's first chunk: the requested bytes; else 0
 * A fresh instance writes no page-major field of its own (all zero = no slab), and the zone only
 * the heads of its blocks: a pool of millions of pages costs memory only where slabs are taken,
 * and nothing per op or per summary is O(pages).
 * No state byte per chunk: pageStates derives ChunkState codes from pageClass, freeBits and
 * reqBytes (page-states.ts), so allocations and frees write no per-chunk bytes beyond reqBytes.
 * After the layout's buffers, Allocator.buffers ends with the dirty-page buffer (core/dirty.ts): every
 * write of a page-major field above (perPage in brackets) stamps its page's segment.
 * Address of chunk c = baseAddress + c * chunkBytes; page p starts at baseAddress + p * pageBytes.
 * Addresses pass 2^32 in big pools: address arithmetic is in doubles, never 32-bit bit operations.
 */
import { field, planLayout } from '../../core/layout';
import type { Counters } from '../../core/types';
import type { BuddyZone } from '../buddy/zone';
import { zoneFields } from '../buddy/zone';
import type { Pow2Params } from './params';

export const CSTRIDE = 8; // f64 counter slots per CPU (one cache line)
export const LSTRIDE = 16; // i32 slots per CPU in locks (one cache line)
export const C_ALLOCS = 0,
  C_FREES = 1,
  C_REQ = 2,
  C_ALLOC_B = 3,
  C_HELD = 4;
/** pageClass of a page-level block's first page. */
export const PAGE_BLOCK = 255;
/** i32 slots per CPU in partialHead and cpuSlots: one per class, padded to cache lines. */
export const classStride = (K: number): number => Math.ceil(K / LSTRIDE) * LSTRIDE;

/** Classes: chunkBytes * 2^k for k = 0 .. K-1. */
export const classCount = (p: Pow2Params): number => Math.log2(p.maxClassBytes / p.chunkBytes) + 1;

export function planOf(p: Pow2Params) {
  const P = p.pages,
    C = p.pageBytes / p.chunkBytes,
    W = Math.ceil(C / 32),
    N = p.cpus,
    S = classStride(classCount(p));
  return planLayout({
    // Per-CPU slots are spaced a cache line apart (LSTRIDE): CPU workers running free must not
    // share lines they write on every op (false sharing cost 2 workers more than half their speed).
    locks: field('i32', N * LSTRIDE),
    counters: field('f64', N * CSTRIDE),
    failures: field('f64', N * CSTRIDE),
    partialHead: field('i32', N * S),
    cpuSlots: field('i32', N * S),
    ...zoneFields(P),
    pageClass: field('u8', P, 1),
    pageOwner: field('u8', P, 1),
    pageLive: field('i32', P, 1),
    pageNext: field('i32', P, 1),
    pagePrev: field('i32', P, 1),
    freeBits: field('u32', P * W, W),
    handedBits: field('u32', P * W, W),
    reqBytes: field('i32', P * C, C),
  });
}
export type Pow2Plan = ReturnType<typeof planOf>;

/** What the invariant checker and the chunk states read of an instance (so that they need no import of the allocator). */
export interface Pow2State {
  readonly P: number;
  readonly C: number;
  /** log2(C): classes k <= logC fit in a page, the others take 2^(k - logC) pages. */
  readonly logC: number;
  readonly W: number;
  readonly K: number;
  readonly cpus: number;
  /** Slots per CPU in partialHead and cpuSlots. */
  readonly S: number;
  readonly chunkBytes: number;
  readonly pageBytes: number;
  /** Simulated address of page 0. */
  readonly base: number;
  readonly zone: BuddyZone;
  readonly locks: Int32Array;
  readonly partialHead: Int32Array;
  readonly cpuSlots: Int32Array;
  readonly pageClass: Uint8Array;
  readonly pageOwner: Uint8Array;
  readonly pageLive: Int32Array;
  readonly pageNext: Int32Array;
  readonly pagePrev: Int32Array;
  readonly freeBits: Uint32Array;
  readonly handedBits: Uint32Array;
  readonly reqBytes: Int32Array;
  counters(): Counters;
}
