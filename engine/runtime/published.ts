/**
 * The published header: which op the allocator states in shared memory belong to. The
 * control worker bumps it after every change it makes (each slice of a play, each call);
 * map workers read it once per frame, without a message round trip, and draw from the
 * allocators' own buffers (RunInfo.allocators[k].buffers), never from a copy.
 *
 * Layout (one SharedArrayBuffer of PUBLISHED_BYTES):
 *   byte 0   i32  generation  +1 per publish, stored last (Atomics), 0 before the first
 *   byte 4   i32  playing     1 while a play or a run is under way: the states may change at any time
 *   byte 8   f64  op          the shared op cursor of that generation (ops past 2^31 stay exact)
 *
 * Protocol (one writer): plain store of op and playing, then Atomics.add of the generation. A
 * reader loads the generation (Atomics), reads op and playing, and loads the generation again:
 * equal, the pair belongs together (retry otherwise). The Atomics pair orders the reader after
 * every allocator write that preceded the publish, so a visit made after reading a paused
 * generation sees the states of exactly that op. The writer also wakes whoever waits on the
 * generation (nextGeneration): a map draws a seek's or a step's op at once, not at its next frame.
 */

export const PUBLISHED_BYTES = 16;
const I_GENERATION = 0,
  I_PLAYING = 1;
const F_OP = 1;

export interface Published {
  generation: number;
  op: number;
  playing: boolean;
}

export interface PublishedViews {
  i32: Int32Array;
  f64: Float64Array;
}

/** A new header (shared when the platform has SharedArrayBuffer). */
export function createPublished(shared = typeof SharedArrayBuffer !== 'undefined'): SharedArrayBuffer | ArrayBuffer {
  return shared ? new SharedArrayBuffer(PUBLISHED_BYTES) : new ArrayBuffer(PUBLISHED_BYTES);
}

export function publishedViews(buffer: ArrayBufferLike): PublishedViews {
  if (buffer.byteLength < PUBLISHED_BYTES)
    throw new Error(`published header of ${buffer.byteLength} bytes, expected ${PUBLISHED_BYTES}`);
  return { i32: new Int32Array(buffer, 0, 2), f64: new Float64Array(buffer, 0, 2) };
}

/** Writer: the states now belong to op `op`; returns the new generation. */
export function publishOp(v: PublishedViews, op: number, playing: boolean): number {
  v.f64[F_OP] = op;
  v.i32[I_PLAYING] = playing ? 1 : 0;
  const g = Atomics.add(v.i32, I_GENERATION, 1) + 1;
  if (v.i32.buffer instanceof SharedArrayBuffer) Atomics.notify(v.i32, I_GENERATION);
  return g;
}

type WaitAsync = (
  a: Int32Array,
  index: number,
  value: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

/**
 * Resolves once the generation differs from `seen` (at once if it already does); null where the
 * platform cannot wait without blocking (no Atomics.waitAsync, or a header not shared).
 */
export function nextGeneration(v: PublishedViews, seen: number): Promise<void> | null {
  // ES2024's Atomics.waitAsync (the engine's lib is ES2022; Chromium and Node 20 have it).
  const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
  if (!waitAsync || !(v.i32.buffer instanceof SharedArrayBuffer)) return null;
  const w = waitAsync.call(Atomics, v.i32, I_GENERATION, seen);
  return w.async ? w.value.then(() => undefined) : Promise.resolve();
}

/** The generation alone (a cheap per-frame check). */
export function generationOf(v: PublishedViews): number {
  return Atomics.load(v.i32, I_GENERATION);
}

/** A consistent read (the writer is never waited for: a torn pair is simply read again). */
export function readPublished(v: PublishedViews): Published {
  for (;;) {
    const generation = Atomics.load(v.i32, I_GENERATION);
    const op = v.f64[F_OP];
    const playing = v.i32[I_PLAYING] === 1;
    if (Atomics.load(v.i32, I_GENERATION) === generation) return { generation, op, playing };
  }
}
