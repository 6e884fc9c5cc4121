/**
 * The packed op buffer: every op of a run, as columns of typed arrays in shared
 * memory, written once (a generator fills it in blocks ahead of execution, a trace
 * parser fills it once) and read by every lane and every CPU worker.
 *
 * Layout: one SharedArrayBuffer per column (growable where the platform allows, so
 * readers in other threads see it grow without a message), element i of op i:
 *   kind   u8     K_* below
 *   cpu    u8     the CPU that executes the op (0..MAX_CPUS-1)
 *   flags  u8     F_* below
 *   align  u8     log2 of the requested alignment (alloc), 0 = the allocator's own
 *   slot   i32    allocation slot: an alloc names a free slot, the free/map/unmap of that
 *                 allocation names the same slot; a slot is reused only after its free
 *                 (after its unmap when the free was postponed), so the per-lane slot
 *                 tables (address, size) are as large as the peak live set, not the run
 *   size   u32    requested bytes (alloc); 0 otherwise. Sizes above 4 GiB - 1 are stored
 *                 as SIZE_HUGE with F_HUGE: no allocator can serve them
 * and, in the op buffer of a trace that carries them (`withTrace`):
 *   site   u32    the call site's index in the import's call-site table (0 = none)
 *   cache  u32    the named cache's index in the import's cache table (0 = kmalloc, none)
 *   alloc  u32    the bytes the traced allocator handed out (kmem bytes_alloc; 0 = unknown)
 *
 * Two shapes:
 * - linear: op i at position i; grows up to `maxOps` (traces, parsed once and kept);
 * - ring: `capacity` positions (a power of two), op i at i & (capacity - 1); the producer
 *   may overwrite positions below `consumed` only (generated workloads: memory does not
 *   grow with the run; a seek regenerates ops from the generator's checkpointed state).
 * Readers always index with `i & mask`: for a linear buffer mask is -1 (all bits).
 *
 * The op index space: ops [0, produced) exist; `ended` once the source has no more.
 * Header (an Int32Array of HDR_SLOTS in its own shared buffer):
 *   [H_PRODUCED] ops written so far   [H_ENDED] 1 once the source ended
 *   [H_CONSUMED] ring: every op below this index has been executed by every lane
 *   [H_SLOTS]    1 + the highest slot named so far (the size slot tables need)
 */

/**
 * Op kinds. alloc/free/map/unmap name a slot; page-alloc/page-free are page-level events
 * (Linux mm_page_alloc / mm_page_free) whose `size` is the ORDER (2^order pages), served by a
 * page allocator (allocators that have none skip them and count them).
 */
export const K_ALLOC = 0,
  K_FREE = 1,
  K_MAP = 2,
  K_UNMAP = 3,
  K_PAGE_ALLOC = 4,
  K_PAGE_FREE = 5;
export const KIND_NAMES = ['alloc', 'free', 'map', 'unmap', 'page-alloc', 'page-free'] as const;
export type OpKindName = (typeof KIND_NAMES)[number];
export const KIND_OF_NAME: Readonly<Record<OpKindName, number>> = {
  alloc: 0,
  free: 1,
  map: 2,
  unmap: 3,
  'page-alloc': 4,
  'page-free': 5,
};

/** The trace recorded this allocation as failed (the program got NULL). */
export const F_TRACE_FAILED = 1;
/** The request exceeds 4 GiB - 1 bytes; `size` holds SIZE_HUGE. */
export const F_HUGE = 2;
/**
 * A free the trace implies but did not record (an allocation at an address still live, a heap
 * replaced by exec): replayed like any free, left out of the frees a trace is said to have.
 */
export const F_IMPLIED = 4;
export const SIZE_HUGE = 0xffffffff;

const H_PRODUCED = 0,
  H_ENDED = 1,
  H_CONSUMED = 2,
  H_SLOTS = 3,
  HDR_SLOTS = 4;

type Growable = SharedArrayBuffer & { grow?(n: number): void; readonly growable?: boolean; maxByteLength?: number };
type SabCtor = new (length: number, options?: { maxByteLength: number }) => SharedArrayBuffer;

/** A buffer of `bytes` that can grow to `max` bytes: a growable SharedArrayBuffer when available. */
function growableBuffer(bytes: number, max: number, shared: boolean): ArrayBufferLike {
  if (shared && typeof SharedArrayBuffer !== 'undefined') {
    const b = new (SharedArrayBuffer as unknown as SabCtor)(bytes, { maxByteLength: Math.max(bytes, max) });
    return b;
  }
  return new ArrayBuffer(Math.max(bytes, max));
}

