/**
 * The map worker: one per map. It attaches the allocator to the buffers the control worker
 * shares (createAllocator(spec, cpus, buffers, false)), keeps a MapModel, and draws into the
 * canvas the page transferred to it, once per animation frame and only when something changed:
 * the published generation (or any frame while a run plays, since the states then move under
 * it), the view, or the chunk detail in view. After a frame it tells the page which generation
 * and op it drew, with the pool's fingerprint: the page's data-generation, data-op and data-hash.
 * It also answers hovers (what a pixel covers) and exports (PNG blobs).
 */
import { createAllocator } from '../../engine/allocators/registry';
import { ChunkState } from '../../engine/core/types';
import {
  generationOf,
  nextGeneration,
  publishedViews,
  readPublished,
  type PublishedViews,
} from '../../engine/runtime/published';
import { pngName, tilePng, viewPng } from '../export/png';
import { planTiles } from '../export/tiles';
import { MapModel } from './map-model';
import { MapPainter } from './map-painter';
import type { ExportNaming, FromMap, HoverQuery, HoverReply, MapViewState, ToMap } from './map-protocol';
import type { OverlayLayer } from '../render/overlay';
import { deviceSize } from '../render/view';

export interface WorkerScope {
  postMessage(m: FromMap): void;
  onmessage: ((ev: MessageEvent<ToMap>) => void) | null;
}

/** Frames kept for stats. */
const STATS_FRAMES = 2000;
/** While a run plays, the states are read and drawn at most this often (ms). */
const PLAY_FRAME_MS = 33;
/** While a run plays, a read and its draw take at most 1 / PLAY_SHARE of this worker's time. */
const PLAY_SHARE = 8;
/** The view counts as moving for this long after its last change (ms). */
const SETTLE_MS = 150;

class MapWorker {
  private model: MapModel;
  private readonly painter: MapPainter;
  private header: PublishedViews;
  private view: MapViewState;
  /** When the view last changed (a moving view may be drawn coarser). */
  private viewAt = -Infinity;
  private lastGeneration = -1;
  /** While a call runs, the states are not read before this time (performance.now()). */
  private nextRead = -Infinity;
  private viewDirty = true;
  private note: string | null = null;
  private overlays: OverlayLayer[] = [];
  private overlayShown = '';
  private firstAt: number;
  private readonly renderMs: number[] = [];
  private readonly coarseness: number[] = [];
  private readonly at: number[] = [];

  constructor(
    private readonly scope: WorkerScope,
    private readonly canvas: OffscreenCanvas,
    init: Extract<ToMap, { type: 'init' }>,
  ) {
    this.firstAt = performance.now();
    this.painter = new MapPainter(canvas);
    const { spec, cpus, buffers } = init.info;
    this.model = new MapModel(createAllocator(spec, cpus, buffers, false));
    this.header = publishedViews(init.published);
    this.view = init.view;
  }

  setOverlays(layers: OverlayLayer[]): void {
    this.overlays = layers;
    this.viewDirty = true;
  }

  setView(v: MapViewState): void {
    this.view = v;
    this.viewDirty = true;
    this.viewAt = performance.now();
  }

  /**
   * One animation frame: fold in what changed, draw if anything did, report the generation drawn.
   * While a call runs (the header's `playing`: a play, a run, a seek) the states change between
   * publishes too, so they are read every PLAY_FRAME_MS whatever the generation, and never more
   * often, nor for more than an eighth of the time (after a read and draw of r ms the next waits
   * 8r): on two cores two maps, the page, the control worker and the CPU workers share them, and
   * the run needs them more than a map needs 30 pictures a second. An idle generation is read at
   * once.
   */
  /** Resolves at the next publish (null where the platform cannot wait for one: frames only). */
  nextPublish(): Promise<void> | null {
    return nextGeneration(this.header, generationOf(this.header));
  }

  tick(): void {
    const pub = readPublished(this.header);
    const now = performance.now();
    const fresh = pub.generation !== this.lastGeneration;
    if (pub.playing && now < this.nextRead) {
      if (this.viewDirty || (this.painter.coarse && now - this.viewAt >= SETTLE_MS)) this.draw();
      return;
    }
    let changed = this.lastGeneration < 0;
    if (fresh || pub.playing) changed = this.model.refresh() > 0 || changed;
    // A coarse picture drawn while the view moved is drawn again in full once it is still.
    const settled = this.painter.coarse && now - this.viewAt >= SETTLE_MS;
    if (changed || this.viewDirty || settled) this.draw();
    if (pub.playing) this.nextRead = now + Math.max(PLAY_FRAME_MS, PLAY_SHARE * (performance.now() - now));
    if (fresh) {
      const first = this.lastGeneration < 0;
      this.lastGeneration = pub.generation;
      const s = this.model.summaries;
      this.post({
        type: 'frame',
        generation: pub.generation,
        op: pub.op,
        hash: s.fingerprint(),
        pending: s.total(ChunkState.PendingRemote),
        ...(first ? { firstMs: performance.now() - this.firstAt } : {}),
      });
    }
  }

