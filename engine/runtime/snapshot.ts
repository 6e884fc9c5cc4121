/**
 * The published snapshot region: what the UI reads once per animation frame
 * without a message round trip and without stopping the workers.
 *
 * Layout (one SharedArrayBuffer; A = allocator count, chunks_k = pages_k * pageBytes_k / chunkBytes_k):
 *   byte 0     i32[4]  header: [0] seq        sequence lock: odd while the writer is writing
 *                              [1] generation +1 per publish (inside the write)
 *                              [2] op         the shared op cursor of that publish
 *                              [3] count      A, the allocator count
 *   byte 16    per allocator k = 0..A-1, back to back, each block 8-byte aligned:
 *              f64[COUNTER_SLOTS] counters: [0] op (ops this lane has executed) [1] allocs [2] frees
 *                              [3] failures [4] requestedBytes [5] allocatedBytes [6] heldBytes
 *                              [7] pendingBytes [8] postponedBytes (the Counters fields, core/types.ts)
 *              u8[chunks_k]    one ChunkState byte per chunk (Allocator.snapshot())
 *
 * Protocol (sequence lock, one writer): the writer makes seq odd, writes all blocks,
 * op and generation (+1), then makes seq even. A reader loads seq (retry if odd), copies,
 * loads seq again and keeps the copy only if it did not change. The writer never
 * waits for readers, so a frame never stalls the run; a reader retries a few times.
 */
import type { Allocator } from '../core/types';

export const H_SEQ = 0,
  H_GENERATION = 1,
  H_OP = 2,
  H_COUNT = 3,
  HEADER_BYTES = 16;
export const COUNTER_SLOTS = 9;
export const K_OP = 0,
  K_ALLOCS = 1,
  K_FREES = 2,
  K_FAILURES = 3,
  K_REQUESTED = 4,
  K_ALLOCATED = 5,
  K_HELD = 6,
  K_PENDING = 7,
  K_POSTPONED = 8;

/** What the layout needs to know of each allocator (api.ts AllocatorInfo fits). */
export interface SnapshotGeometry {
  pages: number;
  pageBytes: number;
  chunkBytes: number;
}

export interface SnapshotRegion {
  buffer: SharedArrayBuffer | ArrayBuffer;
  header: Int32Array;
  counters: Float64Array[];
  chunks: Uint8Array[];
}

/** A private copy in the region's shape (what readSnapshot fills). */
export interface SnapshotCopy {
  generation: number;
  op: number;
  counters: Float64Array[];
  chunks: Uint8Array[];
}

function chunksOf(g: SnapshotGeometry): number {
  return g.pages * (g.pageBytes / g.chunkBytes);
}

/** Lay typed views over an existing region (the UI does this with RunInfo.snapshot). */
export function snapshotViews(
  buffer: SharedArrayBuffer | ArrayBuffer,
  infos: readonly SnapshotGeometry[],
): SnapshotRegion {
  const counters: Float64Array[] = [];
  const chunks: Uint8Array[] = [];
  let at = HEADER_BYTES;
  for (const g of infos) {
    counters.push(new Float64Array(buffer, at, COUNTER_SLOTS));
    at += COUNTER_SLOTS * 8;
    const n = chunksOf(g);
    chunks.push(new Uint8Array(buffer, at, n));
    at += Math.ceil(n / 8) * 8;
  }
  if (at > buffer.byteLength)
    throw new Error(`snapshot region of ${buffer.byteLength} bytes is too small for these allocators (needs ${at})`);
  return { buffer, header: new Int32Array(buffer, 0, 4), counters, chunks };
}

export function regionBytes(infos: readonly SnapshotGeometry[]): number {
  return infos.reduce((at, g) => at + COUNTER_SLOTS * 8 + Math.ceil(chunksOf(g) / 8) * 8, HEADER_BYTES);
}

/** A new region (shared when the platform has SharedArrayBuffer). */
export function createSnapshotRegion(
  infos: readonly SnapshotGeometry[],
  shared = typeof SharedArrayBuffer !== 'undefined',
): SnapshotRegion {
  const bytes = regionBytes(infos);
  const r = snapshotViews(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), infos);
  r.header[H_COUNT] = infos.length;
  return r;
}

export function createSnapshotCopy(infos: readonly SnapshotGeometry[]): SnapshotCopy {
  return {
    generation: 0,
    op: 0,
    counters: infos.map(() => new Float64Array(COUNTER_SLOTS)),
    chunks: infos.map((g) => new Uint8Array(chunksOf(g))),
  };
}

/** Begin/end of a write, split out so the protocol can be tested step by step. */
export function beginWrite(r: SnapshotRegion): void {
  Atomics.add(r.header, H_SEQ, 1);
}
export function endWrite(r: SnapshotRegion, op: number): void {
  Atomics.store(r.header, H_OP, op);
  Atomics.add(r.header, H_GENERATION, 1);
  Atomics.add(r.header, H_SEQ, 1);
}

/** Publish every allocator's chunk states and counters; `laneOps[k]` = ops lane k executed, `op` the shared cursor. */
export function publish(
  r: SnapshotRegion,
  allocators: readonly Allocator[],
  laneOps: readonly number[],
  op: number,
): void {
  beginWrite(r);
  for (let k = 0; k < allocators.length; k++) {
    const a = allocators[k];
    const c = a.counters();
    const out = r.counters[k];
    out[K_OP] = laneOps[k] ?? op;
    out[K_ALLOCS] = c.allocs;
    out[K_FREES] = c.frees;
    out[K_FAILURES] = c.failures;
    out[K_REQUESTED] = c.requestedBytes;
    out[K_ALLOCATED] = c.allocatedBytes;
    out[K_HELD] = c.heldBytes;
    out[K_PENDING] = c.pendingBytes;
    out[K_POSTPONED] = c.postponedBytes;
    a.snapshot(r.chunks[k]);
  }
  endWrite(r, op);
}

/** The generation without copying anything (cheap per-frame check). */
export function generationOf(r: SnapshotRegion): number {
  return Atomics.load(r.header, H_GENERATION);
}

/**
 * Copy a consistent snapshot into `out`. Returns false when `tries` attempts all
 * overlapped a write (the caller keeps its previous frame and tries next frame).
 */
export function readSnapshot(r: SnapshotRegion, out: SnapshotCopy, tries = 4): boolean {
  for (let t = 0; t < tries; t++) {
    const s1 = Atomics.load(r.header, H_SEQ);
    if (s1 & 1) continue;
    const generation = Atomics.load(r.header, H_GENERATION);
    const op = Atomics.load(r.header, H_OP);
    for (let k = 0; k < r.chunks.length; k++) {
      out.counters[k].set(r.counters[k]);
      out.chunks[k].set(r.chunks[k]);
    }
    if (Atomics.load(r.header, H_SEQ) === s1) {
      out.generation = generation;
      out.op = op;
      return true;
    }
  }
  return false;
}
