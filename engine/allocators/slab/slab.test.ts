/**
 * SLAB's behaviour, op by op, against what mm/slab.c of 2.6.18 does (the preset 2.6.18-x86_64
 * unless named: size-128 has 30 objects a slab, on-slab management of 192 bytes, one colour;
 * size-192 20 objects, 2 colours 64 bytes apart; size-512 and up keep their management
 * off-slab; size-4096 has limit 24, batchcount 12, a shared array of 96).
 */
import { describe, expect, it } from 'vitest';
import { AllocError, ChunkState, FreeError, FREE_OK } from '../../core/types';
import { createAllocator, type AllocatorSpec } from '../registry';
import { firstDiff, stateBytes } from '../test-util';
import { CACHED, LIVE, NSTRIDE, N_LEN, L_FREE, SHARED } from './layout';
import { makeSlab } from './test-driver';
import type { SlabAllocator } from './slab';

const PAGE = 4096;

const row = (a: SlabAllocator, name: string) => {
  const r = a.slabinfo().find((x) => x.name === name);
  if (!r) throw new Error(`no cache ${name}`);
  return r;
};
const chunkOf = (a: SlabAllocator, addr: number) => (addr - a.geometry.baseAddress) / 32;
const states = (a: SlabAllocator, addr: number, chunks: number) => {
  const page = Math.floor((addr - a.geometry.baseAddress) / PAGE);
  const out = new Uint8Array(128);
  a.pageStates(page, 1, out);
  const at = chunkOf(a, addr) - page * 128;
  return Array.from(out.subarray(at, at + chunks));
};

