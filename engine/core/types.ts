/**
 * The contract every allocator model implements.
 *
 * Hot-path calls return plain numbers, never objects, so a run of millions of
 * ops allocates nothing on the JS heap:
 *   alloc() -> a simulated address (>= 0) or a negative AllocError code;
 *   free()  -> 0 (FREE_OK) or a negative FreeError code.
 * A failed call leaves the allocator state exactly as it was.
 *
 * Every allocator keeps all of its state in one ArrayBuffer or SharedArrayBuffer
 * that it is given (see each allocator's layout comment), so the same code runs
 * inline, in a Node worker_thread and in a browser Web Worker.
 */

/** One byte per chunk in snapshots; the UI colours and the PNG export key off these. */
export const ChunkState = {
  /** Page not held by the allocator (pow2 pool page not dedicated; NTA growth page not yet taken). */
  Unheld: 0,
  /** Free: can be handed out. */
  Free: 1,
  /** Used: holds at least one requested byte. */
  Used: 2,
  /** Rounding waste: handed out with an allocation but beyond its requested bytes (a whole chunk). */
  Waste: 3,
  /** Freed on a foreign CPU, queued for the owner CPU, not yet really free (NTA). */
  PendingRemote: 4,
  /** Used and mapped to user space (zero-copy sniffer, seed 18 Aug 2006). */
  Mapped: 5,
  /** Freed while mapped: the free is postponed until user space unmaps it. */
  Postponed: 6,
  /** Cached in a per-CPU array (SLAB-style baselines). */
  Cached: 7,
} as const;
export type ChunkStateCode = (typeof ChunkState)[keyof typeof ChunkState];
export const CHUNK_STATE_NAMES = [
  'unheld',
  'free',
  'used',
  'waste',
  'pending-remote',
  'mapped',
  'postponed',
  'cached',
] as const;

/** Why an allocation failed. Negative so that any address (>= 0) is distinguishable. */
export const AllocError = {
  /** Size 0 or negative, or not an integer. */
  BadSize: -1,
  /** Larger than the largest block the allocator can ever hand out. */
  TooLarge: -2,
  /** No free run large enough on the calling CPU, and growth is off. */
  NoSpace: -3,
  /** No free run large enough, and the pool could not grow (capacity exhausted). */
  GrowFailed: -4,
  /** CPU number out of range. */
  BadCpu: -5,
} as const;

/** Why a free (or map/unmap) was rejected. */
export const FreeError = {
  /** Not the start of a live allocation of this allocator. */
  UnknownPointer: -11,
  /** The size passed differs from the size that was allocated. */
  WrongSize: -12,
  /** The allocation was already freed (or its free is pending/postponed). */
  DoubleFree: -13,
  /** CPU number out of range. */
  BadCpu: -14,
  /** map() of an allocation that is already mapped, or unmap() of one that is not. */
  BadMapState: -15,
} as const;
export const FREE_OK = 0;

const ERROR_TEXT: Record<number, string> = {
  [AllocError.BadSize]: 'bad size: an allocation must be a positive whole number of bytes',
  [AllocError.TooLarge]: 'too large: larger than the largest block this allocator can hand out',
  [AllocError.NoSpace]: 'no space: no free run on this CPU is as large as the request',
  [AllocError.GrowFailed]: 'grow failed: no free run large enough and the pool could not grow',
  [AllocError.BadCpu]: 'bad cpu: CPU number out of range',
  [FreeError.UnknownPointer]: 'unknown pointer: not the start of a live allocation',
  [FreeError.WrongSize]: 'wrong size: differs from the size that was allocated',
  [FreeError.DoubleFree]: 'double free: already freed (or its free is pending)',
  [FreeError.BadCpu]: 'bad cpu: CPU number out of range',
  [FreeError.BadMapState]: 'bad map state: map of a mapped allocation, or unmap of an unmapped one',
};
const ERROR_SHORT: Record<number, string> = {
  [AllocError.BadSize]: 'bad-size',
  [AllocError.TooLarge]: 'too-large',
  [AllocError.NoSpace]: 'no-space',
  [AllocError.GrowFailed]: 'grow-failed',
  [AllocError.BadCpu]: 'bad-cpu',
  [FreeError.UnknownPointer]: 'unknown-pointer',
  [FreeError.WrongSize]: 'wrong-size',
  [FreeError.DoubleFree]: 'double-free',
  [FreeError.BadCpu]: 'bad-cpu',
  [FreeError.BadMapState]: 'bad-map-state',
};
/** A sentence for users. */
export function errorText(code: number): string {
  return ERROR_TEXT[code] ?? `error ${code}`;
}
/** A kebab-case token for op logs and JSON. */
export function errorName(code: number): string {
  return ERROR_SHORT[code] ?? `error${code}`;
}

