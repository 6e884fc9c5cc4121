import { describe, expect, it } from 'vitest';
import { F_HUGE, K_ALLOC, K_FREE, OpBuffer, SIZE_HUGE } from './op-buffer';

describe('OpBuffer', () => {
  it('grows a linear buffer as ops are pushed; readers in another view see them after publish', () => {
    const b = OpBuffer.create({ capacity: 1_000_000 });
    b.beginProducing();
    expect(b.reserve(200_000)).toBe(true);
    for (let i = 0; i < 200_000; i++) b.push(i % 2 ? K_FREE : K_ALLOC, i % 3, i >> 1, i % 2 ? 0 : 100 + i);
    const other = new OpBuffer(b.handle);
    expect(other.produced).toBe(0);
    b.publish();
    expect(other.produced).toBe(200_000);
    expect(other.slots).toBe(100_000);
    expect([other.kind[199_999], other.cpu[199_999], other.slot[199_999]]).toEqual([K_FREE, 199_999 % 3, 99_999]);
    expect(other.size[199_998]).toBe(100 + 199_998);
    expect(b.reserve(1_000_001)).toBe(false);
  });

  it('a ring never lets the producer overwrite ops not yet consumed, and holds the last capacity ops', () => {
    const b = OpBuffer.create({ ring: true, capacity: 1024 });
    b.beginProducing();
    expect(b.reserve(1024)).toBe(true);
    for (let i = 0; i < 1024; i++) b.push(K_ALLOC, 0, i, i + 1);
    b.publish();
    expect(b.reserve(1)).toBe(false);
    b.setConsumed(10);
    expect(b.reserve(10)).toBe(true);
    for (let i = 1024; i < 1034; i++) b.push(K_ALLOC, 0, i, i + 1);
    b.publish();
    expect(b.holds(9)).toBe(false);
    expect(b.holds(10)).toBe(true);
    expect(b.size[1033 & b.mask]).toBe(1034);
    b.rewind(500);
    expect(b.produced).toBe(500);
    expect(b.ended).toBe(false);
  });

  it('marks sizes above 4 GiB - 1 as huge', () => {
    const b = OpBuffer.create({ capacity: 4, shared: false });
    b.beginProducing();
    b.reserve(1);
    b.push(K_ALLOC, 0, 0, 2 ** 62);
    b.end();
    expect(b.size[0]).toBe(SIZE_HUGE);
    expect(b.flags[0] & F_HUGE).toBe(F_HUGE);
    expect(b.ended).toBe(true);
  });
});
