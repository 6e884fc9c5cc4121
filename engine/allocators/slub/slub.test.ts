import { describe, expect, it } from 'vitest';
import { AllocError, ChunkState, FreeError, FREE_OK } from '../../core/types';
import { bufferBytes, firstDiff } from '../test-util';
import { SlubAllocator } from './slub';
import { slabinfoText } from './slabinfo';
import type { SlubPresetName } from './versions';

const BASE = 0x2554000;
const PAGE = 4096;
const make = (preset: SlubPresetName, cpus = 1, pages = 64, o = {}) =>
  SlubAllocator.create(preset, cpus, { pages, ...o });
const states = (a: SlubAllocator, page: number) => {
  const cpp = PAGE / a.geometry.chunkBytes;
  const out = new Uint8Array(cpp);
  a.pageStates(page, 1, out);
  return Array.from(out);
};
const ok = (a: SlubAllocator) => expect(a.checkInvariants()).toEqual([]);

describe('SLUB fast paths', () => {
  it('hands out a new slab in address order and reuses the last freed object first (LIFO)', () => {
    for (const preset of ['2.6.22', '3.6-i386', '6.6-x86_64'] as const) {
      const a = make(preset);
      const xs = [0, 1, 2].map(() => a.alloc(0, 100)); // kmalloc-128
      expect(xs).toEqual([BASE, BASE + 128, BASE + 256]);
      expect(a.free(0, xs[0], 100)).toBe(FREE_OK);
      expect(a.free(0, xs[2], 100)).toBe(FREE_OK);
      expect(a.alloc(0, 120)).toBe(xs[2]);
      expect(a.alloc(0, 1)).toBe(BASE + PAGE); // kmalloc-8: a slab of its own, the zone's next page
      ok(a);
    }
  });

  it('shows live bytes Used, their rounding Waste, free objects of a CPU slab Cached and a leftover as Waste', () => {
    const a = make('3.6-i386');
    const x = a.alloc(0, 70); // kmalloc-96: 42 objects, 64 bytes left over
    expect(x).toBe(BASE);
    const s = states(a, 0);
    expect(s.slice(0, 3)).toEqual([ChunkState.Used, ChunkState.Used, ChunkState.Used]); // 70 bytes: chunks 0..2
    expect(s.slice(3, 4)).toEqual([ChunkState.Cached]); // chunk 3 = bytes 96..127: the next (free, CPU 0's) object
    expect(s.slice(-2)).toEqual([ChunkState.Waste, ChunkState.Waste]); // 4032..4095
    expect(a.counters()).toMatchObject({
      requestedBytes: 70,
      allocatedBytes: 96,
      heldBytes: PAGE,
      pendingBytes: 41 * 96,
    });
    ok(a);
  });
});