/**
 * Raw counters every allocator maintains incrementally (summed over CPUs).
 * Metrics (metrics.ts) are derived from these plus a scan of the chunk states.
 */
export interface Counters {
  allocs: number;
  frees: number;
  failures: number;
  /** Live requested bytes (sum of the sizes callers asked for). */
  requestedBytes: number;
  /** Live bytes handed out after rounding (chunks or size classes). */
  allocatedBytes: number;
  /** Bytes of pages the allocator holds (has taken from its page source). */
  heldBytes: number;
  /** Bytes freed on a foreign CPU and not yet drained by the owner (NTA), else 0. */
  pendingBytes: number;
  /** Bytes freed while mapped, waiting for unmap (NTA zero-copy), else 0. */
  postponedBytes: number;
}

/** Geometry shared by every allocator: how chunks map onto pages and addresses. */
export interface Geometry {
  /** Bytes per chunk: the unit of the snapshot (one byte per chunk). */
  chunkBytes: number;
  pageBytes: number;
  /** Pages the snapshot covers (the allocator's maximum pool, including growth capacity). */
  pages: number;
  /** Simulated address of page 0. */
  baseAddress: number;
}

/**
 * The block (allocation or free run) that holds one address, for the map's tooltip.
 * Snapshots keep one state byte per chunk and no allocation table, so only the
 * allocator itself can say where a block starts, what was asked for and who owns it.
 */
export interface BlockInfo {
  /**
   * 'allocation' live; 'free' can be handed out; 'pending-remote' freed on a foreign CPU,
   * queued for the owner (NTA); 'mapped' live and mapped to user space; 'postponed' freed
   * while mapped (NTA zero-copy); 'unheld' a page the allocator does not hold.
   */
  kind: 'allocation' | 'free' | 'pending-remote' | 'mapped' | 'postponed' | 'unheld';
  /** Address of the block's first byte (a page's first byte for 'unheld'). */
  start: number;
  /** Rounded bytes of the block: whole chunks (NTA), the size class (pow2), a page when unheld. */
  bytes: number;
  /** Bytes the caller requested (kept while pending or postponed); 0 for free and unheld blocks. */
  requested: number;
  /** Owner CPU of the page (the real one: NTA growth pages belong to whichever CPU grew), or -1 when nobody owns it. */
  owner: number;
}

export interface Allocator {
  /** Short name used on the CLI and in files: 'nta', 'pow2'. */
  readonly name: string;
  /** Human label with preset, e.g. 'NTA (blog)'. */
  readonly label: string;
  readonly cpus: number;
  readonly geometry: Geometry;
  /** The memory holding all state (shareable between workers). */
  readonly buffer: ArrayBufferLike;
  alloc(cpu: number, bytes: number): number;
  free(cpu: number, address: number, bytes: number): number;
  /** Mark a live allocation as mapped to user space (its free will be postponed). */
  map(cpu: number, address: number): number;
  /** Hand a mapping back; a postponed free then really happens on `cpu`. */
  unmap(cpu: number, address: number): number;
  /** Copy one state byte per chunk (ChunkState codes) into `out` (length >= pages * chunksPerPage). */
  snapshot(out: Uint8Array): void;
  counters(): Counters;
  /** Sizes in bytes of every free block the allocator could hand out as one allocation. */
  freeBlocks(): number[];
  /** Owner CPU of the page holding `address`, or -1. */
  ownerOf(address: number): number;
  /**
   * The block holding the byte at `address` (any byte of it, not only its start), or null
   * outside the pool. Off the hot path (UI hovers): it may scan, and it allocates its answer.
   */
  blockAt(address: number): BlockInfo | null;
  /** Full consistency check; returns a list of violations (empty when consistent). Slow. */
  checkInvariants(): string[];
}
