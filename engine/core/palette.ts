/**
 * Colours of chunk states (0xRRGGBB), indexed by ChunkState code. The seed's
 * pictures used green for free and red for used chunks; the other states get
 * colours far from both so they read at one pixel per chunk.
 */
import { ChunkState } from './types';

export const PALETTE: readonly number[] = (() => {
  const p: number[] = [];
  p[ChunkState.Unheld] = 0x3a3a3a; // dark grey: not held by the allocator
  p[ChunkState.Free] = 0x1fbf3a; // green, as the seed
  p[ChunkState.Used] = 0xe0201b; // red, as the seed
  p[ChunkState.Waste] = 0xffd21f; // yellow: rounding waste
  p[ChunkState.PendingRemote] = 0x2f7bff; // blue: freed on a foreign CPU, queued
  p[ChunkState.Mapped] = 0xb04ad8; // purple: mapped to user space
  p[ChunkState.Postponed] = 0xff6fd0; // pink: freed while mapped, waiting for unmap
  p[ChunkState.Cached] = 0x1fd6d6; // cyan: in a per-CPU cache
  return p;
})();

export function paletteCss(code: number): string {
  return '#' + (PALETTE[code] ?? 0).toString(16).padStart(6, '0');
}
