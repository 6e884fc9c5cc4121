/**
 * The contract every allocator model implements.
 *
 * Hot-path calls return plain numbers, never objects, so a run of millions of
 * ops allocates nothing on the JS heap:
 *   alloc() -> a simulated address (>= 0) or a negative AllocError code;
 *   free()  -> 0 (FREE_OK) or a negative FreeError code.
 * A failed call leaves the allocator state exactly as it was.
 *
 * Every allocator keeps all of its state in (Shared)ArrayBuffers (`buffers`), as named
 * typed-array `fields` (see each allocator's layout comment), so the same code runs inline,
 * in a Node worker_thread and in a browser Web Worker, and a checkpoint is a copy of fields.
 */
import type { DirtyPages } from './dirty';
import type { FailureExplanation } from './explain';

/** One byte per chunk in snapshots; the UI colours and the PNG export key off these. */
export const ChunkState = {
  /** Page not held by the allocator (pow2 pool page not dedicated; NTA growth page not yet taken). */
  Unheld: 0,
  /** Free: can be handed out. */
  Free: 1,
  /** Used: holds at least one requested byte. */
  Used: 2,
  /**
   * Rounding waste: handed out with an allocation but beyond its requested bytes (a whole chunk),
   * or slab bytes no object can use (SLUB: a slab's leftover after its last object).
   */
  Waste: 3,
  /** Freed on a foreign CPU, queued for the owner CPU, not yet really free (NTA). */
  PendingRemote: 4,
  /** Used and mapped to user space (zero-copy sniffer, seed 18 Aug 2006). */
  Mapped: 5,
  /** Freed while mapped: the free is postponed until user space unmaps it. */
  Postponed: 6,
  /**
   * Free, but in a CPU's private cache, not free to every CPU: a free object of a CPU's own slab
   * (SLUB), or an object freed into a per-CPU or shared array cache (SLAB).
   */
  Cached: 7,
  /** Allocator metadata inside the pool (SLAB's struct slab and bufctl array, off-slab management objects). */
  Metadata: 8,
} as const;
export const CHUNK_STATE_NAMES = [
  'unheld',
  'free',
  'used',
  'waste',
  'pending-remote',
  'mapped',
  'postponed',
  'cached',
  'metadata',
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
  /**
   * Bytes not yet free for every CPU: freed on a foreign CPU and not yet drained by the owner (NTA),
   * or free objects in CPU-private slabs that only their CPU can hand out (SLUB); else 0.
   */
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
   * while mapped (NTA zero-copy); 'unheld' a page the allocator does not hold; 'cached' free in a
   * CPU's own cache (SLUB per-CPU slab, SLAB array); 'metadata' the allocator's own data (SLAB slab
   * management); 'waste' held bytes no object can use (SLAB colour offset, a slab's left-over).
   */
  kind: 'allocation' | 'free' | 'pending-remote' | 'mapped' | 'postponed' | 'unheld' | 'cached' | 'metadata' | 'waste';
  /** Address of the block's first byte (a page's first byte for 'unheld'). */
  start: number;
  /** Rounded bytes of the block: whole chunks (NTA), the size class (pow2), a page when unheld. */
  bytes: number;
  /** Bytes the caller requested (kept while pending or postponed); 0 for free and unheld blocks. */
  requested: number;
  /** Owner CPU of the page (the real one: NTA growth pages belong to whichever CPU grew), or -1 when nobody owns it. */
  owner: number;
  /** Kernel slab allocators: the cache holding the block, e.g. 'size-192', 'kmalloc-192'. */
  cache?: string;
  /** More lines for the tooltip, e.g. the object index, the slab and the CPU whose cache it is in. */
  detail?: readonly string[];
}

/**
 * One row of /proc/slabinfo (mm/slab.c s_show of 2.6.18; mm/slub.c s_show of 3.6): a cache of a
 * kernel slab allocator. SLAB adds its per-CPU and shared array caches' tunables and occupancy,
 * which SLUB has not (its slabinfo prints tunables 0 0 0 and sharedavail 0).
 */
export interface SlabinfoRow {
  name: string;
  /** Objects not free in their slab (SLAB: objects in arrays count as active; SLUB: free objects of CPU slabs too). */
  activeObjs: number;
  numObjs: number;
  /** objsize: the object's bytes in the slab. */
  objSize: number;
  objPerSlab: number;
  pagesPerSlab: number;
  /** Slabs with at least one object in use (SLUB: every slab, as its slabinfo prints). */
  activeSlabs: number;
  numSlabs: number;
  /** SLAB: the per-CPU arrays' limit (tunables). */
  limit?: number;
  /** SLAB: objects moved per refill or flush of a per-CPU array (tunables). */
  batchcount?: number;
  /** SLAB: the shared array's size as a multiple of batchcount (tunables). */
  sharedFactor?: number;
  /** SLAB: objects in the shared array (slabdata sharedavail). */
  sharedAvail?: number;
  /** SLAB: the shared array's limit (sharedFactor * batchcount). */
  sharedLimit?: number;
  /** SLAB: objects waiting in each CPU's array (its limit is `limit`); not a 2.6.18 slabinfo column. */
  cpuAvail?: number[];
}

/** One typed array of allocator state (see Allocator.fields). */
export type StateView = Uint8Array | Int32Array | Uint32Array | Float64Array;

/**
 * A named piece of allocator state. `perPage` > 0: the field is page-major, page p owns
 * `view.subarray(p * perPage, (p + 1) * perPage)` (chunks per page for per-chunk fields, 1 for
 * per-page fields, words per page for bitmaps); 0: a global field (list heads, counters,
 * locks...), small, copied whole.
 */
export interface StateField {
  readonly name: string;
  readonly view: StateView;
  readonly perPage: number;
}

/**
 * Free blocks as sizes and counts: `counts[i]` blocks of `bytes[i]` bytes each, sorted by
 * size, no zero counts. What one allocation could get, block by block (metrics.ts).
 */
export interface FreeSummary {
  bytes: number[];
  counts: number[];
}

/** What an allocator kind can do (the registry declares it; the UI and runtime ask). */
export interface Capabilities {
  /** A free on a foreign CPU is queued for the page's owner and stays pending until drained (NTA). */
  readonly remoteFrees: boolean;
  /** map()/unmap() work: a mapped allocation's free is postponed until unmap (NTA zero-copy). */
  readonly mappedChunks: boolean;
  /** Free objects wait in per-CPU caches only their CPU can hand out (SLAB arrays, SLUB per-CPU slabs: ChunkState.Cached). */
  readonly caches: boolean;
  /**
   * Free memory is contiguous runs that any request up to a run's size can take (NTA), so a
   * failed allocation means no run on that CPU is as large as the request. False: free memory
   * is fixed slots per size class (pow2), and a request can fail beside a larger free slot.
   */
  readonly contiguousRuns: boolean;
}

/** What the runtime's worker scheduler must know of an allocator (documented per allocator). */
export interface Concurrency {
  /** A free executed on a CPU other than the page's owner writes state the owner's own ops read or write. */
  readonly crossFreeTouchesOwner: boolean;
  /**
   * Which of the owner's own ops touch state that other CPUs' frees write: 'none'; 'frees' (its
   * frees, e.g. NTA draining its remote-free list); 'all' (every alloc and free).
   */
  readonly ownerOpsTouchingShared: 'none' | 'frees' | 'all';
}

export interface Allocator {
  /** Short name used on the CLI and in files: 'nta', 'pow2'. */
  readonly name: string;
  /** Human label with preset, e.g. 'NTA (blog)'. */
  readonly label: string;
  readonly cpus: number;
  readonly geometry: Geometry;
  /** Every buffer holding state (SharedArrayBuffers when available): pass them to attach another thread. */
  readonly buffers: readonly ArrayBufferLike[];
  /** Every piece of state, by name: every byte of state lives in exactly one field. */
  readonly fields: readonly StateField[];
  /** Which pages were written since when (its buffer is the last of `buffers`; see dirty.ts). */
  readonly dirty: DirtyPages;
  readonly capabilities: Capabilities;
  readonly concurrency: Concurrency;
  /**
   * Called right before the allocator touches state shared by ALL CPUs (never on the common
   * path); a no-op until the runtime replaces it (e.g. to serialise workers there).
   */
  gate: () => void;
  /**
   * Called with +bytes when the allocator takes pages from its page source and -bytes when it
   * gives them back (what counters().heldBytes adds up); null until the runtime sets it (CPU
   * workers report each op's change, so the coordinator knows the held bytes at every op).
   */
  onHeldChange: ((bytes: number) => void) | null;
  /**
   * A page allocator's own requests (trace page-level events: mm_page_alloc/mm_page_free):
   * 2^order pages, returning the address or a negative AllocError; the 2^order pages count as
   * requested bytes while allocated. Absent on allocators with no page allocator: the runtime
   * then counts these events as not modelled.
   */
  allocPages?(cpu: number, order: number): number;
  freePages?(cpu: number, address: number, order: number): number;
  alloc(cpu: number, bytes: number): number;
  /**
   * kmem_cache_alloc of a named cache: `cache` is the op buffer's cache index (1.., the trace's
   * cache table), `objectSize` that cache's object size (the trace's bytes_alloc). The first call
   * for a cache index creates the cache; a later one with another objectSize is BadSize. Freed
   * with free(). Absent on allocators without named caches: the runtime then calls alloc().
   */
  allocIn?(cpu: number, bytes: number, cache: number, objectSize: number): number;
  free(cpu: number, address: number, bytes: number): number;
  /** Mark a live allocation as mapped to user space (its free will be postponed). */
  map(cpu: number, address: number): number;
  /** Hand a mapping back; a postponed free then really happens on `cpu`. */
  unmap(cpu: number, address: number): number;
  /**
   * One ChunkState byte per chunk of pages [firstPage, firstPage + count) into `out` (length >=
   * count * chunksPerPage), right for pages the allocator has never written too.
   */
  pageStates(firstPage: number, count: number, out: Uint8Array): void;
  /**
   * The ChunkState of every chunk of page `page` while its dirty segment was never stamped
   * (DirtyPages.segGen 0): a map draws a fresh pool from this without reading its pages.
   */
  virginState(page: number): number;
  /** pageStates of the whole pool. */
  snapshot(out: Uint8Array): void;
  counters(): Counters;
  /** Free blocks the allocator could hand out as one allocation each, by size, without listing them. */
  freeSummary(): FreeSummary;
  /** Bytes of the largest block one allocation on `cpu` could get now. */
  largestFree(cpu: number): number;
  /**
   * Bytes this allocator hands out for a request of `bytes` (its rounding: whole chunks, a size
   * class), or 0 when it can never serve it. A function of the size alone, so statistics per call
   * site need not ask the allocator at every op.
   */
  handedOut(bytes: number): number;
  /**
   * Optional: the bytes to request so that the block starts at a multiple of `align` (a power of
   * two), for allocators whose blocks are aligned to their own size (pow2 classes, buddy blocks).
   * Without it the runtime pads the request by align - chunkBytes (runtime/loop.ts alignedRequest).
   */
  alignedBytes?(bytes: number, align: number): number;
  /** Owner CPU of the page holding `address`, or -1. */
  ownerOf(address: number): number;
  /**
   * The block holding the byte at `address` (any byte of it, not only its start), or null
   * outside the pool. Off the hot path (UI hovers): it may scan, and it allocates its answer.
   */
  blockAt(address: number): BlockInfo | null;
  /**
   * Why an allocation of `bytes` on `cpu` fails in the current state (call it right after the
   * failure: a failed call changes nothing): the CPU's largest free blocks, the free memory it
   * could not use by reason, what was refused, and a paragraph (core/explain.ts). Off the hot
   * path: it may walk lists and scan held pages.
   */
  explainFailure?(cpu: number, bytes: number): FailureExplanation;
  /** Full consistency check; returns a list of violations (empty when consistent). Slow. */
  checkInvariants(): string[];
  /**
   * With capabilities.remoteFrees: drain `cpu`'s remote-free list now, as the end of a free on
   * `cpu` would (call on `cpu`'s thread); returns the bytes drained.
   */
  drainRemote?(cpu: number): number;
  /** Kernel slab allocators: /proc/slabinfo's rows, one per cache. Off the hot path (walks lists). */
  slabinfo?(): SlabinfoRow[];
  /** Allocators over a buddy zone: /proc/buddyinfo, free blocks of each order 0..10 of the zone. */
  buddyinfo?(): number[];
  /**
   * Kernel slab allocators: the cache of each page of [firstPage, firstPage + count) into `out`:
   * 0 = no slab's page (free in the zone, a page-level block, kmalloc_large), k + 1 = a page of a
   * slab of cache k (cacheNames()[k]). Reads one page-major field; pages never written are 0.
   */
  pageCaches?(firstPage: number, count: number, out: Uint16Array): void;
  /** Kernel slab allocators: the caches' names by index, as pageCaches numbers them. */
  cacheNames?(): string[];
  /** With capabilities.remoteFrees: bytes `cpu` pushed on other CPUs' lists, and drained from its own, so far. */
  remoteTotals?(cpu: number): { pushed: number; drained: number };
}