/** What another thread needs to attach to the same buffer. */
export interface OpBufferHandle {
  header: ArrayBufferLike;
  columns: ArrayBufferLike[];
  ring: boolean;
  /** Positions (ring) or the maximum op count (linear). */
  capacity: number;
  /** The trace columns (site, cache, alloc) exist. */
  withTrace: boolean;
}

export interface OpBufferOptions {
  ring?: boolean;
  /** Ring: positions (rounded up to a power of two). Linear: the most ops it may ever hold. */
  capacity: number;
  withTrace?: boolean;
  /** Shared memory (default: when the platform has it). */
  shared?: boolean;
}

const BYTES = [1, 1, 1, 1, 4, 4, 4, 4, 4];
/** Bytes per op without / with the trace columns (memory estimates). */
export const OP_BYTES = 12;
export const TRACE_OP_BYTES = 24;

export class OpBuffer {
  readonly ring: boolean;
  readonly capacity: number;
  readonly mask: number;
  readonly withTrace: boolean;
  private readonly header: Int32Array;
  private readonly cols: ArrayBufferLike[];
  // Views; re-made after growth in this thread (length-tracking views follow a growable buffer).
  kind!: Uint8Array;
  cpu!: Uint8Array;
  flags!: Uint8Array;
  align!: Uint8Array;
  slot!: Int32Array;
  size!: Uint32Array;
  site!: Uint32Array;
  cache!: Uint32Array;
  alloc!: Uint32Array;

  static create(o: OpBufferOptions): OpBuffer {
    const shared = o.shared ?? typeof SharedArrayBuffer !== 'undefined';
    const ring = o.ring ?? false;
    const capacity = ring ? 2 ** Math.ceil(Math.log2(Math.max(1024, o.capacity))) : Math.max(1, o.capacity);
    const initial = ring ? capacity : Math.min(capacity, 65536);
    const withTrace = o.withTrace ?? false;
    const header =
      shared && typeof SharedArrayBuffer !== 'undefined'
        ? new SharedArrayBuffer(HDR_SLOTS * 4)
        : new ArrayBuffer(HDR_SLOTS * 4);
    const columns = BYTES.slice(0, withTrace ? 9 : 6).map((b) =>
      ring ? growableBuffer(capacity * b, capacity * b, shared) : growableBuffer(initial * b, capacity * b, shared),
    );
    return new OpBuffer({ header, columns, ring, capacity, withTrace });
  }

  /** Attach to a buffer made elsewhere (a CPU worker). */
  constructor(h: OpBufferHandle) {
    this.ring = h.ring;
    this.capacity = h.capacity;
    this.mask = h.ring ? h.capacity - 1 : -1;
    this.withTrace = h.withTrace;
    this.header = new Int32Array(h.header);
    this.cols = h.columns;
    this.remake();
  }

  get handle(): OpBufferHandle {
    return {
      header: this.header.buffer,
      columns: this.cols,
      ring: this.ring,
      capacity: this.capacity,
      withTrace: this.withTrace,
    };
  }

  /**
   * Make the views. A view that tracks a growable buffer's length costs several times a plain one
   * per element in V8, so views are fixed-length wherever the buffer cannot grow any more (a ring;
   * a linear buffer once ended), and the producer writes through fixed-length views of its own,
   * remade whenever it grows the buffer (only the producing thread grows it).
   */
  private remake(): void {
    const c = this.cols;
    const track = !this.ring && Atomics.load(this.header, H_ENDED) !== 1;
    const len = (k: number): number => c[k].byteLength / BYTES[k];
    const u8 = (k: number, t: boolean) => (t ? new Uint8Array(c[k]) : new Uint8Array(c[k], 0, len(k)));
    const u32 = (k: number, t: boolean) =>
      k >= c.length ? new Uint32Array(0) : t ? new Uint32Array(c[k]) : new Uint32Array(c[k], 0, len(k));
    const i32 = (k: number, t: boolean) => (t ? new Int32Array(c[k]) : new Int32Array(c[k], 0, len(k)));
    this.kind = u8(0, track);
    this.cpu = u8(1, track);
    this.flags = u8(2, track);
    this.align = u8(3, track);
    this.slot = i32(4, track);
    this.size = u32(5, track);
    this.site = u32(6, track);
    this.cache = u32(7, track);
    this.alloc = u32(8, track);
    this.wKind = track ? u8(0, false) : this.kind;
    this.wCpu = track ? u8(1, false) : this.cpu;
    this.wFlags = track ? u8(2, false) : this.flags;
    this.wAlign = track ? u8(3, false) : this.align;
    this.wSlot = track ? i32(4, false) : this.slot;
    this.wSize = track ? u32(5, false) : this.size;
    this.wSite = track ? u32(6, false) : this.site;
    this.wCache = track ? u32(7, false) : this.cache;
    this.wAlloc = track ? u32(8, false) : this.alloc;
  }

