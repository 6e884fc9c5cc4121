/**
 * One allocator's fragmentation map. Its canvas belongs to a map worker (map-client.ts) that
 * draws every frame; this component only keeps the view (view.ts: image <-> view <-> device),
 * turns the mouse, wheel and keys into view moves (navigate.ts), and shows the tooltip.
 * The canvas is made here rather than in JSX: a canvas hands its drawing to a worker only
 * once, and StrictMode mounts effects twice.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AllocatorSpec } from '../../engine/allocators/registry';
import type { AllocatorInfo } from '../../engine/runtime/api';
import type { RenderOptions } from '../render/lod';
import { onFrame } from '../runtime/frame-loop';
import { mapLayout } from '../render/layout';
import { canDrawOffMainThread, MapClient } from './map-client';
import { easeOut, keyTarget, oneToOne, wheelTarget } from '../render/navigate';
import { MapTip, type Tip } from './MapTip';
import { useBlockLookup } from './use-block-lookup';
import { useStore } from '../store/store';
import type { OverlayLayer } from '../render/overlay';
import { clampBox, fitBox, hoverAt, lerpBox, panBy, pixelScale, type ViewBox } from '../render/view';

export const MAP_CSS_HEIGHT = 256;
/** Duration of a smooth move (keys, buttons), ms. */
const MOVE_MS = 160;

