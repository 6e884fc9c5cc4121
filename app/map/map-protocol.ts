/**
 * Messages between a map (FragMap on the main thread) and its map worker. One worker per
 * map: it attaches the allocator to its shared buffers, keeps the map's summaries, draws
 * every frame into the canvas the page transferred to it, and answers hovers and exports.
 * The page only sends what the user does (the view, the pointer) and receives small replies.
 */
import type { AllocatorSpec } from '../../engine/allocators/registry';
import type { AllocatorInfo } from '../../engine/runtime/api';
import type { RenderOptions } from '../render/lod';
import type { OverlayLayer } from '../render/overlay';
import type { ViewBox, ViewSize } from '../render/view';

export interface MapViewState {
  /** CSS units (view.ts). */
  box: ViewBox;
  size: ViewSize;
  options: RenderOptions;
}

/** What a device pixel under the pointer covers (image space), and the cell under the pointer itself. */
export interface HoverQuery {
  ix0: number;
  ix1: number;
  iy0: number;
  iy1: number;
  cx: number;
  cy: number;
}

export interface HoverReply {
  /** The pages under the pixel, one range per band it covers: [first, end). */
  ranges: { first: number; end: number }[];
  /** Chunks of those pages per ChunkState code (index 7: none). */
  totals: number[];
  /** The cell under the pointer: its page (-1 past the pool), chunk and that page's chunk states now. */
  cell: { page: number; chunk: number; states: Uint8Array } | null;
}

/** What an export names its files after. */
export interface ExportNaming {
  workload: string;
  spec: AllocatorSpec;
}

export interface FrameStats {
  /** Milliseconds each frame took to draw, oldest first (at most the last 2000 frames). */
  renderMs: number[];
  /** Device pixels per drawn column of each frame: 1, or 2 to 4 while the view moved (map-painter.ts). */
  coarseness: number[];
  /** performance.now() of each drawn frame (the worker's clock). */
  at: number[];
}

export type ToMap =
  | {
      type: 'init';
      canvas: OffscreenCanvas;
      info: AllocatorInfo;
      published: ArrayBufferLike;
      view: MapViewState;
    }
  | { type: 'view'; view: MapViewState }
  /** The sets of blocks marked on this map (render/overlay.ts), replacing the previous ones. */
  | { type: 'overlay'; layers: OverlayLayer[] }
  | { type: 'hover'; id: number; query: HoverQuery }
  | { type: 'export'; id: number; what: 'view' | 'full'; naming: ExportNaming }
  | { type: 'stats'; id: number; clear: boolean };

export type FromMap =
  /** A frame was drawn from the states of this published generation (and op). */
  | { type: 'frame'; generation: number; op: number; hash: string; pending: number; firstMs?: number }
  /** Something less than the full picture is shown, and why (null: all is well again). */
  | { type: 'note'; text: string | null }
  /** What the overlays show now, per layer: 'name:ranges in view' joined by ',' ('' without overlays). */
  | { type: 'overlay-drawn'; text: string }
  /** Nothing can be drawn, and why. */
  | { type: 'error'; message: string }
  | { type: 'hover'; id: number; reply: HoverReply }
  | { type: 'export-file'; id: number; name: string; blob: Blob }
  | { type: 'export-done'; id: number; error?: string }
  | { type: 'stats'; id: number; stats: FrameStats };
