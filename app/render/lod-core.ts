/**
 * What the map's renderer shares between its modules (lod.ts, lod-bands.ts, lod-rows.ts): its
 * input, the colour tables it reads per pixel and the buffers it reuses from frame to frame.
 */
import { SEGMENT_SHIFT as SEGMENT_SHIFT_ } from '../../engine/core/dirty';
import type { MapLayout } from './layout';
import type { ViewBox } from './view';
import { ABSENT_RGB, PALETTE, UNKNOWN_RGB, WORST_FIRST, isLittleEndian } from './palette';
import { SORTED_ORDER } from './render-map';
import { ABSENT as ABSENT_, PageSummaries, SLOTS as SLOTS_, SLOT_OF as SLOT_OF_ } from './summaries';

// Module-local copies: an imported binding may compile to a getter (tsx, Vitest) that hot loops must not call.
export const SEGMENT_SHIFT = SEGMENT_SHIFT_,
  ABSENT = ABSENT_,
  SLOTS = SLOTS_,
  SLOT_OF = SLOT_OF_;

export type PixelMode = 'share' | 'worst';

export interface RenderOptions {
  highFirst: boolean;
  sorted: boolean;
  mode: PixelMode;
}

export interface RenderInput extends RenderOptions {
  layout: MapLayout;
  summaries: PageSummaries;
  /** Chunk states of 64-page segment `s` (page-major, C per page), or undefined when not loaded. */
  detail: (segment: number) => Uint8Array | undefined;
  /** The view in device units (view.ts deviceBox). */
  box: ViewBox;
  w: number;
  h: number;
}

/** Stack order of the proportions: SORTED_ORDER, then cells past the pool. */
export const STACK: readonly number[] = [...SORTED_ORDER, ABSENT];
export const SLOT_RGB: readonly (readonly [number, number, number])[] = Array.from({ length: SLOTS }, (_, s) =>
  s === ABSENT ? ABSENT_RGB : (PALETTE[s]?.rgb ?? UNKNOWN_RGB),
);
/** rank[slot]: larger = worse. */
export const RANK = new Int8Array(SLOTS);
WORST_FIRST.forEach((s, i) => (RANK[s] = WORST_FIRST.length - i));
RANK[ABSENT] = 0;
/** Byte order of packed pixels, asked once (palette.ts pack asks per call). */
export const LE = isLittleEndian();
export const BY_RANK = new Int8Array(SLOTS + 1);
for (let s = 0; s < SLOTS; s++) BY_RANK[RANK[s]] = s;
/** Packed colour (palette.ts pack order), darkened by k; inlined by hand where it runs per pixel. */
export const packRgb = (r: number, g: number, b: number, k: number): number => {
  const R = (r * k + 0.5) | 0,
    G = (g * k + 0.5) | 0,
    B = (b * k + 0.5) | 0;
  return LE ? ((255 << 24) | (B << 16) | (G << 8) | R) >>> 0 : ((R << 24) | (G << 16) | (B << 8) | 255) >>> 0;
};
/** A weighted count above this is a state present (partial nodes leave float dust where there is none). */
export const PRESENT = 1e-6;
/** Bands thinner than this (device pixels) are drawn as their pages' blend, without their stacks. */
export const FLAT_BAND_PX = 2;
/** Darkening of cell grid lines and of the first row of a band, where they are wide enough to read. */
export const GRID = 0.8,
  BAND_LINE = 0.55;
export const SLOT_PX = [1, GRID, BAND_LINE].map((k) => Uint32Array.from(SLOT_RGB, (c) => packRgb(c[0], c[1], c[2], k)));
export const BG = packRgb(ABSENT_RGB[0], ABSENT_RGB[1], ABSENT_RGB[2], 1);
if (SLOTS !== 10) throw new Error(`the renderer unrolls 10 slots per page, summaries have ${SLOTS}`);
/** Slot colours as a flat table (r, g, b per slot) for the unrolled loops. */
export const RGB = Float64Array.from(SLOT_RGB.flatMap((c) => [...c]));

/** Reusable buffers of one canvas (grown on demand). */
export class RenderScratch {
  /** The prepared band's counts per pixel column, and their stack's normalised ends (STACK order). */
  agg = new Float32Array(0);
  ends = new Float32Array(0);
  /** The band whose `ends` are made (prepareEnds). */
  endsBand = -1;
  /** The whole stack of each column: its blended colour (r, g, b) and its worst rank. */
  full = new Float32Array(0);
  fullWorst = new Int8Array(0);
  band = -1;
  /** Rows over several bands: colour sums and worst ranks. */
  rowAcc = new Float32Array(0);
  rowWorst = new Int8Array(0);
  colA = new Float64Array(0);
  colB = new Float64Array(0);
  colEdge = new Uint8Array(0);
  /** Per pixel column: its first pyramid node (relative to the band's), how many, the first's and last's weights. */
  nodeFirst = new Int32Array(0);
  nodeCount = new Int32Array(0);
  weightFirst = new Float64Array(0);
  weightLast = new Float64Array(0);
  /** The level the node columns are for (-1: none yet this frame). */
  nodesLevel = -1;
  /** One pixel row's state per page column (chunk mode). */
  rowSlots = new Int8Array(0);
  /** Detail of one band's segments, by segment index within the band. */
  bandDetail: (Uint8Array | undefined)[] = [];
  detailBand = -1;
  /** The other band's buffers (the one prepared before). */
  private spare = {
    band: -1,
    endsBand: -1,
    agg: this.agg,
    ends: this.ends,
    full: this.full,
    fullWorst: this.fullWorst,
  };
  swap(): void {
    const o = this.spare;
    this.spare = {
      band: this.band,
      endsBand: this.endsBand,
      agg: this.agg,
      ends: this.ends,
      full: this.full,
      fullWorst: this.fullWorst,
    };
    ({
      band: this.band,
      endsBand: this.endsBand,
      agg: this.agg,
      ends: this.ends,
      full: this.full,
      fullWorst: this.fullWorst,
    } = o);
  }
  ensure(w: number): void {
    if (this.colA.length < w) {
      this.agg = new Float32Array(w * SLOTS);
      this.ends = new Float32Array(w * SLOTS);
      this.full = new Float32Array(w * 3);
      this.fullWorst = new Int8Array(w);
      this.spare = {
        band: -1,
        endsBand: -1,
        agg: new Float32Array(w * SLOTS),
        ends: new Float32Array(w * SLOTS),
        full: new Float32Array(w * 3),
        fullWorst: new Int8Array(w),
      };
      this.rowAcc = new Float32Array(w * 4);
      this.rowWorst = new Int8Array(w);
      this.colA = new Float64Array(w);
      this.colB = new Float64Array(w);
      this.colEdge = new Uint8Array(w);
      this.nodeFirst = new Int32Array(w);
      this.nodeCount = new Int32Array(w);
      this.weightFirst = new Float64Array(w);
      this.weightLast = new Float64Array(w);
    }
    this.band = -1;
    this.spare.band = -1;
    this.nodesLevel = -1;
    this.endsBand = -1;
    this.detailBand = -1;
  }
}
