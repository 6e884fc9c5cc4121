/**
 * Colours of chunk states (0xRRGGBB), indexed by ChunkState code. The seed's
 * pictures used green for free and red for used chunks; the other states get
 * colours far from both so they read at one pixel per chunk. The app and the
 * CLI's PNGs both use this table, so an exported picture looks like the screen.
 */
import { ChunkState } from './types';

export const PALETTE: readonly number[] = (() => {
  const p: number[] = [];
  p[ChunkState.Unheld] = 0x2b3038; // dark grey: not held by the allocator
  p[ChunkState.Free] = 0x22b14c; // green, as the seed
  p[ChunkState.Used] = 0xe02020; // red, as the seed
  p[ChunkState.Waste] = 0xff9f1c; // orange: rounding waste
  p[ChunkState.PendingRemote] = 0x9b59ff; // violet: freed on a foreign CPU, queued
  p[ChunkState.Mapped] = 0x1f6fff; // blue: mapped to user space
  p[ChunkState.Postponed] = 0x00c2d4; // cyan: freed while mapped, waiting for unmap
  p[ChunkState.Cached] = 0xffe14d; // yellow: free, but only its CPU can hand it out (SLAB array, SLUB CPU slab)
  p[ChunkState.Metadata] = 0x8a9bb0; // grey-blue: slab management (struct slab, bufctl)
  return p;
})();

export function paletteCss(code: number): string {
  return '#' + (PALETTE[code] ?? 0).toString(16).padStart(6, '0');
}
