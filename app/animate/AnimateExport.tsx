/**
 * "Export animation": the run from op A to op B at K ops per frame, as a lossless animated GIF
 * (the CLI's `run --animate FILE.gif` makes the same frames) or a WebM filmed with MediaRecorder.
 * A progress bar and Cancel. A GIF is made by an export worker with an engine of its own; a WebM
 * from the run on screen (paused, sought frame by frame, put back), filmed off the canvas shown.
 */
import { useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { FRAME_LIMITS, frameOps } from '../../engine/render/frames';
import { download } from '../export/download';
import {
  animationLayout,
  attachLanes,
  ExportCancelled,
  renderAnimation,
  type AnimationProgress,
} from '../export/animation';
import type { AnimateWorkerIn, AnimateWorkerOut } from '../export/animate-worker-core';
import { pngBase } from '../export/names';
import { webmSink, webmSupported } from '../export/webm';
import { control, withTimeout } from '../runtime/client';
import { pause, toRunConfig } from '../runtime/actions';
import { importedTrace } from '../runtime/traces';
import { useStore } from '../store/store';

type Format = 'gif' | 'webm';

/** The form's numbers: whole and non-negative, or the reason they are not. */
function readRange(from: string, to: string, every: string): { from: number; to: number; every: number } | string {
  const [a, b, k] = [from, to, every].map((s) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN));
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(k) || k < 1)
    return 'From, to and every are whole numbers (every at least 1).';
  try {
    frameOps(a, b, k);
  } catch (e) {
    return (e as Error).message;
  }
  return { from: a, to: b, every: k };
}

