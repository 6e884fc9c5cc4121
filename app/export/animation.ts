/**
 * The app's animated export: the run from op A to op B at K ops per frame. A source moves a run
 * to each frame's op: an engine of the export worker's own, stepped forward inline (GIF:
 * engineSource), or the control worker's, sought through ControlApi.seek (WebM: attachLanes reads
 * its allocators through their shared buffers, as a map worker does). Either replays the run
 * bit for bit as the CLI runs it inline, and frames are composed with the CLI's own composer
 * (engine/render/frames.ts), so `run --animate` gives the same pixels.
 *
 * Frames go to a sink: the GIF stream (gif.ts, lossless, encoded frame by frame, so a long
 * animation never sits in memory as pixels) or a canvas that MediaRecorder films (webm.ts).
 * Cancel (an AbortSignal) stops between frames.
 */
import { createAllocator } from '../../engine/allocators/registry';
import {
  composeFrame,
  frameLane,
  frameLayout,
  frameOps,
  laneStatesLength,
  type FrameLayout,
} from '../../engine/render/frames';
import { GifStream } from '../../engine/render/gif';
import type { AllocatorInfo } from '../../engine/runtime/api';
import type { Engine } from '../../engine/runtime/engine';

export interface AnimationRange {
  from: number;
  to: number;
  every: number;
}

/** One allocator of the animation: its label, geometry and chunk states now. */
export interface AnimationLane {
  label: string;
  geometry: { pages: number; pageBytes: number; chunkBytes: number };
  snapshot(out: Uint8Array): void;
}

/** What the export needs of the run: its allocators and a way to move it to an op. */
export interface AnimationSource {
  lanes: readonly AnimationLane[];
  /** Go to op `op`; the op reached (less when the run ends first). */
  seek(op: number): Promise<number>;
}

/** The control worker's allocators, attached through their shared buffers as a map worker attaches them. */
export function attachLanes(infos: readonly AllocatorInfo[]): AnimationLane[] {
  return infos.map((a) => {
    const alloc = createAllocator(a.spec, a.cpus, a.buffers, false);
    return { label: a.label, geometry: a, snapshot: (out) => alloc.snapshot(out) };
  });
}

/** An engine of its own (the export worker's), stepped forward to each frame's op. */
export function engineSource(engine: Engine): AnimationSource {
  return {
    lanes: engine.allocators.map((a) => ({ label: a.label, geometry: a.geometry, snapshot: (out) => a.snapshot(out) })),
    seek: async (op) => {
      if (op > engine.cursor) engine.run(op - engine.cursor);
      return engine.cursor;
    },
  };
}

export interface FrameSink {
  /** Called once before the first frame. */
  start(layout: FrameLayout): void | Promise<void>;
  frame(index: Uint8Array, op: number): void | Promise<void>;
}

export interface AnimationProgress {
  done: number;
  total: number;
  op: number;
}

export class ExportCancelled extends Error {
  constructor() {
    super('export cancelled');
  }
}

/** The layout the frames of these allocators would have; throws when they would be too large. */
export function animationLayout(
  allocators: readonly { label: string; pages: number; pageBytes: number; chunkBytes: number }[],
): FrameLayout {
  return frameLayout(allocators.map((a) => frameLane(a.label, a)));
}

/**
 * Seek to every frame's op and hand each frame to `sink`; returns the frames made and the op
 * of the last (the run may end before `to`). Cancelled by `signal` between frames.
 */
export async function renderAnimation(
  src: AnimationSource,
  range: AnimationRange,
  sink: FrameSink,
  opts: { signal?: AbortSignal; progress?: (p: AnimationProgress) => void } = {},
): Promise<{ frames: number; lastOp: number }> {
  const ops = frameOps(range.from, range.to, range.every);
  const lanes = src.lanes.map((a) => frameLane(a.label, a.geometry));
  const layout = frameLayout(lanes);
  const states = lanes.map((l) => new Uint8Array(laneStatesLength(l)));
  const frame = new Uint8Array(layout.width * layout.height);
  await sink.start(layout);
  let n = 0;
  let lastOp = -1;
  for (const op of ops) {
    if (opts.signal?.aborted) throw new ExportCancelled();
    const reached = await src.seek(op);
    if (reached < op) break; // the run ended before this frame's op
    src.lanes.forEach((a, k) => a.snapshot(states[k]));
    composeFrame(layout, op, range.to, states, frame);
    await sink.frame(frame, op);
    n++;
    lastOp = op;
    opts.progress?.({ done: n, total: ops.length, op });
  }
  if (n === 0) throw new Error(`the run ends before op ${range.from}, the first frame's op`);
  return { frames: n, lastOp };
}

/** A sink that encodes the frames as an animated GIF; `parts` are the file's bytes in order. */
export function gifSink(fps: number): FrameSink & { parts: Uint8Array[]; finish(): Uint8Array[] } {
  let gif: GifStream | null = null;
  const parts: Uint8Array[] = [];
  return {
    parts,
    start(l) {
      gif = new GifStream(l.width, l.height, Math.round(1000 / fps));
    },
    frame(index) {
      if (gif) parts.push(gif.frame(index));
    },
    finish() {
      if (gif) parts.push(gif.finish());
      return parts;
    },
  };
}
