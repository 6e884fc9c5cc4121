import { describe, expect, it } from 'vitest';
import { AllocError, ChunkState, FreeError, FREE_OK } from '../../core/types';
import { BuddyAllocator } from './buddy';
import { buddyParams } from './kind';

const make = (pages = 16, cpus = 1) => new BuddyAllocator(buddyParams({ kind: 'buddy', overrides: { pages } }, cpus));
const BASE = 0x2554000;

describe('buddy allocator kind', () => {
  it('takes 2^get_order(bytes) pages: requested bytes Used, the rest of the block Waste', () => {
    const a = make();
    const x = a.alloc(0, 5000); // order 1
    expect(x).toBe(BASE);
    const s = new Uint8Array(2 * 128);
    a.pageStates(0, 2, s);
    expect(s.filter((v) => v === ChunkState.Used).length).toBe(Math.ceil(5000 / 32));
    expect(s[255]).toBe(ChunkState.Waste);
    expect(a.buddyinfo()).toEqual([0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]); // 16 pages: 2 + 4 + 8 left
    expect(a.blockAt(x + 4097)).toMatchObject({ kind: 'allocation', start: x, bytes: 8192, requested: 5000 });
    expect(a.free(0, x, 4999)).toBe(FreeError.WrongSize);
    expect(a.free(0, x + 4096, 5000)).toBe(FreeError.UnknownPointer);
    expect(a.free(0, x, 5000)).toBe(FREE_OK);
    expect(a.buddyinfo()).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(a.checkInvariants()).toEqual([]);
  });

  it('serves page-level events, fails beyond order 10 and on a full zone', () => {
    const a = make(8, 2);
    const p = a.allocPages(1, 3);
    expect(a.counters()).toMatchObject({ requestedBytes: 8 * 4096, heldBytes: 8 * 4096 });
    expect(a.alloc(0, 1)).toBe(AllocError.NoSpace);
    expect(a.alloc(0, (4 << 20) + 1)).toBe(AllocError.TooLarge);
    expect(a.free(0, p, 8 * 4096)).toBe(FreeError.UnknownPointer);
    expect(a.freePages(0, p, 2)).toBe(FreeError.WrongSize);
    expect(a.freePages(0, p, 3)).toBe(FREE_OK);
    expect(a.largestFree(1)).toBe(8 * 4096);
    expect(a.checkInvariants()).toEqual([]);
  });
});