describe('per-CPU array caches (__cache_alloc, __cache_free)', () => {
  it('an untouched array refills 16 objects (BATCHREFILL_LIMIT) and hands them out last-in first-out', () => {
    const a = makeSlab('2.6.18-x86_64', 1);
    const x = a.alloc(0, 100);
    const b = a.blockAt(x);
    expect(b).toMatchObject({ kind: 'allocation', bytes: 128, requested: 100, cache: 'size-128' });
    // Object 15 of a new slab: the refill took objects 0..15 and the array pops its last entry.
    expect(b?.detail?.[0]).toMatch(
      /^object 15 of the 1-page slab at 0x[0-9a-f]+ \(colour 0, 16 of 30 objects in use\)$/,
    );
    const slab = x - 192 - 15 * 128;
    expect(a.alloc(0, 128)).toBe(slab + 192 + 14 * 128);
    expect(row(a, 'size-128')).toMatchObject({ activeObjs: 16, numObjs: 30, activeSlabs: 1, cpuAvail: [14] });
    expect(a.free(0, x, 100)).toBe(FREE_OK);
    expect(a.alloc(0, 97)).toBe(x);
    expect(a.checkInvariants()).toEqual([]);
  });

  it('a touched array refills a whole batch: what its slabs have, then from a new slab', () => {
    const a = makeSlab('2.6.18-x86_64', 1);
    for (let i = 0; i < 17; i++) a.alloc(0, 128);
    // The 17th: 14 objects left in the partial slab, no free slab: the refill stops there.
    expect(row(a, 'size-128')).toMatchObject({ activeObjs: 30, numSlabs: 1, cpuAvail: [13] });
    for (let i = 0; i < 14; i++) a.alloc(0, 128);
    // The 31st: a new slab, all 30 objects (batchcount 60).
    expect(row(a, 'size-128')).toMatchObject({ activeObjs: 60, numSlabs: 2, activeSlabs: 2, cpuAvail: [29] });
    expect(a.checkInvariants()).toEqual([]);
  });

  it("a free goes to the freeing CPU's array: the object is next handed out there", () => {
    const a = makeSlab('2.6.18-x86_64', 2);
    const x = a.alloc(0, 100);
    expect(a.free(1, x, 100)).toBe(FREE_OK);
    expect(a.blockAt(x)).toMatchObject({ kind: 'cached', owner: 1, requested: 0 });
    expect(a.blockAt(x)?.detail?.[0]).toMatch(/in CPU 1's array$/);
    expect(states(a, x, 4)).toEqual([1, 1, 1, 1].map(() => ChunkState.Cached));
    expect(a.counters().pendingBytes).toBe(15 * 128 + 128);
    expect(a.alloc(0, 100)).not.toBe(x);
    expect(a.alloc(1, 100)).toBe(x);
    expect(a.checkInvariants()).toEqual([]);
  });
});

describe('overflow and the shared array (cache_flusharray, free_block, transfer_objects)', () => {
  /** n size-4096 objects of CPU 0, each from a slab of its own. */
  const fill = (a: SlabAllocator, n: number) => Array.from({ length: n }, () => a.alloc(0, 4096));

  it('a full array moves its oldest batchcount to the shared array, then to the slabs; free slabs beyond free_limit go back', () => {
    const a = makeSlab('2.6.18-x86_64', 1);
    const xs = fill(a, 200);
    expect(xs.every((x) => x >= 0)).toBe(true);
    expect(row(a, 'size-4096')).toMatchObject({ numSlabs: 200, activeObjs: 200, cpuAvail: [0] });
    for (let i = 0; i < 25; i++) a.free(0, xs[i], 4096);
    // The 25th free found 24: objects 0..11 went to the shared array.
    expect(row(a, 'size-4096')).toMatchObject({ sharedAvail: 12, cpuAvail: [13] });
    expect(a.objState[chunkOf(a, xs[0])]).toBe(SHARED);
    expect(a.objState[chunkOf(a, xs[12])]).toBe(CACHED);
    expect(a.blockAt(xs[0])?.detail?.[0]).toMatch(/in the shared array$/);
    // Frees 109 fill the shared array (96); 121, 133 and 145 give 12 each back to the slabs.
    for (let i = 25; i < 145; i++) a.free(0, xs[i], 4096);
    const r = row(a, 'size-4096');
    expect(r.sharedAvail).toBe(96);
    expect(r.cpuAvail).toEqual([13]);
    // free_limit = 2 * 12 + 1 = 25 on one CPU: 25 free slabs stay, the other 11 of the 36 are destroyed.
    const k = a.caches.findIndex((c) => c.name === 'size-4096');
    expect(a.node[k * NSTRIDE + N_LEN + L_FREE]).toBe(25);
    expect(r.numSlabs).toBe(200 - 11);
    expect(a.checkInvariants()).toEqual([]);
  });

  it("a refill takes the shared array's newest entries, and the array pops the newest of them", () => {
    const a = makeSlab('2.6.18-x86_64', 2);
    const xs = fill(a, 25);
    for (const x of xs) a.free(1, x, 4096); // CPU 1's 25th free: xs[0..11] to the shared array
    expect(row(a, 'size-4096')).toMatchObject({ sharedAvail: 12, cpuAvail: [0, 13] });
    expect(a.alloc(0, 4000)).toBe(xs[11]);
    expect(a.alloc(0, 4000)).toBe(xs[10]);
    expect(row(a, 'size-4096')).toMatchObject({ sharedAvail: 0, cpuAvail: [10, 13] });
    expect(a.checkInvariants()).toEqual([]);
  });
});

describe('slabs (cache_grow, colouring, management)', () => {
  it('colours successive slabs of size-192: 0, 64, 0 bytes before the management', () => {
    const a = makeSlab('2.6.18-x86_64', 1);
    const xs = Array.from({ length: 60 }, () => a.alloc(0, 150));
    const firstOffset = new Map<number, number>();
    for (const x of xs) {
      const page = Math.floor((x - a.geometry.baseAddress) / PAGE);
      const off = (x - a.geometry.baseAddress) % PAGE;
      firstOffset.set(page, Math.min(firstOffset.get(page) ?? PAGE, off));
    }
    expect([...firstOffset.values()]).toEqual([128, 192, 128]);
    const coloured = [...firstOffset.entries()].find(([, off]) => off === 192);
    const slabAt = a.geometry.baseAddress + (coloured?.[0] ?? 0) * PAGE;
    // 2 chunks of colour (waste), 4 of struct slab + 20 bufctls (128 bytes), then the objects.
    expect(states(a, slabAt, 7)).toEqual([3, 3, 8, 8, 8, 8, 2]);
    expect(a.blockAt(slabAt)).toMatchObject({ kind: 'waste', bytes: 64, cache: 'size-192' });
    expect(a.blockAt(slabAt + 64)).toMatchObject({ kind: 'metadata', bytes: 128 });
    // The left-over after the 20 objects: 4096 - 64 - 128 - 3840 = 64 bytes.
    expect(a.blockAt(slabAt + PAGE - 1)).toMatchObject({ kind: 'waste', start: slabAt + PAGE - 64, bytes: 64 });
  });

  it('keeps the management of size-512 slabs off-slab, in a size-128 object', () => {
    const a = makeSlab('2.6.18-x86_64', 1);
    const x = a.alloc(0, 500);
    expect(a.blockAt(x)).toMatchObject({ kind: 'allocation', bytes: 512, cache: 'size-512' });
    const slabAt = a.blockAt(x)?.detail?.[0]?.match(/slab at (0x[0-9a-f]+)/)?.[1];
    const m = a.blockAt(a.geometry.baseAddress + a.slMgmt[Math.floor(chunkOf(a, x) / 128)] * 32 - 32);
    expect(m).toMatchObject({ kind: 'metadata', bytes: 128, requested: 80, cache: 'size-128' });
    expect(m?.detail?.[0]).toContain(`the management of the size-512 slab at ${slabAt}`);
    expect(states(a, m?.start ?? 0, 4)).toEqual([ChunkState.Metadata, 8, 8, ChunkState.Waste]);
    expect(a.free(0, m?.start ?? 0, 80)).toBe(FreeError.UnknownPointer);
    expect(row(a, 'size-128')).toMatchObject({ activeObjs: 16, cpuAvail: [15] });
  });

  it('gives the pages of slabs freed beyond free_limit back to the zone', () => {
    const a = makeSlab('2.6.18-x86_64', 1, { pages: 64 });
    const xs = Array.from({ length: 40 }, () => a.alloc(0, 8192));
    // 31 order-1 slabs; page 2 holds their management (size-64), page 3 is left alone in the zone.
    expect(xs.filter((x) => x >= 0)).toHaveLength(31);
    expect(a.alloc(0, 8192)).toBe(AllocError.GrowFailed);
    for (const x of xs) if (x >= 0) a.free(0, x, 8192);
    // Limit 8, batchcount 4, no shared array above PAGE_SIZE: 6 flushes gave 24 objects back to
    // their slabs, 9 (free_limit = 2 * 4 + 1) stay free, 15 were destroyed; 7 wait in the array.
    expect(row(a, 'size-8192')).toMatchObject({ cpuAvail: [7], numSlabs: 7 + 9 });
    expect(a.counters().heldBytes).toBe((16 * 2 + 1) * PAGE);
    expect(a.checkInvariants()).toEqual([]);
  });
});

describe('cache_reap on a clock of opsPerSecond ops per second', () => {
  it('drains an untouched array by (limit + 4) / 5, at most half, and destroys free slabs every 4 s', () => {
    const a = makeSlab('2.6.18-x86_64', 1, { opsPerSecond: 10 }); // reaps at ops 20, 40, ...
    const x = a.alloc(0, 100);
    a.free(0, x, 100); // size-128: 16 objects in the array, touched
    const seen: [number, number, number][] = [];
    for (let clock = 2; clock < 130; clock += 2) {
      const y = a.alloc(0, 20); // size-32 only: size-128's array stays untouched
      a.free(0, y, 20);
      if ((clock + 2) % 20 === 0) seen.push([clock + 2, row(a, 'size-128').cpuAvail[0], row(a, 'size-128').numSlabs]);
    }
    // 20: touched, only the flag cleared; 40: 8 of 16; 60: 4 of 8; 80: 2; 100: 1; 120: the last,
    // the slab is free and, 12 s being past next_reap, drain_freelist destroys it.
    expect(seen.slice(0, 6)).toEqual([
      [20, 16, 1],
      [40, 8, 1],
      [60, 4, 1],
      [80, 2, 1],
      [100, 1, 1],
      [120, 0, 0],
    ]);
    expect(a.counters().heldBytes).toBe(PAGE); // size-32's slab
    expect(a.checkInvariants()).toEqual([]);
  });

  it('free_block puts free slabs at the free list head; drain_freelist destroys from its tail', () => {
    // size-8192: one object a slab, limit 8, batchcount 4, no shared array, free_limit 2 * 4 + 1 = 9.
    const a = makeSlab('2.6.18-x86_64', 1, { pages: 64, opsPerSecond: 10 }); // reaps at ops 20, 40, ...
    const xs = Array.from({ length: 12 }, () => a.alloc(0, 8192)); // ops 1-12: slabs S0..S11
    for (const x of xs) a.free(0, x, 8192); // ops 13-24: op 21 flushes x0..x3 to their slabs
    for (let i = 0; i < 28; i++) a.free(0, a.alloc(0, 20), 20); // ops 25-80, size-8192 untouched
    // Reaps 40, 60, 80 drain 2 each (x4..x9); x9 passes free_limit and is destroyed; at 80 (8 s)
    // drain_freelist takes (9 + 5 - 1) / 5 = 2 slabs from the tail: S0 and S1, the oldest.
    const kinds = xs.map((x) => a.blockAt(x)?.kind);
    expect(kinds).toEqual(['unheld', 'unheld', ...Array<string>(7).fill('free'), 'unheld', 'cached', 'cached']);
    expect(a.checkInvariants()).toEqual([]);
  });

  it('opsPerSecond 0 never reaps', () => {
    const a = makeSlab('2.6.18-x86_64', 1, { opsPerSecond: 0 });
    a.free(0, a.alloc(0, 100), 100);
    for (let i = 0; i < 500; i++) a.free(0, a.alloc(0, 20), 20);
    expect(row(a, 'size-128').cpuAvail).toEqual([16]);
  });
});

describe('errors change nothing', () => {
  it('rejects bad sizes, CPUs, pointers, sizes and double frees', () => {
    const a = makeSlab('2.6.18-x86_64', 2);
    const x = a.alloc(0, 100);
    const big = a.alloc(0, 600);
    const before = stateBytes(a, ['counters']);
    expect(a.alloc(0, 0)).toBe(AllocError.BadSize);
    expect(a.alloc(0, 1.5)).toBe(AllocError.BadSize);
    expect(a.alloc(0, 131073)).toBe(AllocError.TooLarge);
    expect(a.alloc(2, 32)).toBe(AllocError.BadCpu);
    expect(a.free(0, x, 99)).toBe(FreeError.WrongSize);
    expect(a.free(0, x + 32, 100)).toBe(FreeError.UnknownPointer); // inside the object
    expect(a.free(0, x - 15 * 128 - 192, 100)).toBe(FreeError.UnknownPointer); // struct slab
    expect(a.free(0, x + 1, 100)).toBe(FreeError.UnknownPointer);
    expect(a.free(0, a.geometry.baseAddress, 1)).toBe(FreeError.UnknownPointer); // a page of the zone
    expect(a.free(5, x, 100)).toBe(FreeError.BadCpu);
    expect(a.freePages(0, big, 0)).toBe(FreeError.UnknownPointer);
    expect(firstDiff(stateBytes(a, ['counters']), before)).toBe(-1);
    expect(a.free(1, x, 100)).toBe(FREE_OK);
    const after = stateBytes(a);
    expect(a.free(1, x, 100)).toBe(FreeError.DoubleFree); // waiting in CPU 1's array
    expect(a.free(0, x - 128, 100)).toBe(FreeError.DoubleFree); // object 14, in CPU 0's array
    expect(firstDiff(stateBytes(a), after)).toBe(-1);
    expect(a.counters()).toMatchObject({ allocs: 2, frees: 1, failures: 3 });
  });

  it('a failed growth restores free_touched and leaves colour_next', () => {
    const a = makeSlab('2.6.18-x86_64', 1, { pages: 1 });
    // The only page: a size-192 slab of colour 0, its 20 objects handed out.
    for (let i = 0; i < 20; i++) expect(a.alloc(0, 150)).toBeGreaterThanOrEqual(0);
    const before = stateBytes(a, ['counters']);
    expect(a.alloc(0, 150)).toBe(AllocError.GrowFailed);
    expect(a.alloc(0, 8)).toBe(AllocError.GrowFailed);
    expect(firstDiff(stateBytes(a, ['counters']), before)).toBe(-1);
    expect(a.counters().failures).toBe(2);
  });
});

describe('page blocks (allocPages, freePages)', () => {
  it('takes 2^order pages from the zone, shown used, and gives them back', () => {
    const a = makeSlab('2.6.18-x86_64', 1, { pages: 16 });
    const p = a.allocPages(0, 2);
    expect(a.blockAt(p + 5000)).toMatchObject({ kind: 'allocation', start: p, bytes: 4 * PAGE, requested: 4 * PAGE });
    expect(states(a, p + 3 * PAGE, 2)).toEqual([ChunkState.Used, ChunkState.Used]);
    expect(a.counters()).toMatchObject({ heldBytes: 4 * PAGE, requestedBytes: 4 * PAGE, allocatedBytes: 4 * PAGE });
    expect(a.free(0, p, 4 * PAGE)).toBe(FreeError.UnknownPointer);
    expect(a.freePages(0, p, 1)).toBe(FreeError.WrongSize);
    expect(a.freePages(0, p, 2)).toBe(FREE_OK);
    expect(a.allocPages(0, 5)).toBe(AllocError.GrowFailed);
    expect(a.zone.freeBlocks(4)).toBe(1);
    expect(a.checkInvariants()).toEqual([]);
  });
});

describe('shared memory and virtual pools', () => {
  it('an instance attached with init=false sees and changes the same state', () => {
    const spec: AllocatorSpec = { kind: 'slab', preset: '2.6.18-i386' };
    const a = createAllocator(spec, 2) as SlabAllocator;
    const x = a.alloc(1, 70);
    const b = createAllocator(spec, 2, a.buffers, false) as SlabAllocator;
    expect(b.blockAt(x)).toMatchObject({ kind: 'allocation', bytes: 96, cache: 'size-96' });
    expect(b.free(0, x, 70)).toBe(FREE_OK);
    expect(a.objState[chunkOf(a, x)]).toBe(CACHED);
    expect(b.counters()).toEqual(a.counters());
  });

  it('a fresh pool writes no page-major field but the zone block heads', () => {
    const a = makeSlab('2.6.18-x86_64', 4, { pages: 5000 });
    for (const f of a.fields) {
      if (f.perPage === 0 || f.name.startsWith('z')) continue;
      expect(f.view.every((v) => v === 0)).toBe(true);
    }
  });

  it('a 4,194,304-page pool (16 GiB) allocates, frees and checks from its written segments', () => {
    const a = makeSlab('2.6.18-x86_64', 2, { pages: 4_194_304 });
    const xs = [100, 5000, 131072, 33].map((n, i) => a.alloc(i % 2, n));
    expect(xs.every((x) => x >= 0)).toBe(true);
    expect(a.objState[chunkOf(a, xs[2])]).toBe(LIVE);
    xs.forEach((x, i) => expect(a.free(1, x, [100, 5000, 131072, 33][i])).toBe(FREE_OK));
    expect(a.checkInvariants()).toEqual([]);
    expect(a.largestFree(0)).toBe(131072);
  });
});

describe('checkInvariants detects corruption', () => {
  const corrupt = (f: (a: SlabAllocator, x: number, page: number) => void) => {
    const a = makeSlab('2.6.18-x86_64', 2);
    const x = a.alloc(0, 100);
    a.alloc(1, 600);
    expect(a.checkInvariants()).toEqual([]);
    f(a, x, Math.floor(chunkOf(a, x) / 128));
    return a.checkInvariants().join('\n');
  };
  it.each([
    ['inuse', (a: SlabAllocator, _x: number, p: number) => a.slInuse[p]++, /inuse 17, 16 objects not free/],
    ['a bufctl link', (a: SlabAllocator, _x: number, p: number) => (a.bufctl[p * 128 + 20] = 3), /bufctl chain/],
    ['an object state', (a: SlabAllocator, x: number) => (a.objState[chunkOf(a, x)] = 0), /requested bytes 100/],
    ['an array entry', (a: SlabAllocator) => (a.acEnt[a.entOff[2]] = a.acEnt[a.entOff[2] + 1]), /is in two arrays/],
    [
      'the list link',
      (a: SlabAllocator, _x: number, p: number) => (a.slList[p] = 3),
      /on the partial list says list 3/,
    ],
    ['the page mark', (a: SlabAllocator, _x: number, p: number) => (a.pgCache[p] = 5), /marked 5, expected 3/],
    ['free_objects', (a: SlabAllocator) => a.node[2 * NSTRIDE + 6]++, /size-128: 14 free objects, free_objects 15/],
    ['the cached bytes', (a: SlabAllocator) => (a.cnt[6] += 32), /pending \d+ bytes, the arrays hold/],
    [
      'a slab given back to the zone',
      (a: SlabAllocator, _x: number, p: number) => a.zone.free(p, 0),
      /overlaps the free zone block/,
    ],
  ])('%s', (_name, f, want) => {
    expect(corrupt(f)).toMatch(want);
  });
});