export function AnimateExport() {
  const { info, runSetup, op, schedule } = useStore(
    useShallow((s) => ({
      info: s.info,
      runSetup: s.runSetup,
      op: s.summary?.op ?? 0,
      schedule: s.runSetup?.schedule,
    })),
  );
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState('0');
  const [to, setTo] = useState('');
  const [every, setEvery] = useState('10');
  const [fps, setFps] = useState('10');
  const [format, setFormat] = useState<Format>('gif');
  const [progress, setProgress] = useState<AnimationProgress | null>(null);
  const [message, setMessage] = useState('');
  const abort = useRef<AbortController | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  if (!info || !runSetup) return null;
  const toText = to === '' ? String(Math.max(op, 100)) : to;
  const range = readRange(from, toText, every);
  const fpsN = Math.min(100, Math.max(1, Number(fps) || 10));
  let sizeNote: string;
  try {
    const l = animationLayout(info.allocators);
    sizeNote = `${l.width} x ${l.height} pixels a frame (one pixel per chunk)`;
  } catch (e) {
    sizeNote = (e as Error).message;
  }
  const free = schedule === 'free';

  const finished = (frames: number, lastOp: number, to: number, from: number) =>
    setMessage(`Exported ${frames} frames (ops ${from} to ${lastOp}${lastOp < to ? ': the run ends there' : ''}).`);
  const failed = (e: unknown) =>
    setMessage(e instanceof ExportCancelled ? 'Export cancelled.' : `Export failed: ${(e as Error).message}`);

  /**
   * GIF: an export worker runs the same config with an engine of its own (the run on screen is
   * not touched), composes and encodes; progress comes back per frame, the file at the end.
   */
  async function goGif(r: { from: number; to: number; every: number }, ac: AbortController): Promise<void> {
    if (!runSetup) return;
    const cfg = toRunConfig(runSetup, await importedTrace(runSetup));
    const w = new Worker(new URL('../workers/animate.worker.ts', import.meta.url), {
      type: 'module',
      name: 'fragscope-export',
    });
    try {
      const res = await new Promise<Extract<AnimateWorkerOut, { kind: 'done' }>>((resolve, reject) => {
        ac.signal.addEventListener('abort', () => reject(new ExportCancelled()));
        w.onmessage = (e: MessageEvent<AnimateWorkerOut>) => {
          const m = e.data;
          if (m.kind === 'progress') setProgress(m.progress);
          else if (m.kind === 'done') resolve(m);
          else reject(new Error(m.message));
        };
        w.onerror = (e) => reject(new Error(`the export worker failed: ${e.message || 'it could not be loaded'}`));
        const start: AnimateWorkerIn = { kind: 'start', cfg, range: r, fps: fpsN };
        w.postMessage(start);
      });
      download(
        `${pngBase(runSetup)}_ops${r.from}-${res.lastOp}-every${r.every}.gif`,
        new Blob(res.parts as BlobPart[], { type: 'image/gif' }),
      );
      finished(res.frames, res.lastOp, r.to, r.from);
    } finally {
      w.terminate();
    }
  }

  /**
   * WebM: MediaRecorder films the canvas in real time, so the frames come from the run itself:
   * paused, sought to each frame's op through the control worker, then put back at its op.
   */
  async function goWebm(r: { from: number; to: number; every: number }, ac: AbortController): Promise<void> {
    if (!info || !runSetup || !canvas.current) return;
    await pause();
    const remote = await control();
    const back = useStore.getState().summary?.op ?? 0;
    const webm = webmSink(canvas.current, fpsN);
    try {
      const res = await renderAnimation(
        {
          lanes: attachLanes(info.allocators),
          seek: async (o) => (await withTimeout(remote.seek(o), 60000, `seek ${o}`)).op,
        },
        r,
        webm,
        { signal: ac.signal, progress: setProgress },
      );
      download(`${pngBase(runSetup)}_ops${r.from}-${res.lastOp}-every${r.every}.webm`, await webm.finish());
      finished(res.frames, res.lastOp, r.to, r.from);
    } catch (e) {
      await webm.finish();
      throw e;
    } finally {
      await withTimeout(remote.seek(back), 60000, `seek ${back}`).catch(() => undefined);
    }
  }

  async function go(): Promise<void> {
    if (typeof range === 'string') return;
    const ac = new AbortController();
    abort.current = ac;
    setMessage('');
    setProgress({ done: 0, total: frameOps(range.from, range.to, range.every).length, op: range.from });
    try {
      await (format === 'gif' ? goGif(range, ac) : goWebm(range, ac));
    } catch (e) {
      failed(e);
    } finally {
      abort.current = null;
      setProgress(null);
    }
  }

  if (!open)
    return (
      <button type="button" data-testid="animate-open" onClick={() => setOpen(true)}>
        Export animation…
      </button>
    );
  const busy = progress !== null;
  return (
    <section className="card animate" data-testid="animate-dialog" aria-label="export an animation">
      <h3>Export an animation of the run</h3>
      <p className="muted">
        A frame every <i>every</i> ops from op <i>from</i> to op <i>to</i>: every allocator&apos;s map at one pixel per
        chunk (a column per page, a row per chunk), stacked, with the op counter and the labels. {sizeNote}. Frames are
        at most {FRAME_LIMITS.width} x {FRAME_LIMITS.height}. The CLI makes the same frames:{' '}
        <code>run … --animate FILE.gif --from A --to B --every K</code>.
      </p>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5em 1em', alignItems: 'center' }}>
        <label>
          from op <input data-testid="animate-from" value={from} onChange={(e) => setFrom(e.target.value)} size={8} />
        </label>
        <label>
          to op <input data-testid="animate-to" value={toText} onChange={(e) => setTo(e.target.value)} size={8} />
        </label>
        <label>
          every <input data-testid="animate-every" value={every} onChange={(e) => setEvery(e.target.value)} size={6} />{' '}
          ops
        </label>
        <label>
          fps <input data-testid="animate-fps" value={fps} onChange={(e) => setFps(e.target.value)} size={3} />
        </label>
        <label>
          format{' '}
          <select data-testid="animate-format" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            <option value="gif">animated GIF (lossless, as the CLI)</option>
            <option value="webm" disabled={!webmSupported()}>
              WebM video (MediaRecorder, lossy)
            </option>
          </select>
        </label>
        <button
          type="button"
          data-testid="animate-go"
          disabled={busy || typeof range === 'string' || free}
          onClick={() => void go()}
        >
          Export
        </button>
        {busy ? (
          <button type="button" data-testid="animate-cancel" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        ) : (
          <button type="button" onClick={() => setOpen(false)}>
            Close
          </button>
        )}
      </div>
      {free && <p className="warn">Exports seek the run: they need the lockstep schedule.</p>}
      {typeof range === 'string' && <p className="warn">{range}</p>}
      {typeof range !== 'string' && !busy && (
        <p className="muted" data-testid="animate-count">
          {frameOps(range.from, range.to, range.every).length} frames
          {format === 'webm'
            ? `, ${(frameOps(range.from, range.to, range.every).length / fpsN).toFixed(1)} s to record`
            : ''}
        </p>
      )}
      {busy && (
        <p data-testid="animate-progress-text">
          <progress data-testid="animate-progress" max={progress.total} value={progress.done} /> frame {progress.done}{' '}
          of {progress.total} (op {progress.op})
        </p>
      )}
      {message && <p data-testid="animate-status">{message}</p>}
      <canvas
        ref={canvas}
        data-testid="animate-canvas"
        style={{ width: '100%', imageRendering: 'pixelated', display: busy && format === 'webm' ? 'block' : 'none' }}
      />
    </section>
  );
}
