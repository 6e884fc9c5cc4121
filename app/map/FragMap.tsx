/**
 * One allocator's fragmentation map: one column per page, one pixel per chunk.
 *
 * Coordinate spaces: image (pages x chunksPerPage, the native picture), view
 * (CSS pixels of the visible canvas: image x = x0 + viewX / sx) and device
 * pixels (view * devicePixelRatio, applied once in draw()).
 * Pixels are drawn from the live snapshot copy in the frame loop, never through React.
 */
import { useEffect, useRef, useState } from 'react';
import type { AllocatorSpec } from '../../engine/allocators/registry';
import type { AllocatorInfo } from '../../engine/runtime/api';
import { ChunkState, type BlockInfo } from '../../engine/core/types';
import { blockAt } from '../runtime/client';
import { describeChunk, describeColumn } from './describe-chunk';
import { onFrame } from '../runtime/frame-loop';
import { liveSnapshot } from '../runtime/live-snapshot';
import { chunkAt, renderMap, type MapView } from '../render/render-map';

export const MAP_CSS_HEIGHT = 256;
/** The hover asks the control worker for the block under the mouse at most this often. */
export const BLOCK_THROTTLE_MS = 50;

interface ViewBox {
  x0: number;
  y0: number;
  sx: number;
  sy: number;
}
/** What the mouse is over: a chunk (unsorted view) or a page column (sorted view). */
interface Tip {
  x: number;
  y: number;
  page: number;
  chunk: number;
  column: boolean;
}
/** The latest block answer and the address it was asked for. */
interface BlockAnswer {
  asked: number;
  info: BlockInfo | null;
}

/** Whether an answer is about the chunk at `addr`: asked there, or its block covers it. */
const answers = (b: BlockAnswer | null, addr: number): b is BlockAnswer =>
  b !== null && (b.asked === addr || (b.info !== null && addr >= b.info.start && addr < b.info.start + b.info.bytes));

/** FNV-1a of the chunk states, and how many chunks are pending remote frees (both for tests). */
function fingerprint(bytes: Uint8Array): { hash: string; pending: number } {
  let h = 0x811c9dc5,
    pending = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    h = Math.imul(h ^ b, 0x01000193);
    if (b === ChunkState.PendingRemote) pending++;
  }
  return { hash: (h >>> 0).toString(16), pending };
}

