/**
 * `run --animate`: step the run inline to the op of every frame (frames.ts: from, from+every, ...
 * up to to), compose each frame from every allocator's snapshot and write it, as numbered PNG
 * frames in a directory or as one animated GIF. The app's export dialog composes the same frames
 * from the same ops (it seeks the control worker's engine; an engine replays a run bit for bit).
 * A run that ends before the last frame's op ends the animation at its last whole frame.
 */
import { PNG } from 'pngjs';
import type { AllocatorSpec } from '../allocators/registry';
import { composeFrame, frameLane, frameLayout, frameOps, indexToRgba, laneStatesLength } from '../render/frames';
import { GifStream } from '../render/gif';
import { Engine } from '../runtime/engine';
import { asUsage, UsageError, type RunArgs } from './args';
import { StagedDir, StreamedFile } from './outputs';
import type { LoadedTrace } from './run';

/** `frame-00012-op1200.png`: sorts in frame order. */
export function frameName(i: number, op: number): string {
  return `frame-${String(i).padStart(5, '0')}-op${op}.png`;
}

/** PNG bytes of an index frame (pngjs, RGBA). */
function framePng(index: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  indexToRgba(index, png.data);
  return PNG.sync.write(png);
}

export function checkAnimateUsage(a: RunArgs): void {
  if (!a.animate) return;
  const clash = [
    a.png !== undefined && '--png',
    a.oplog !== undefined && '--oplog',
    a.threads === 'workers' && '--threads workers',
    a.check && '--check',
    a.json && '--json',
  ].find(Boolean);
  if (clash) throw new UsageError(`--animate runs inline and writes only the animation: leave out ${clash}`);
}

/** Run and write the animation; returns the frames written and the op of the last. */
export async function animate(
  a: RunArgs,
  specs: AllocatorSpec[],
  trace: LoadedTrace | null,
): Promise<{ frames: number; lastOp: number; path: string }> {
  const anim = a.animate;
  if (!anim) throw new Error('animate() without --animate');
  const ops = asUsage(() => frameOps(anim.from, anim.to, anim.every));
  const gif = /\.gif$/i.test(anim.path);
  const file = gif ? StreamedFile.open('--animate', anim.path) : null;
  const dir = gif ? null : StagedDir.open('--animate', anim.path);
  try {
    const engine = new Engine(
      {
        allocators: specs,
        workload: trace ? 'trace' : a.workload,
        params: { ...a.params },
        imported: trace ? { fileName: trace.path, ops: trace.result.ops } : undefined,
        seed: a.seed,
        cpus: a.cpus,
        ops: a.ops,
      },
      { checkpoints: false },
    );
    const allocs = engine.allocators;
    const lanes = allocs.map((x) => frameLane(x.label, x.geometry));
    const layout = asUsage(() => frameLayout(lanes));
    const states = lanes.map((l) => new Uint8Array(laneStatesLength(l)));
    const frame = new Uint8Array(layout.width * layout.height);
    const enc = gif ? new GifStream(layout.width, layout.height, Math.round(1000 / anim.fps)) : null;
    let n = 0;
    let lastOp = -1;
    for (const op of ops) {
      if (op > engine.cursor) engine.run(op - engine.cursor);
      if (engine.cursor < op) break; // the run ended before this frame's op
      allocs.forEach((x, k) => x.snapshot(states[k]));
      composeFrame(layout, op, anim.to, states, frame);
      if (enc && file) file.writeBytes(enc.frame(frame));
      else dir?.write(frameName(n, op), framePng(frame, layout.width, layout.height));
      n++;
      lastOp = op;
    }
    if (n === 0)
      throw new Error(`the run ended after ${engine.cursor} ops, before the first frame's op (--from ${anim.from})`);
    if (enc && file) {
      file.writeBytes(enc.finish());
      file.finish();
      file.commit();
    }
    dir?.commit();
    return { frames: n, lastOp, path: anim.path };
  } catch (e) {
    file?.abort();
    dir?.abort();
    throw e;
  }
}
