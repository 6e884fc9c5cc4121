import { describe, expect, it } from 'vitest';
import { ChunkState } from '../core/types';
import { computeDiff, DiffCell, type DiffSide } from './diff';

const side = (
  label: string,
  chunkBytes: number,
  pages: number,
  base: number,
  fill: (chunk: number) => number,
): DiffSide => {
  const n = (pages * 4096) / chunkBytes;
  return {
    label,
    chunkBytes,
    pageBytes: 4096,
    pages,
    baseAddress: base,
    states: Uint8Array.from({ length: n }, (_, i) => fill(i)),
  };
};

describe('computeDiff', () => {
  it('compares byte addresses at the finer chunk size over the common range', () => {
    // A: 32-byte chunks, 4 pages; its first 64 bytes of every page used. B: 64-byte chunks,
    // 2 pages starting one page later; its chunk 1 of every page used, pending remote for chunk 2.
    const a = side('A', 32, 4, 0x10000, (i) => (i % 128 < 2 ? ChunkState.Used : ChunkState.Free));
    const b = side('B', 64, 2, 0x11000, (i) =>
      i % 64 === 1 ? ChunkState.Used : i % 64 === 2 ? ChunkState.PendingRemote : ChunkState.Cached,
    );
    const d = computeDiff(a, b, 7);
    expect([d.start, d.bytes, d.cellBytes, d.columnBytes, d.width]).toEqual([0x11000, 2 * 4096, 32, 4096, 2]);
    expect(d.height - d.top).toBe(128);
    const cell = (col: number, row: number) => d.index[(d.top + row) * d.width + col];
    // Bytes 0-63 of a page: A used, B free (its chunk 0) -> only B free.
    expect([cell(0, 0), cell(0, 1)]).toEqual([DiffCell.OnlyBFree, DiffCell.OnlyBFree]);
    // Bytes 64-191: A free, B used / pending -> only A free (pending remote is not free).
    expect([cell(1, 2), cell(1, 3), cell(1, 4), cell(1, 5)]).toEqual(Array(4).fill(DiffCell.OnlyAFree));
    expect(cell(0, 6)).toBe(DiffCell.BothFree);
    // Per page: 64 B only B free, 128 B only A free, the rest both free.
    expect(d.counts).toEqual([2 * (4096 - 192), 0, 2 * 128, 2 * 64]);
  });

  it('counts both-used and refuses pools that do not overlap', () => {
    const a = side('A', 32, 1, 0, () => ChunkState.Used);
    expect(
      computeDiff(
        a,
        side('B', 32, 1, 0, () => ChunkState.Waste),
        0,
      ).counts,
    ).toEqual([0, 4096, 0, 0]);
    expect(() =>
      computeDiff(
        a,
        side('B', 32, 1, 4096, () => ChunkState.Free),
        0,
      ),
    ).toThrow(/share no addresses/);
  });
});
