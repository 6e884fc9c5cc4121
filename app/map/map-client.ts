/**
 * The page's side of a map worker: starts it with the canvas (transferred: from then on only
 * the worker draws into it), passes on the view, and turns hover, export and stats requests
 * into promises. comlink is not used here: the worker's replies are few and plain, and the
 * canvas must travel in a transfer list. A worker that fails to load or throws reports
 * through onError, so the map can say why it shows nothing.
 */
import type { AllocatorInfo } from '../../engine/runtime/api';
import type { OverlayLayer } from '../render/overlay';
import type { ExportNaming, FrameStats, FromMap, HoverQuery, HoverReply, MapViewState, ToMap } from './map-protocol';

export interface FrameInfo {
  generation: number;
  op: number;
  hash: string;
  pending: number;
  /** Milliseconds from the worker's start to its first picture (first frame only). */
  firstMs?: number;
}

export interface MapClientHandlers {
  frame: (f: FrameInfo) => void;
  note: (text: string | null) => void;
  /** What the overlays show now ('name:ranges in view' per layer), after each change. */
  overlay: (text: string) => void;
  error: (message: string) => void;
}

/** Whether this browser can hand a canvas to a worker. */
export const canDrawOffMainThread = (): boolean =>
  typeof OffscreenCanvas === 'function' &&
  typeof HTMLCanvasElement !== 'undefined' &&
  'transferControlToOffscreen' in HTMLCanvasElement.prototype;

/** The maps on the page by lane index (what Export PNG asks). */
const clients = new Map<number, MapClient>();
export const mapClient = (index: number): MapClient | undefined => clients.get(index);

/**
 * Measurement hook for scripts driving the page (npm run bench:ui, e2e): each map worker's
 * frame draw times. Read-only; nothing in the app depends on it.
 */
(globalThis as { fragscopeMapStats?: unknown }).fragscopeMapStats = (index: number, clear = false) =>
  clients.get(index)?.stats(clear) ?? Promise.resolve(null);

export class MapClient {
  private readonly worker: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, (m: FromMap) => void>();
  private readonly files = new Map<number, { name: string; blob: Blob }[]>();
  private disposed = false;

  constructor(
    readonly index: number,
    canvas: HTMLCanvasElement,
    info: AllocatorInfo,
    published: ArrayBufferLike,
    view: MapViewState,
    private readonly on: MapClientHandlers,
  ) {
    this.worker = new Worker(new URL('../workers/map.worker.ts', import.meta.url), {
      type: 'module',
      name: `fragscope-map-${index}`,
    });
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.on.error(`the map worker failed: ${e.message || 'it could not be loaded or threw'}`);
    });
    this.worker.addEventListener('messageerror', () =>
      this.on.error('the map worker sent a message that could not be read'),
    );
    this.worker.onmessage = (ev: MessageEvent<FromMap>) => this.receive(ev.data);
    const offscreen = canvas.transferControlToOffscreen();
    this.post({ type: 'init', canvas: offscreen, info, published, view }, [offscreen]);
    clients.set(index, this);
  }

  private post(m: ToMap, transfer: Transferable[] = []): void {
    if (!this.disposed) this.worker.postMessage(m, transfer);
  }

  private receive(m: FromMap): void {
    if (m.type === 'frame') this.on.frame(m);
    else if (m.type === 'note') this.on.note(m.text);
    else if (m.type === 'overlay-drawn') this.on.overlay(m.text);
    else if (m.type === 'error') this.on.error(m.message);
    else if (m.type === 'export-file') this.files.get(m.id)?.push({ name: m.name, blob: m.blob });
    else this.waiting.get(m.id)?.(m);
  }

  private ask(m: ToMap & { id: number }): Promise<FromMap> {
    return new Promise((resolve) => {
      this.waiting.set(m.id, (r) => {
        this.waiting.delete(m.id);
        resolve(r);
      });
      this.post(m);
    });
  }

  /** Mark these sets of blocks on the map (render/overlay.ts), replacing what it marked before. */
  setOverlays(layers: OverlayLayer[]): void {
    this.post({ type: 'overlay', layers });
  }

  setView(view: MapViewState): void {
    this.post({ type: 'view', view });
  }

  async hover(query: HoverQuery): Promise<HoverReply | null> {
    const r = await this.ask({ type: 'hover', id: ++this.seq, query });
    return r.type === 'hover' ? r.reply : null;
  }

  /** PNG files of this map: the view as shown, or the whole map at one pixel per chunk (tiled when needed). */
  async exportPng(what: 'view' | 'full', naming: ExportNaming): Promise<{ name: string; blob: Blob }[]> {
    const id = ++this.seq;
    this.files.set(id, []);
    const r = await this.ask({ type: 'export', id, what, naming });
    const files = this.files.get(id) ?? [];
    this.files.delete(id);
    if (r.type === 'export-done' && r.error) throw new Error(r.error);
    return files;
  }

  async stats(clear = false): Promise<FrameStats | null> {
    const r = await this.ask({ type: 'stats', id: ++this.seq, clear });
    return r.type === 'stats' ? r.stats : null;
  }

  dispose(): void {
    this.disposed = true;
    if (clients.get(this.index) === this) clients.delete(this.index);
    this.worker.terminate();
    for (const done of this.waiting.values()) done({ type: 'export-done', id: -1, error: 'the map was closed' });
    this.waiting.clear();
  }
}
