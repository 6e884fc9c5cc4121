/**
 * The export worker: a GIF export of the run with an engine of its own, built from the run's
 * config (the same ops as the control worker's, bit for bit) and stepped forward inline to each
 * frame's op, composed and encoded here. The page's maps, charts and op list do not follow the
 * export (it never touches the run the user sees), so no seek, summary or redraw costs a frame.
 * Cancel terminates the worker.
 */
import type { RunConfig } from '../../engine/runtime/api';
import { engineConfig } from '../../engine/runtime/controller';
import { Engine } from '../../engine/runtime/engine';
import { engineSource, gifSink, renderAnimation, type AnimationProgress, type AnimationRange } from './animation';

export type AnimateWorkerIn = { kind: 'start'; cfg: RunConfig; range: AnimationRange; fps: number };
export type AnimateWorkerOut =
  | { kind: 'progress'; progress: AnimationProgress }
  | { kind: 'done'; parts: Uint8Array[]; frames: number; lastOp: number }
  | { kind: 'error'; message: string };

export interface AnimateWorkerScope {
  onmessage: ((e: MessageEvent<AnimateWorkerIn>) => void) | null;
  postMessage(m: AnimateWorkerOut, transfer?: Transferable[]): void;
}

export function startAnimateWorker(scope: AnimateWorkerScope): void {
  scope.onmessage = (e) => {
    const { cfg, range, fps } = e.data;
    void (async () => {
      try {
        const engine = new Engine(engineConfig(cfg), { checkpoints: false });
        const sink = gifSink(fps);
        const r = await renderAnimation(engineSource(engine), range, sink, {
          progress: (progress) => scope.postMessage({ kind: 'progress', progress }),
        });
        const parts = sink.finish();
        scope.postMessage(
          { kind: 'done', parts, ...r },
          parts.map((p) => p.buffer as ArrayBuffer),
        );
      } catch (err) {
        scope.postMessage({ kind: 'error', message: (err as Error).message });
      }
    })();
  };
}
