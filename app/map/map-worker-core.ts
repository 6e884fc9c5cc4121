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
import { publishedViews, readPublished, type PublishedViews } from '../../engine/runtime/published';
import { pngName, tilePng, viewPng } from '../export/png';
import { planTiles } from '../export/tiles';
import { renderLod, RenderScratch } from '../render/lod';
import { ABSENT } from '../render/summaries';
import { bandPages, cellAt } from './layout';
import { MapModel, segmentsInView } from './map-model';
import type { ExportNaming, FromMap, HoverQuery, HoverReply, MapViewState, ToMap } from './map-protocol';
import { deviceBox, deviceSize, showsChunks, visibleRect } from './view';

export interface WorkerScope {
  postMessage(m: FromMap): void;
  onmessage: ((ev: MessageEvent<ToMap>) => void) | null;
}

/** Frames kept for stats. */
const STATS_FRAMES = 2000;
/** While a run plays, the states are read and drawn at most this often (ms). */
const PLAY_FRAME_MS = 33;

class MapWorker {
  private model: MapModel;
  private ctx: OffscreenCanvasRenderingContext2D;
  private header: PublishedViews;
  private view: MapViewState;
  private image: ImageData | null = null;
  private pixels = new Uint32Array(0);
  private readonly scratch = new RenderScratch();
  private lastGeneration = -1;
  private lastRead = -Infinity;
  private viewDirty = true;
  private note: string | null = null;
  private firstAt: number;
  private readonly renderMs: number[] = [];
  private readonly at: number[] = [];

  constructor(
    private readonly scope: WorkerScope,
    private readonly canvas: OffscreenCanvas,
    init: Extract<ToMap, { type: 'init' }>,
  ) {
    this.firstAt = performance.now();
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('the canvas gives no 2D context in the map worker');
    this.ctx = ctx;
    const { spec, cpus, buffers } = init.info;
    this.model = new MapModel(createAllocator(spec, cpus, buffers, false));
    this.header = publishedViews(init.published);
    this.view = init.view;
  }

  setView(v: MapViewState): void {
    this.view = v;
    this.viewDirty = true;
  }

  /**
   * One animation frame: fold in what changed, draw if anything did, report the generation drawn.
   * While a run plays the states change between publishes too, so they are read every
   * PLAY_FRAME_MS whatever the generation, and never more often: the CPU workers need the cores
   * more than the map needs 60 pictures a second. A paused generation is read at once.
   */
  tick(): void {
    const pub = readPublished(this.header);
    const now = performance.now();
    const fresh = pub.generation !== this.lastGeneration;
    if (pub.playing && now - this.lastRead < PLAY_FRAME_MS) {
      if (this.viewDirty) this.draw();
      return;
    }
    let changed = this.lastGeneration < 0;
    if (fresh || pub.playing) {
      changed = this.model.refresh() > 0 || changed;
      this.lastRead = now;
    }
    if (changed || this.viewDirty) this.draw();
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
    const t0 = performance.now();
    const { size, options } = this.view;
    const { w, h } = deviceSize(size);
    if (this.canvas.width !== w || this.canvas.height !== h || !this.image) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.image = new ImageData(w, h);
      this.pixels = new Uint32Array(this.image.data.buffer);
    }
    const box = deviceBox(this.view.box, size);
    let note: string | null = null;
    if (showsChunks(this.view.box, size, options.sorted)) {
      const r = visibleRect(this.view.box, size);
      const C = this.model.layout.chunksPerPage;
      const segs = segmentsInView(this.model.layout, r.ix0, r.ix1, Math.floor(r.iy0 / C), Math.floor(r.iy1 / C));
      if (!this.model.ensureDetail(segs))
        note = `${segs.length * 64} pages in view are too many to read chunk by chunk: columns show their proportions; zoom in for chunks`;
    }
    renderLod(
      {
        ...options,
        layout: this.model.layout,
        summaries: this.model.summaries,
        detail: (s) => this.model.detailOf(s),
        box,
        w,
        h,
      },
      this.pixels,
      this.scratch,
    );
    this.ctx.putImageData(this.image, 0, 0);
    this.viewDirty = false;
    if (note !== this.note) {
      this.note = note;
      this.post({ type: 'note', text: note });
    }
    this.renderMs.push(performance.now() - t0);
    this.at.push(t0);
    if (this.renderMs.length > STATS_FRAMES) {
      this.renderMs.splice(0, this.renderMs.length - STATS_FRAMES);
      this.at.splice(0, this.at.length - STATS_FRAMES);
    }
  }

  hover(q: HoverQuery): HoverReply {
    const L = this.model.layout,
      C = L.chunksPerPage;
    const ranges: HoverReply['ranges'] = [];
    const totals = new Array<number>(8).fill(0);
    const b0 = Math.max(0, Math.floor(q.iy0 / C)),
      b1 = Math.min(L.bands - 1, Math.floor((q.iy1 - 1e-9) / C));
    for (let b = b0; b <= b1; b++) {
      const r = bandPages(L, b, q.ix0, Math.max(q.ix1, Math.floor(q.ix0) + 1));
      if (!r) continue;
      ranges.push(r);
      this.model.summaries.addRange(r.first, r.end, totals);
    }
    totals[ABSENT] = 0;
    const c = cellAt(L, q.cx, q.cy, this.view.options.highFirst);
    const cell =
      c && c.page >= 0
        ? { page: c.page, chunk: c.chunk, states: this.model.pageStates(c.page) }
        : c
          ? { page: -1, chunk: c.chunk, states: new Uint8Array(0) }
          : null;
    return { ranges, totals, cell };
  }

  async exportPng(id: number, what: 'view' | 'full', naming: ExportNaming): Promise<void> {
    const op = readPublished(this.header).op;
    const { highFirst, sorted } = this.view.options;
    const view = { highFirst, sorted };
    if (what === 'view') {
      if (!this.image) this.draw();
      const { w, h } = deviceSize(this.view.size);
      const blob = await viewPng(this.pixels, w, h);
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
    const s = { renderMs: this.renderMs.slice(), at: this.at.slice() };
    if (clear) {
      this.renderMs.length = 0;
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
  scope.onmessage = (ev) => {
    const m = ev.data;
    try {
      if (m.type === 'init') {
        map = new MapWorker(scope, m.canvas, m);
        raf(loop);
        return;
      }
      if (!map) return;
      if (m.type === 'view') map.setView(m.view);
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
