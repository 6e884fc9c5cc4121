/**
 * Map colours with labels for the legend, keyed by ChunkState code. Free green and used red are the seed's
 * (6 Aug 2006 pictures); the other states get colours that stay apart from both.
 */
import { ChunkState, CHUNK_STATE_NAMES } from '../../engine/core/types';
import { paletteCss } from '../../engine/core/palette';

export interface PaletteEntry {
  code: number;
  name: (typeof CHUNK_STATE_NAMES)[number];
  label: string;
  css: string;
  rgb: readonly [number, number, number];
  description: string;
}

const hex = (s: string): [number, number, number] => [
  parseInt(s.slice(1, 3), 16),
  parseInt(s.slice(3, 5), 16),
  parseInt(s.slice(5, 7), 16),
];

// Colours come from the engine's table (shared with the CLI's PNG export).
const ENTRIES: [number, string, string, string][] = [
  [
    ChunkState.Unheld,
    paletteCss(ChunkState.Unheld),
    'unheld',
    'page not held by the allocator (not taken from the page source)',
  ],
  [ChunkState.Free, paletteCss(ChunkState.Free), 'free', 'free: can be handed out (seed: green)'],
  [ChunkState.Used, paletteCss(ChunkState.Used), 'used', 'used: holds requested bytes (seed: red)'],
  [
    ChunkState.Waste,
    paletteCss(ChunkState.Waste),
    'rounding waste',
    "handed out with an allocation but beyond its requested bytes, or a slab's leftover no object can use",
  ],
  [
    ChunkState.PendingRemote,
    paletteCss(ChunkState.PendingRemote),
    'pending remote free',
    'freed on a foreign CPU, queued for the owner CPU',
  ],
  [ChunkState.Mapped, paletteCss(ChunkState.Mapped), 'mapped', 'used and mapped to user space (zero-copy)'],
  [ChunkState.Postponed, paletteCss(ChunkState.Postponed), 'postponed', 'freed while mapped: waits for the unmap'],
  [
    ChunkState.Cached,
    paletteCss(ChunkState.Cached),
    'cached (per-CPU)',
    "free, but in a CPU's own cache: only that CPU can hand it out (SLAB's per-CPU and shared arrays, SLUB's per-CPU slabs)",
  ],
  [
    ChunkState.Metadata,
    paletteCss(ChunkState.Metadata),
    'metadata',
    "the allocator's own data in the pool (SLAB: struct slab and its bufctl array)",
  ],
];

export const PALETTE: readonly PaletteEntry[] = ENTRIES.map(([code, css, label, description]) => ({
  code,
  css,
  label,
  description,
  rgb: hex(css),
  name: CHUNK_STATE_NAMES[code],
}));

/** Colour for codes outside the table (should not happen; visible if it does). */
export const UNKNOWN_RGB: readonly [number, number, number] = [255, 0, 255];

/**
 * 256-entry lookup of RGBA packed for a Uint32Array view over ImageData bytes.
 * ImageData is R,G,B,A in memory; on little-endian platforms a u32 read is 0xAABBGGRR.
 */
export function packedLut(littleEndian = isLittleEndian()): Uint32Array {
  const lut = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const rgb = PALETTE[i]?.rgb ?? UNKNOWN_RGB;
    lut[i] = pack(rgb[0], rgb[1], rgb[2], 255, littleEndian);
  }
  return lut;
}

export function pack(r: number, g: number, b: number, a: number, littleEndian = isLittleEndian()): number {
  return (littleEndian ? (a << 24) | (b << 16) | (g << 8) | r : (r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}

export function isLittleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

/**
 * Cells past the pool's last page (the tail of the last band) and anything outside the image:
 * light, so they never read as a state (unheld is the dark grey).
 */
export const ABSENT_RGB: readonly [number, number, number] = [226, 230, 236];

/**
 * States by how much they matter when one pixel must stand for many chunks ("worst state"
 * mode), worst first: a pending remote free is memory nobody can use yet, a postponed free
 * waits on user space, a cached object is free to one CPU only, rounding waste is the internal
 * fragmentation and metadata the allocator's own overhead, then used, mapped and
 * free chunks, then pages not held. A single violet chunk among a million free ones still
 * colours its pixel.
 */
export const WORST_FIRST: readonly number[] = [
  ChunkState.PendingRemote,
  ChunkState.Postponed,
  ChunkState.Cached,
  ChunkState.Waste,
  ChunkState.Metadata,
  ChunkState.Used,
  ChunkState.Mapped,
  ChunkState.Free,
  ChunkState.Unheld,
];
