import { describe, expect, it } from 'vitest';
import { buddyinfoLine, fmtThousandths, indexLine, orderIndices } from './order-indices';

describe("Gorman's indices per order (mm/vmstat.c)", () => {
  it('a zone of only order-0 blocks: order 0 is served, every larger order fails for fragmentation', () => {
    const counts = [8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const { unusable, fragmentation } = orderIndices(counts);
    expect(unusable[0]).toBe(0);
    expect(unusable.slice(1)).toEqual(Array(10).fill(1000));
    expect(fragmentation[0]).toBe(-1000);
    // order 1: 1000 - (1000 + 8 * 1000 / 2) / 8 = 1000 - 5000 / 8 = 375
    expect(fragmentation[1]).toBe(375);
    // order 3: 1000 - (1000 + 8000 / 8) / 8 = 750; order 10: 1000 - (1000 + 7) / 8 = 875 (truncated)
    expect(fragmentation[3]).toBe(750);
    expect(fragmentation[10]).toBe(875);
  });

  it('mixed orders: suitable blocks counted in request-sized units, divisions truncated', () => {
    // 3 order-0 + 1 order-2 = 7 free pages in 4 blocks.
    const { unusable, fragmentation } = orderIndices([3, 0, 1, 0]);
    // order 1: suitable = 1 * 2^(2-1) = 2 units of 2 pages: (7 - 4) * 1000 / 7 = 428.57 -> 428
    expect(unusable).toEqual([0, 428, 428, 1000]);
    expect(fragmentation.slice(0, 3)).toEqual([-1000, -1000, -1000]);
    // order 3: 1000 - (1000 + 7000 / 8) / 4 = 1000 - 1875 / 4 = 1000 - 468 = 532
    expect(fragmentation[3]).toBe(532);
  });

  it('an empty zone: unusable 1.000 and fragmentation 0 (a failure for lack of memory)', () => {
    expect(orderIndices([0, 0, 0])).toEqual({ unusable: [1000, 1000, 1000], fragmentation: [0, 0, 0] });
  });

  it('prints as the kernel does', () => {
    expect(fmtThousandths(-1000)).toBe('-1.000');
    expect(fmtThousandths(375)).toBe('0.375');
    expect(fmtThousandths(1000)).toBe('1.000');
    expect(buddyinfoLine([12, 3, 0])).toBe('Node 0, zone   Normal     12      3      0 ');
    expect(indexLine([-1000, 375])).toBe('Node 0, zone   Normal -1.000  0.375 ');
  });
});
