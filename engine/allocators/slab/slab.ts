/**
 * Linux 2.6.18's SLAB allocator, the kmalloc general caches "size-N", over a buddy zone: the
 * Allocator contract around the algorithms of core.ts. Sizes, slab geometry and tunables come
 * from caches.ts; the state layout from layout.ts; the modelling notes are in core.ts and
 * docs/models.md section 5.1.
 *
 * - Addresses: page p of the zone starts at baseAddress + p * 4096; an object's address is its
 *   first chunk's (every offset in a slab is a multiple of 32 bytes, one chunk of the map).
 * - Held: the pages of every slab and of every allocPages block (taken from the zone).
 * - Pending (counters().pendingBytes): the bytes of the objects waiting in per-CPU and shared
 *   arrays (allocators.md 3), drawn as ChunkState.Cached: not free to every CPU, not in use.
 * - Map: a slab's colour offset and left-over bytes are Waste (held, never usable for objects);
 *   struct slab with the bufctl array (on-slab) and off-slab management objects are Metadata.
 * - Free blocks (freeSummary): free objects in slabs, one block of the object size each, and the
 *   zone's free pages, as blocks of their buddy size but at most one slab of the largest cache
 *   (131072 bytes), the most one allocation can get.
 * - ownerOf: -1 (slab pages belong to a cache, shared by every CPU); blockAt's owner is the
 *   CPU whose array holds a cached object, else -1.
 * - Errors: an address that is no object start of a slab is UnknownPointer (management objects
 *   too), an object free in its slab or waiting in an array is DoubleFree, bytes differing from
 *   the request WrongSize. kmalloc(0) is BadSize (2.6.18 would hand out a size-32 object).
 * - concurrency: a free pushes on the FREEING CPU's array, never on state of the allocating CPU;
 *   every op's shared work goes through gate(), so the scheduler orders nothing else.
 */
import type {
  Allocator,
  BlockInfo,
  Capabilities,
  Concurrency,
  Counters,
  FreeSummary,
  Geometry,
  StateField,
} from '../../core/types';
import { ChunkState, FreeError } from '../../core/types';
import { stateFields, viewsOf } from '../../core/layout';
import { allocatorBuffers, DirtyPages } from '../../core/dirty';
import { BuddyZone } from '../buddy/zone';
import { kmallocCaches, sizeLookup } from './caches';
import { SlabCore } from './core';
import { checkSlabInvariants } from './invariants';
import {
  arrayOffsets,
  C_ALLOCS,
  C_ALLOC_B,
  C_CACHED,
  C_FAILS,
  C_FREES,
  C_HELD,
  C_REQ,
  CSTRIDE,
  planOf,
} from './layout';
import type { SlabPlan, SlabState } from './layout';
import { slabPageStates } from './page-states';
import { SLAB_CHUNK_BYTES, SLAB_LABEL, SLAB_PAGE_BYTES, slabParams, type SlabParams } from './params';
import { slabBlockAt, slabFreeSummary, slabLargestFree } from './query';
import { pageCaches, slabinfo, type SlabSlabinfoRow } from './slabinfo';
import { MAX_ORDER } from '../buddy/zone';
import { slabExplain } from './explain';
import { sumCpuCounters } from '../../core/cpu-counters';

/** Where SLAB's per-CPU counters are (layout.ts); cached: objects in arrays. */
const SLOTS = {
  stride: CSTRIDE,
  allocs: C_ALLOCS,
  frees: C_FREES,
  failures: C_FAILS,
  requested: C_REQ,
  allocated: C_ALLOC_B,
  held: C_HELD,
  pending: C_CACHED,
};

export const SLAB_CAPABILITIES: Capabilities = {
  remoteFrees: false,
  mappedChunks: false,
  caches: true,
  contiguousRuns: false,
};

export class SlabAllocator extends SlabCore implements Allocator, SlabState {
  readonly name = 'slab';
  readonly label: string;
  readonly capabilities = SLAB_CAPABILITIES;
  readonly concurrency: Concurrency = { crossFreeTouchesOwner: false, ownerOpsTouchingShared: 'none' };
  readonly params: SlabParams;
  readonly geometry: Geometry;
  readonly buffers: readonly ArrayBufferLike[];
  readonly fields: readonly StateField[];
  readonly dirty: DirtyPages;
  readonly plan: SlabPlan;