describe('SLUB frees on another CPU', () => {
  it('go to the object’s own slab (__slab_free), which the other CPU cannot allocate from', () => {
    const a = make('2.6.22', 2);
    const x = a.alloc(0, 64);
    const y = a.alloc(0, 64);
    expect(a.free(1, y, 64)).toBe(FREE_OK); // CPU 0's active slab: onto page->freelist
    expect(a.alloc(1, 64)).not.toBe(y); // CPU 1 gets a slab of its own
    expect(a.blockAt(y)).toMatchObject({ kind: 'free', owner: 0 });
    expect(a.blockAt(y)?.detail?.join('\n')).toMatch(
      /kmalloc-64: object 1 of 64[\s\S]*CPU 0's active slab[\s\S]*only CPU 0/,
    );
    expect(a.free(0, x, 64)).toBe(FREE_OK);
    ok(a);
  });

  it('3.6: a full slab freed into on another CPU is frozen onto that CPU’s partial list, and serves it later', () => {
    const a = make('3.6-i386', 2); // kmalloc-2048 on 2 CPUs: order 3, 16 objects
    const xs = Array.from({ length: 17 }, () => a.alloc(0, 2048));
    expect(a.ownerOf(xs[0])).toBe(-1); // the first slab is full: unfrozen, on no list
    expect(a.free(1, xs[3], 2048)).toBe(FREE_OK);
    expect(a.ownerOf(xs[0])).toBe(1);
    expect(a.blockAt(xs[3])?.detail?.join('\n')).toMatch(/on CPU 1's per-CPU partial list/);
    expect(a.alloc(1, 2000)).toBe(xs[3]); // CPU 1 takes its partial slab before a new one
    ok(a);
  });

  it('6.6 without per-CPU partial lists: the slab goes to the node list, which any CPU takes', () => {
    const a = make('6.6-x86_64', 2, 64, { cpuPartial: 0 });
    const xs = Array.from({ length: 17 }, () => a.alloc(0, 2048));
    expect(a.free(1, xs[5], 2048)).toBe(FREE_OK);
    expect(a.blockAt(xs[5])?.detail?.join('\n')).toMatch(/on the node's partial list/);
    expect(a.alloc(1, 2048)).toBe(xs[5]);
    ok(a);
  });
});

describe('SLUB empty slabs and min_partial', () => {
  it('2.6.22: __slab_free gives an empty slab back at once', () => {
    const a = make('2.6.22', 2);
    const xs = Array.from({ length: 5 }, () => a.alloc(0, 1024)); // order 0, 4 objects: the 5th starts slab 2
    for (const x of xs.slice(0, 4)) expect(a.free(1, x, 1024)).toBe(FREE_OK);
    expect(a.counters().heldBytes).toBe(PAGE);
    ok(a);
  });

  it('6.6: empty slabs stay on the node list while it has fewer than min_partial (5), then go back', () => {
    const a = make('6.6-x86_64', 1, 256, { cpuPartial: 0 }); // kmalloc-4096: 8 objects, order 3
    const xs = Array.from({ length: 8 * 8 }, () => a.alloc(0, 4096)); // 8 full slabs
    for (const x of xs) expect(a.free(0, x, 4096)).toBe(FREE_OK);
    // The active (8th) slab keeps its objects on CPU 0; of the 7 others 5 stay empty on the list.
    expect(a.counters().heldBytes).toBe((1 + 5) * 8 * PAGE);
    expect(a.slabinfo().find((r) => r.name === 'kmalloc-4k')).toMatchObject({ numSlabs: 6, activeObjs: 8 });
    ok(a);
  });
});

describe('kmalloc_large, page blocks, named caches', () => {
  it('3.6: above 8192 bytes, 2^get_order pages from the zone; 2.6.22 serves them from slabs', () => {
    const a = make('3.6-i386');
    const x = a.alloc(0, 9000);
    expect(a.blockAt(x + 5000)).toMatchObject({ kind: 'allocation', start: x, bytes: 4 * PAGE, requested: 9000 });
    expect(a.alloc(0, (4 << 20) + 1)).toBe(AllocError.TooLarge);
    expect(a.free(0, x, 9000)).toBe(FREE_OK);
    const b = make('2.6.22');
    expect(b.blockAt(b.alloc(0, 9000))?.detail?.[0]).toMatch(/^kmalloc-16384: object 0 of 1/);
    ok(a);
    ok(b);
  });

  it('allocPages/freePages serve page-level events; allocIn creates a named cache at first use', () => {
    const a = make('6.6-x86_64', 2);
    const p = a.allocPages(0, 2);
    expect(a.freePages(1, p, 1)).toBe(FreeError.WrongSize);
    expect(a.free(0, p, 4 * PAGE)).toBe(FreeError.UnknownPointer);
    expect(a.freePages(1, p, 2)).toBe(FREE_OK);
    const x = a.allocIn(0, 132, 3, 160);
    expect(a.blockAt(x)).toMatchObject({ bytes: 160, requested: 132 });
    expect(a.blockAt(x)?.detail?.[0]).toMatch(/^cache #3 \(160 B objects\): object 0 of 25/);
    expect(a.allocIn(1, 132, 3, 168)).toBe(AllocError.BadSize); // another object size for cache 3
    expect(a.free(1, x, 132)).toBe(FREE_OK);
    ok(a);
  });
});

describe('SLUB errors leave the state byte-identical', () => {
  it.each(['2.6.22', '3.6-i386', '6.6-x86_64'] as const)('%s', (preset) => {
    const a = make(preset, 2);
    const x = a.alloc(0, 200);
    const y = a.alloc(0, 200);
    a.free(0, y, 200);
    const big = a.alloc(1, 20000);
    const before = bufferBytes(a);
    const frees: [number, number, number, number][] = [
      [2, x, 200, FreeError.BadCpu],
      [0, BASE - 8, 200, FreeError.UnknownPointer],
      [0, x + 8, 200, FreeError.UnknownPointer],
      [0, x + 1, 200, FreeError.UnknownPointer],
      [1, BASE + 63 * PAGE, 8, FreeError.UnknownPointer],
      [0, y, 200, FreeError.DoubleFree],
      [1, x, 199, FreeError.WrongSize],
      [0, big, 20001, FreeError.WrongSize],
      [0, big + PAGE, 20000, FreeError.UnknownPointer],
    ];
    for (const [cpu, p, n, code] of frees) expect([p, a.free(cpu, p, n)]).toEqual([p, code]);
    expect(a.alloc(2, 8)).toBe(AllocError.BadCpu);
    expect(firstDiff(bufferBytes(a), before)).toBe(-1);
    for (const n of [0, -1, 1.5, NaN]) expect(a.alloc(0, n)).toBe(AllocError.BadSize);
    ok(a);
  });
});

describe('slabinfo and virtual pools', () => {
  it('prints /proc/slabinfo rows: free objects of CPU slabs count as active', () => {
    const a = make('3.6-i386');
    a.alloc(0, 30);
    const text = slabinfoText(a.slabinfo());
    expect(text).toMatch(/^slabinfo - version: 2\.1\n/);
    expect(text).toMatch(/\nkmalloc-32 +128 +128 +32 +128 +1 : tunables +0 +0 +0 : slabdata +1 +1 +0\n/);
  });

  it('creates a 4,194,304-page pool writing nothing per page but the zone’s block heads', () => {
    const a = make('6.6-x86_64', 4, 4_194_304);
    const x = a.alloc(3, 5000);
    expect(a.free(3, x, 5000)).toBe(FREE_OK);
    const written = Array.from(a.dirty.segGen).filter((g) => g !== 0).length;
    expect(written).toBeLessThanOrEqual(4096 + 11); // + the split halves of one order-10 block
    ok(a);
  });
});