export function FragMap(props: {
  index: number;
  info: AllocatorInfo;
  spec: AllocatorSpec;
  cpus: number;
  view: MapView;
}) {
  const { index, info, spec, cpus, view } = props;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const box = useRef<ViewBox | null>(null);
  const dirty = useRef(true);
  const [tip, setTip] = useState<Tip | null>(null);
  const [block, setBlock] = useState<BlockAnswer | null>(null);
  /** Address of the hovered chunk (null: no tooltip, or the sorted view's columns). */
  const want = useRef<number | null>(null);
  /** Throttle state of the block lookups: last send time, trailing timer, newest request. */
  const asker = useRef<{ last: number; timer: ReturnType<typeof setTimeout> | null; seq: number }>({
    last: -Infinity,
    timer: null,
    seq: 0,
  });
  const cpp = info.pageBytes / info.chunkBytes;
  const geo = { pages: info.pages, chunksPerPage: cpp };

  const fit = (): ViewBox => {
    const w = wrapRef.current?.clientWidth ?? 800;
    return { x0: 0, y0: 0, sx: w / info.pages, sy: MAP_CSS_HEIGHT / cpp };
  };
  const clamp = (b: ViewBox): ViewBox => {
    const f = fit();
    const sx = Math.min(64, Math.max(f.sx, b.sx)),
      sy = Math.min(64, Math.max(f.sy, b.sy));
    const w = wrapRef.current?.clientWidth ?? 800;
    return {
      sx,
      sy,
      x0: Math.min(Math.max(0, b.x0), info.pages - w / sx),
      y0: Math.min(Math.max(0, b.y0), cpp - MAP_CSS_HEIGHT / sy),
    };
  };
  const setBox = (b: ViewBox) => {
    box.current = clamp(b);
    dirty.current = true;
  };
  const chunkAddress = (page: number, chunk: number) =>
    info.baseAddress + page * info.pageBytes + chunk * info.chunkBytes;

  /**
   * Ask the control worker for the block under `want` at most every BLOCK_THROTTLE_MS (a
   * trailing timer sends the newest address); only the newest request's answer is kept.
   * Rendering never waits for it: the tooltip shows the snapshot's view until it arrives.
   */
  const requestBlock = () => {
    const a = asker.current;
    if (a.timer !== null) return;
    const wait = a.last + BLOCK_THROTTLE_MS - performance.now();
    if (wait > 0) {
      a.timer = setTimeout(() => {
        a.timer = null;
        requestBlock();
      }, wait);
      return;
    }
    const addr = want.current;
    if (addr === null) return;
    a.last = performance.now();
    const seq = ++a.seq;
    blockAt(index, addr).then(
      (answer) => {
        if (seq === a.seq && want.current !== null) setBlock({ asked: addr, info: answer });
      },
      () => {
        /* no worker or a timeout: the tooltip keeps the snapshot's view */
      },
    );
  };
  useEffect(
    () => () => {
      const a = asker.current;
      if (a.timer !== null) clearTimeout(a.timer);
      a.timer = null;
      a.seq++;
    },
    [],
  );

  // Redraw on view option changes.
  useEffect(() => {
    dirty.current = true;
  }, [view.highFirst, view.sorted]);

  useEffect(() => {
    const canvas = canvasRef.current!,
      wrap = wrapRef.current!;
    const native = new OffscreenCanvas(info.pages, cpp);
    const nctx = native.getContext('2d')!;
    const rgba = new Uint8ClampedArray(info.pages * cpp * 4);
    const image = new ImageData(rgba, info.pages, cpp);
    let drawnGeneration = -1,
      hashedGeneration = -1,
      lastHash = 0;
    let viewKey = '';
    const stop = onFrame((now) => {
      const live = liveSnapshot();
      if (!live || live.copied < 0) return;
      const states = live.copy.chunks[index];
      if (!states) return;
      const dpr = window.devicePixelRatio || 1;
      const cssW = wrap.clientWidth;
      if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(MAP_CSS_HEIGHT * dpr)) {
        canvas.width = Math.round(cssW * dpr);
        canvas.height = Math.round(MAP_CSS_HEIGHT * dpr);
        box.current = box.current ? clamp(box.current) : fit();
        dirty.current = true;
      }
      const key = `${view.highFirst}${view.sorted}`;
      const regenerate = live.copied !== drawnGeneration || key !== viewKey;
      if (regenerate) {
        renderMap(states, geo, view, rgba);
        nctx.putImageData(image, 0, 0);
        drawnGeneration = live.copied;
        viewKey = key;
        canvas.dataset.generation = String(drawnGeneration);
        canvas.dataset.op = String(live.copy.op);
        if (want.current !== null) requestBlock(); // the block under a still mouse may have changed
      }
      if (regenerate || dirty.current) {
        const b = box.current ?? fit();
        const ctx = canvas.getContext('2d')!;
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.imageSmoothingEnabled = b.sx < 1;
        ctx.imageSmoothingQuality = 'high';
        ctx.drawImage(native, b.x0, b.y0, cssW / b.sx, MAP_CSS_HEIGHT / b.sy, 0, 0, canvas.width, canvas.height);
        dirty.current = false;
      }
      // A picture fingerprint for tests and shared links; throttled so playing stays cheap.
      if (hashedGeneration !== drawnGeneration && now - lastHash > 250) {
        const f = fingerprint(states);
        canvas.dataset.hash = f.hash;
        canvas.dataset.pending = String(f.pending);
        hashedGeneration = drawnGeneration;
        lastHash = now;
      }
    });
    return stop;
  }, [index, info, view.highFirst, view.sorted]);

  const toImage = (e: { clientX: number; clientY: number }) => {
    const r = canvasRef.current!.getBoundingClientRect();
    const b = box.current ?? fit();
    const vx = e.clientX - r.left,
      vy = e.clientY - r.top;
    return { vx, vy, ix: b.x0 + vx / b.sx, iy: b.y0 + vy / b.sy };
  };

  const drag = useRef<{ x: number; y: number; b: ViewBox } | null>(null);
  const onMove = (e: React.MouseEvent) => {
    if (drag.current) {
      const d = drag.current;
      setBox({ ...d.b, x0: d.b.x0 - (e.clientX - d.x) / d.b.sx, y0: d.b.y0 - (e.clientY - d.y) / d.b.sy });
    }
    const { vx, vy, ix, iy } = toImage(e);
    const live = liveSnapshot();
    const states = live?.copy.chunks[index];
    const at = chunkAt(ix, iy, geo, view.highFirst);
    if (!states || !at) {
      want.current = null;
      setTip(null);
      return;
    }
    setTip({ x: vx, y: vy, page: at.page, chunk: at.chunk, column: view.sorted });
    const addr = view.sorted ? null : chunkAddress(at.page, at.chunk);
    if (addr !== want.current) {
      want.current = addr;
      if (addr !== null) requestBlock();
    }
  };

  /** Tooltip lines from the current snapshot copy, with the block answer when it is about this chunk. */
  const tipLines = (t: Tip): string[] => {
    const states = liveSnapshot()?.copy.chunks[index];
    if (!states) return [];
    if (t.column) return describeColumn(info, spec, cpus, states, t.page);
    const addr = chunkAddress(t.page, t.chunk);
    return describeChunk(info, spec, cpus, states, t.page, t.chunk, answers(block, addr) ? block.info : undefined);
  };

  useEffect(() => {
    const canvas = canvasRef.current!;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const b = box.current ?? fit();
      const k = Math.exp(-e.deltaY * 0.002);
      const { vx, vy, ix, iy } = toImage(e);
      const sx = b.sx * k,
        sy = b.sy * k;
      setBox({ sx, sy, x0: ix - vx / sx, y0: iy - vy / sy });
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, [info]);

  const zoomTo = (sx: number, sy: number) => {
    const b = box.current ?? fit();
    const w = wrapRef.current?.clientWidth ?? 800;
    const cx = b.x0 + w / 2 / b.sx,
      cy = b.y0 + MAP_CSS_HEIGHT / 2 / b.sy;
    setBox({ sx, sy, x0: cx - w / 2 / sx, y0: cy - MAP_CSS_HEIGHT / 2 / sy });
  };

  return (
    <div className="map-wrap" ref={wrapRef}>
      <div className="map-tools">
        <span className="muted">
          {info.pages} pages x {cpp} chunks of {info.chunkBytes} B · wheel zooms, drag pans
        </span>
        <button type="button" onClick={() => setBox(fit())}>
          Fit
        </button>
        <button type="button" onClick={() => zoomTo(1, 1)} title="one CSS pixel per chunk">
          1:1
        </button>
        <button type="button" onClick={() => zoomTo(8, 8)}>
          8x
        </button>
      </div>
      <canvas
        ref={canvasRef}
        className="map-canvas"
        data-testid={`map-${index}`}
        style={{ height: MAP_CSS_HEIGHT }}
        onMouseDown={(e) => {
          drag.current = { x: e.clientX, y: e.clientY, b: box.current ?? fit() };
        }}
        onMouseUp={() => {
          drag.current = null;
        }}
        onMouseMove={onMove}
        onMouseLeave={() => {
          drag.current = null;
          want.current = null;
          setTip(null);
          setBlock(null);
        }}
        onDoubleClick={() => setBox(fit())}
      />
      {tip && (
        <div
          className="map-tip"
          data-testid={`map-tip-${index}`}
          style={{ left: Math.min(tip.x + 14, (wrapRef.current?.clientWidth ?? 800) - 470), top: tip.y + 40 }}
        >
          {tipLines(tip).map((l) => (
            <div key={l}>{l}</div>
          ))}
        </div>
      )}
    </div>
  );
}