export function FragMap(props: {
  index: number;
  info: AllocatorInfo;
  spec: AllocatorSpec;
  cpus: number;
  published: ArrayBufferLike;
  options: RenderOptions;
}) {
  const { index, info, spec, cpus, published, options } = props;
  const C = info.pageBytes / info.chunkBytes;
  const layout = useMemo(() => mapLayout(info.pages, C), [info.pages, C]);
  const hostRef = useRef<HTMLDivElement>(null);
  const client = useRef<MapClient | null>(null);
  const box = useRef<ViewBox>({ x0: 0, y0: 0, sx: 1, sy: 1 });
  const size = useRef({ width: 800, height: MAP_CSS_HEIGHT, dpr: 1 });
  const opts = useRef(options);
  opts.current = options;
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [drawn, setDrawn] = useState(false);
  const [tip, setTip] = useState<Tip | null>(null);
  const { block, want } = useBlockLookup(index);
  const anim = useRef<(() => void) | null>(null);
  const pointer = useRef<{ vx: number; vy: number } | null>(null);
  const hovering = useRef(false);
  // This lane's marked blocks, from every source (store.ts OverlaySlice), sources in name order.
  const overlaysBySource = useStore((s) => s.overlays);
  const layers = useMemo<OverlayLayer[]>(
    () =>
      Object.keys(overlaysBySource)
        .sort()
        .flatMap((k) => overlaysBySource[k][index] ?? []),
    [overlaysBySource, index],
  );
  const layersRef = useRef(layers);
  layersRef.current = layers;

  const push = () => {
    client.current?.setView({ box: box.current, size: size.current, options: opts.current });
    // What one device pixel stands for, for tests and the curious: "pages per pixel x rows per pixel".
    const c = hostRef.current?.querySelector('canvas');
    const { pagesPerPx, rowsPerPx } = pixelScale(box.current, size.current);
    if (c) c.dataset.scale = `${pagesPerPx.toPrecision(4)}x${rowsPerPx.toPrecision(4)}`;
  };
  const setBox = (b: ViewBox) => {
    anim.current?.();
    anim.current = null;
    box.current = clampBox(b, layout, size.current);
    push();
  };
  /** A smooth move to `target` (keys and buttons). */
  const moveTo = (target: ViewBox) => {
    anim.current?.();
    const from = box.current,
      t0 = performance.now();
    const stop = onFrame((now) => {
      const t = Math.min(1, (now - t0) / MOVE_MS);
      box.current = clampBox(lerpBox(from, target, size.current, easeOut(t)), layout, size.current);
      push();
      if (t >= 1) {
        stop();
        anim.current = null;
      }
    });
    anim.current = stop;
  };

  // The canvas and its worker, for this run's allocator.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const canvas = document.createElement('canvas');
    canvas.className = 'map-canvas';
    canvas.dataset.testid = `map-${index}`;
    canvas.style.height = `${MAP_CSS_HEIGHT}px`;
    host.prepend(canvas);
    const measure = () => {
      size.current = { width: host.clientWidth || 800, height: MAP_CSS_HEIGHT, dpr: window.devicePixelRatio || 1 };
    };
    measure();
    box.current = fitBox(layout, size.current);
    setDrawn(false);
    setError(null);
    if (!canDrawOffMainThread()) {
      setError('this browser cannot hand a canvas to a worker (no OffscreenCanvas), so the map cannot be drawn');
      return () => canvas.remove();
    }
    let c: MapClient;
    try {
      c = new MapClient(
        index,
        canvas,
        info,
        published,
        { box: box.current, size: size.current, options: opts.current },
        {
          frame: (f) => {
            canvas.dataset.generation = String(f.generation);
            canvas.dataset.op = String(f.op);
            canvas.dataset.hash = f.hash;
            canvas.dataset.pending = String(f.pending);
            if (f.firstMs !== undefined) canvas.dataset.firstMs = f.firstMs.toFixed(0);
            setDrawn(true);
            if (hovering.current) refreshTip(); // the states under a still pointer may have changed
          },
          note: setNote,
          // What the overlays show, for tests and scripts: 'name:ranges in view' per layer.
          overlay: (text) => {
            canvas.dataset.overlay = text;
          },
          error: (m) => setError(m),
        },
      );
    } catch (e) {
      setError(`the map worker could not start: ${(e as Error).message}`);
      return () => canvas.remove();
    }
    client.current = c;
    if (layersRef.current.length > 0) c.setOverlays(layersRef.current);
    const ro = new ResizeObserver(() => {
      const before = size.current;
      measure();
      if (before.width !== size.current.width || before.dpr !== size.current.dpr) {
        box.current = clampBox(
          { ...box.current, sx: (box.current.sx * size.current.width) / before.width },
          layout,
          size.current,
        );
        push();
      }
    });
    ro.observe(host);
    return () => {
      ro.disconnect();
      anim.current?.();
      c.dispose();
      client.current = null;
      canvas.remove();
    };
  }, [info, published, index, layout]);

  useEffect(() => {
    push();
    if (hovering.current) refreshTip();
  }, [options.highFirst, options.sorted, options.mode]);

  useEffect(() => client.current?.setOverlays(layers), [layers]);

  /** Ask the worker what the pixel under the pointer covers (the newest answer wins). */
  const hoverSeq = useRef(0);
  const refreshTip = () => {
    const p = pointer.current,
      c = client.current;
    if (!p || !c) return;
    const { query, kind } = hoverAt(box.current, size.current, p.vx, p.vy, opts.current.sorted);
    const seq = ++hoverSeq.current;
    void c.hover(query).then((reply) => {
      if (!reply || seq !== hoverSeq.current || !pointer.current) return;
      setTip({ x: p.vx, y: p.vy, kind, reply });
      const cell = reply.cell;
      want(kind === 'chunk' && cell && cell.page >= 0 ? chunkAddress(cell.page, cell.chunk) : null, true);
    });
  };
  const chunkAddress = (page: number, chunk: number) =>
    info.baseAddress + page * info.pageBytes + chunk * info.chunkBytes;

  const drag = useRef<{ x: number; y: number; b: ViewBox } | null>(null);
  const local = (e: { clientX: number; clientY: number }) => {
    const r = hostRef.current!.getBoundingClientRect();
    return { vx: e.clientX - r.left, vy: e.clientY - r.top };
  };
  const onMove = (e: React.MouseEvent) => {
    const p = local(e);
    if (drag.current) {
      const d = drag.current;
      setBox(panBy(d.b, e.clientX - d.x, e.clientY - d.y));
    }
    pointer.current = p;
    hovering.current = true;
    refreshTip();
  };
  const onLeave = () => {
    drag.current = null;
    pointer.current = null;
    hovering.current = false;
    hoverSeq.current++;
    setTip(null);
    want(null);
  };

  useEffect(() => {
    const host = hostRef.current!;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const { vx, vy } = local(e);
      setBox(wheelTarget(e, vx, vy, box.current, size.current, layout));
      if (hovering.current) refreshTip();
    };
    host.addEventListener('wheel', onWheel, { passive: false });
    return () => host.removeEventListener('wheel', onWheel);
  }, [layout]);

  const onKey = (e: React.KeyboardEvent) => {
    const t = keyTarget(e.key, box.current, size.current, layout);
    if (!t) return;
    // The page's own keys (ArrowRight steps the run) are for when the map has no focus.
    e.preventDefault();
    e.stopPropagation();
    moveTo(t);
  };

  return (
    <div className="map-wrap">
      <div className="map-tools">
        <span className="muted">
          {info.pages.toLocaleString('en')} pages x {C} chunks of {info.chunkBytes} B
          {layout.bands > 1 ? ` in ${layout.bands} bands of ${layout.bandPages.toLocaleString('en')} pages` : ''} ·
          wheel zooms (Shift: rows, Ctrl: pages), drag pans, keys: arrows + - 0
        </span>
        <button type="button" onClick={() => moveTo(fitBox(layout, size.current))} title="the whole map (key 0)">
          Fit
        </button>
        <button
          type="button"
          onClick={() => moveTo(oneToOne(box.current, size.current, layout))}
          title="one CSS pixel per chunk"
        >
          1:1
        </button>
        {note && (
          <span className="muted small" data-testid={`map-note-${index}`}>
            {note}
          </span>
        )}
      </div>
      <div
        ref={hostRef}
        className="map-host"
        tabIndex={0}
        aria-label={`fragmentation map of ${info.label}: arrows pan, + and - zoom, 0 fits`}
        onMouseDown={(e) => {
          drag.current = { x: e.clientX, y: e.clientY, b: box.current };
        }}
        onMouseUp={() => {
          drag.current = null;
        }}
        onMouseMove={onMove}
        onMouseLeave={onLeave}
        onDoubleClick={() => moveTo(fitBox(layout, size.current))}
        onKeyDown={onKey}
      >
        {(error || !drawn) && (
          <div className={error ? 'map-status error' : 'map-status'} role="status" data-testid={`map-status-${index}`}>
            {error ? `The map cannot be drawn: ${error}.` : `Drawing ${info.pages.toLocaleString('en')} pages...`}
          </div>
        )}
      </div>
      {tip && (
        <MapTip
          index={index}
          tip={tip}
          info={info}
          spec={spec}
          cpus={cpus}
          block={block}
          left={Math.min(tip.x + 14, size.current.width - 470)}
        />
      )}
    </div>
  );
}