  // The producer's views (see remake).
  private wKind!: Uint8Array;
  private wCpu!: Uint8Array;
  private wFlags!: Uint8Array;
  private wAlign!: Uint8Array;
  private wSlot!: Int32Array;
  private wSize!: Uint32Array;
  private wSite!: Uint32Array;
  private wCache!: Uint32Array;
  private wAlloc!: Uint32Array;

  get produced(): number {
    return Atomics.load(this.header, H_PRODUCED);
  }
  get ended(): boolean {
    return Atomics.load(this.header, H_ENDED) === 1;
  }
  /** Ring: ops below this index were executed by every lane (the producer may overwrite them). */
  get consumed(): number {
    return Atomics.load(this.header, H_CONSUMED);
  }
  /** 1 + the highest slot any published op names. */
  get slots(): number {
    return Atomics.load(this.header, H_SLOTS);
  }
  setConsumed(op: number): void {
    Atomics.store(this.header, H_CONSUMED, op);
  }

  /** Room for `n` more ops at `produced`: grows a linear buffer; false if a ring would overwrite unconsumed ops. */
  reserve(n: number): boolean {
    const end = this.produced + n;
    if (this.ring) return end - this.consumed <= this.capacity;
    if (end > this.capacity) return false;
    if (this.wKind.length < end) this.grow(end);
    return true;
  }

  private grow(atLeast: number): void {
    const ops = Math.min(this.capacity, Math.max(atLeast, this.wKind.length * 2));
    this.cols.forEach((b, k) => {
      const g = b as Growable;
      const want = ops * (BYTES[k] ?? 4);
      if (typeof g.grow === 'function' && g.growable) g.grow(want);
      else if (b.byteLength < want) throw new Error('op buffer: cannot grow a fixed-size buffer');
    });
    this.remake();
  }

  /**
   * Append one op (the producer's only write path); returns its index. The caller reserved room.
   * Published to other threads by `publish()` (one Atomics store per block, not per op).
   */
  push(kind: number, cpu: number, slot: number, size = 0, flags = 0, align = 0): number {
    const i = this.pending++;
    const p = i & this.mask;
    if (slot >= this.pendingSlots) this.pendingSlots = slot + 1;
    this.wKind[p] = kind;
    this.wCpu[p] = cpu;
    this.wSlot[p] = slot;
    this.wFlags[p] = size > SIZE_HUGE ? flags | F_HUGE : flags;
    this.wSize[p] = size > SIZE_HUGE ? SIZE_HUGE : size;
    this.wAlign[p] = align;
    return i;
  }

  /** Set the trace columns of op `i` (just pushed; a buffer made `withTrace`). */
  setTrace(i: number, site: number, cache: number, alloc: number): void {
    const p = i & this.mask;
    this.wSite[p] = site;
    this.wCache[p] = cache;
    this.wAlloc[p] = alloc;
  }
  /** Ops pushed in this thread and not yet published. */
  private pending = 0;
  private pendingSlots = 0;

  /** Start producing at `produced` (after attaching, or after `rewind`). */
  beginProducing(): void {
    this.pending = this.produced;
    this.pendingSlots = this.slots;
  }

  /** Make pushed ops visible to every reader. */
  publish(): void {
    Atomics.store(this.header, H_SLOTS, this.pendingSlots);
    Atomics.store(this.header, H_PRODUCED, this.pending);
  }

  end(): void {
    this.publish();
    Atomics.store(this.header, H_ENDED, 1);
    this.remake(); // an ended buffer does not grow: plain views from now on
  }

  /** Forget ops from `op` on (a seek back in a generated run: they will be produced again). */
  rewind(op: number): void {
    Atomics.store(this.header, H_PRODUCED, op);
    Atomics.store(this.header, H_ENDED, 0);
    if (this.ring) Atomics.store(this.header, H_CONSUMED, op);
    this.pending = op;
  }

  /** Whether op i is still in the buffer (a ring keeps the last `capacity` ops). */
  holds(i: number): boolean {
    return i >= 0 && i < this.produced && (!this.ring || i >= this.produced - this.capacity);
  }

  /** Bytes of memory the columns take now (for the memory shown to users). */
  get bytes(): number {
    return this.cols.reduce((s, b) => s + b.byteLength, 0);
  }
}