  private draw(): void {
    const moving = performance.now() - this.viewAt < SETTLE_MS;
    const { box, size, options } = this.view;
    const r = this.painter.draw(this.model, box, size, options, moving, this.overlays);
    this.viewDirty = false;
    if (r.overlay !== this.overlayShown) {
      this.overlayShown = r.overlay;
      this.post({ type: 'overlay-drawn', text: r.overlay });
    }
    if (r.note !== this.note) {
      this.note = r.note;
      this.post({ type: 'note', text: r.note });
    }
    this.renderMs.push(r.ms);
    this.coarseness.push(r.q);
    this.at.push(performance.now() - r.ms);
    if (this.renderMs.length > STATS_FRAMES) {
      const cut = this.renderMs.length - STATS_FRAMES;
      this.renderMs.splice(0, cut);
      this.coarseness.splice(0, cut);
      this.at.splice(0, cut);
    }
  }

  hover(q: HoverQuery): HoverReply {
    return this.model.hover(q, this.view.options.highFirst);
  }

  async exportPng(id: number, what: 'view' | 'full', naming: ExportNaming): Promise<void> {
    const op = readPublished(this.header).op;
    const { highFirst, sorted } = this.view.options;
    const view = { highFirst, sorted };
    if (what === 'view') {
      // Drawn now at full resolution: what is shown, never a coarse moving frame.
      const { box, size, options } = this.view;
      this.painter.draw(this.model, box, size, options, false);
      const { w, h } = deviceSize(size);
      const blob = await viewPng(this.painter.pixels, w, h);
      this.post({
        type: 'export-file',
        id,
        name: pngName(naming.workload, naming.spec, op, view, { kind: 'view' }),
        blob,
      });
      return;
    }
    const tiles = planTiles(this.model.layout);
    for (const t of tiles) {
      const blob = await tilePng(this.model.allocator, this.model.layout, t, view);
      const part =
        tiles.length === 1
          ? ({ kind: 'whole' } as const)
          : { kind: 'tile' as const, first: t.pageFirst, last: t.pageEnd - 1 };
      this.post({ type: 'export-file', id, name: pngName(naming.workload, naming.spec, op, view, part), blob });
    }
  }

  stats(clear: boolean) {
    const s = { renderMs: this.renderMs.slice(), coarseness: this.coarseness.slice(), at: this.at.slice() };
    if (clear) {
      this.renderMs.length = 0;
      this.coarseness.length = 0;
      this.at.length = 0;
    }
    return s;
  }

  private post(m: FromMap): void {
    this.scope.postMessage(m);
  }
}

/** Wire a worker scope: messages in, one frame loop (requestAnimationFrame where workers have it). */
export function startMapWorker(scope: WorkerScope): void {
  let map: MapWorker | null = null;
  const raf: (cb: () => void) => void =
    typeof requestAnimationFrame === 'function' ? (cb) => requestAnimationFrame(cb) : (cb) => setTimeout(cb, 16);
  const fail = (e: unknown) =>
    scope.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  const loop = () => {
    if (!map) return;
    try {
      map.tick();
      raf(loop);
    } catch (e) {
      map = null;
      fail(e);
    }
  };
  // Besides the frame loop, a tick right at each publish: a seek's or a step's op is drawn at
  // once, not up to a frame later (while a run plays, tick() keeps to its own pace).
  const watch = (w: MapWorker) => {
    void w.nextPublish()?.then(() => {
      if (map !== w) return;
      try {
        w.tick();
        watch(w);
      } catch (e) {
        map = null;
        fail(e);
      }
    });
  };
  scope.onmessage = (ev) => {
    const m = ev.data;
    try {
      if (m.type === 'init') {
        map = new MapWorker(scope, m.canvas, m);
        raf(loop);
        watch(map);
        return;
      }
      if (!map) return;
      if (m.type === 'view') map.setView(m.view);
      else if (m.type === 'overlay') map.setOverlays(m.layers);
      else if (m.type === 'hover') scope.postMessage({ type: 'hover', id: m.id, reply: map.hover(m.query) });
      else if (m.type === 'stats') scope.postMessage({ type: 'stats', id: m.id, stats: map.stats(m.clear) });
      else if (m.type === 'export')
        void map.exportPng(m.id, m.what, m.naming).then(
          () => scope.postMessage({ type: 'export-done', id: m.id }),
          (e: unknown) =>
            scope.postMessage({ type: 'export-done', id: m.id, error: e instanceof Error ? e.message : String(e) }),
        );
    } catch (e) {
      fail(e);
    }
  };
}
