import { describe, expect, it } from 'vitest';
import { createAllocator } from '../allocators/registry';
import {
  K_ALLOCS,
  K_OP,
  beginWrite,
  createSnapshotCopy,
  createSnapshotRegion,
  endWrite,
  generationOf,
  publish,
  readSnapshot,
} from './snapshot';

const geo = [
  { pages: 2, pageBytes: 4096, chunkBytes: 32 },
  { pages: 1, pageBytes: 4096, chunkBytes: 64 },
];

describe('snapshot region (sequence lock)', () => {
  it('publishes chunk states, counters, op and generation', () => {
    const a = createAllocator({ kind: 'nta', preset: 'blog', overrides: { regions: 2 } }, 1);
    a.alloc(0, 100);
    const infos = [a.geometry];
    const r = createSnapshotRegion(infos);
    publish(r, [a], [1], 1);
    const out = createSnapshotCopy(infos);
    expect(readSnapshot(r, out)).toBe(true);
    expect(out.generation).toBe(1);
    expect(out.op).toBe(1);
    expect(out.counters[0][K_OP]).toBe(1);
    expect(out.counters[0][K_ALLOCS]).toBe(1);
    const want = new Uint8Array(out.chunks[0].length);
    a.snapshot(want);
    expect(out.chunks[0]).toEqual(want);
  });

  it('a reader gives up while a write is in progress and succeeds once it ends', () => {
    const r = createSnapshotRegion(geo);
    const out = createSnapshotCopy(geo);
    beginWrite(r);
    r.chunks[0].fill(2);
    expect(readSnapshot(r, out)).toBe(false);
    expect(out.chunks[0][0]).toBe(0);
    endWrite(r, 5);
    expect(readSnapshot(r, out)).toBe(true);
    expect(out.chunks[0][0]).toBe(2);
    expect([out.op, out.generation, generationOf(r)]).toEqual([5, 1, 1]);
  });

  it('a copy overlapped by a whole write is retried, never returned torn', () => {
    const r = createSnapshotRegion(geo);
    const out = createSnapshotCopy(geo);
    r.chunks[0].fill(1);
    r.chunks[1].fill(1);
    let writes = 0;
    // Simulate a writer that runs a complete write between the reader's two seq loads (first try only).
    const target = out.chunks[1];
    const set = target.set.bind(target);
    target.set = ((src: ArrayLike<number>) => {
      set(src);
      if (writes++ === 0) {
        beginWrite(r);
        r.chunks[0].fill(3);
        r.chunks[1].fill(3);
        endWrite(r, 9);
      }
    }) as typeof target.set;
    expect(readSnapshot(r, out)).toBe(true);
    expect(writes).toBe(2);
    expect(out.chunks[0][0]).toBe(3);
    expect(out.chunks[1][0]).toBe(3);
    expect(out.op).toBe(9);
  });
});