  static bytesNeeded(p: SlabParams): number {
    return planOf(p.pages, p.cpus, kmallocCaches(p)).byteLength + DirtyPages.bytesNeeded(p.pages);
  }

  /** `buffers`: attach to (init false) or initialise (init true) another instance's buffers; default: fresh ones. */
  constructor(params: Partial<SlabParams> = {}, buffers?: readonly ArrayBufferLike[], init = true) {
    const p = slabParams(params.preset, params.cpus, params);
    const caches = kmallocCaches(p);
    const plan = planOf(p.pages, p.cpus, caches);
    const b = allocatorBuffers(plan, p.pages, buffers, init);
    const v = viewsOf(plan, b.layout);
    const o = arrayOffsets(caches);
    super({
      cpus: p.cpus,
      pages: p.pages,
      base: p.baseAddress,
      opsPerSecond: p.opsPerSecond,
      caches,
      ...o,
      lookup: sizeLookup(caches),
      zone: new BuddyZone(v, p.pages, b.dirty, false),
      segGen: b.dirty.segGen,
      epoch: b.dirty.epoch,
      views: v,
    });
    this.params = p;
    this.label = `${SLAB_LABEL} (${p.preset})`;
    this.plan = plan;
    this.geometry = {
      chunkBytes: SLAB_CHUNK_BYTES,
      pageBytes: SLAB_PAGE_BYTES,
      pages: p.pages,
      baseAddress: p.baseAddress,
    };
    this.buffers = b.all;
    this.dirty = b.dirty;
    this.fields = stateFields(plan, v);
    if (init) this.initState();
  }

  map(_cpu: number, _address: number): number {
    return FreeError.BadMapState;
  }
  unmap(_cpu: number, _address: number): number {
    return FreeError.BadMapState;
  }

  pageStates(firstPage: number, count: number, out: Uint8Array): void {
    slabPageStates(this, firstPage, count, out);
  }

  /** A page belongs to no cache until a slab is made of it. */
  virginState(_page: number): number {
    return ChunkState.Unheld;
  }

  snapshot(out: Uint8Array): void {
    this.pageStates(0, this.P, out);
  }

  counters(): Counters {
    return sumCpuCounters(this.cnt, this.cpus, SLOTS);
  }

  freeSummary(): FreeSummary {
    return slabFreeSummary(this);
  }

  largestFree(cpu: number): number {
    return slabLargestFree(this, cpu);
  }

  /** The object size of the cache kmalloc(bytes) uses (/proc/slabinfo's objsize, the trace's bytes_alloc). */
  handedOut(bytes: number): number {
    const last = this.caches[this.caches.length - 1];
    if (!(bytes > 0 && bytes <= last.csSize)) return 0;
    return this.caches.find((c) => c.csSize >= bytes)?.objBytes ?? 0;
  }

  ownerOf(_address: number): number {
    return -1;
  }

  blockAt(address: number): BlockInfo | null {
    return slabBlockAt(this, address);
  }

  /** /proc/slabinfo's rows (s_show), per cache, with the per-CPU arrays beside them. Off the hot path. */
  slabinfo(): SlabSlabinfoRow[] {
    return slabinfo(this);
  }

  explainFailure(cpu: number, bytes: number) {
    return slabExplain(this, cpu, bytes);
  }

  /** /proc/buddyinfo of the zone under the slabs: free blocks of each order. */
  buddyinfo(): number[] {
    return Array.from({ length: MAX_ORDER }, (_, o) => this.zone.freeBlocks(o));
  }

  pageCaches(firstPage: number, count: number, out: Uint16Array): void {
    pageCaches(this, firstPage, count, out);
  }

  cacheNames(): string[] {
    return this.caches.map((c) => c.name);
  }

  checkInvariants(): string[] {
    return checkSlabInvariants(this);
  }
}
