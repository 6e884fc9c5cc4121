import { describe, expect, it } from 'vitest';
import type { AllocatorSpec } from '../allocators/registry';
import { runHeadless } from './run-headless';
import { sameState } from './test-support';

/**
 * memalign, posix_memalign and aligned_alloc in a trace ask for an aligned block
 * (runtime/loop.ts alignedRequest): pow2 and the buddy align a block to its size, so they are
 * asked for the class of max(size, align); NTA hands out 32-byte-aligned chunks, so its request
 * is padded by align - 32 and the block holds an aligned run of the size asked.
 */
const TRACE = [
  '==1== Memcheck, a memory error detector',
  '--1-- memalign(al 4096, size 100) = 0x10000',
  '--1-- posix_memalign(al 64, size 10) = 0x20000',
  '--1-- malloc(40) = 0x30000',
  '--1-- aligned_alloc(al 1024, size 1024) = 0x40000',
  '',
].join('\n');
const SPECS: AllocatorSpec[] = [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }, { kind: 'buddy' }];
const config = (threads: 'inline' | 'workers') => ({
  allocators: SPECS,
  workload: 'trace',
  params: {},
  seed: 1,
  cpus: 1,
  ops: 0,
  opsText: { fileName: 'v.txt', text: TRACE },
  threads,
  cores: 2,
  schedule: 'lockstep' as const,
});

describe('aligned allocations from a trace', () => {
  it('each allocator hands out a block holding an aligned run of the size asked', async () => {
    const r = await runHeadless(config('inline'));
    const asked = [
      [100, 4096],
      [10, 64],
      [40, 1],
      [1024, 1024],
    ];
    r.lanes.forEach((L) => {
      const a = L.allocator;
      asked.forEach(([bytes, align], slot) => {
        const at = L.slots.addr[slot];
        expect(at).toBeGreaterThan(0);
        const b = a.blockAt(at);
        expect(b?.kind).toBe('allocation');
        const start = b!.start;
        const aligned = Math.ceil(start / align) * align;
        expect(aligned + bytes).toBeLessThanOrEqual(start + b!.bytes);
      });
    });
    // pow2: the class of max(size, align), so the block itself is aligned.
    const pow2 = r.lanes[1];
    expect(pow2.slots.addr[0] % 4096).toBe(0);
    expect(pow2.allocator.blockAt(pow2.slots.addr[0])?.bytes).toBe(4096);
    expect(pow2.slots.addr[3] % 1024).toBe(0);
    // NTA: 10 bytes at 64 asks 10 + 64 - 32; 100 bytes at 4096 would pass a page, so a whole page.
    expect(r.lanes[0].slots.req[1]).toBe(10 + 64 - 32);
    expect(r.lanes[0].slots.req[0]).toBe(4096);
    expect(r.lanes[0].slots.addr[0] % 4096).toBe(0);
  });

  it('workers ask the same as inline', async () => {
    const inline = await runHeadless(config('inline'));
    const workers = await runHeadless(config('workers'));
    SPECS.forEach((_, k) => {
      expect(Array.from(workers.lanes[k].slots.req.subarray(0, 4))).toEqual(
        Array.from(inline.lanes[k].slots.req.subarray(0, 4)),
      );
      expect(sameState(inline.allocators[k], workers.allocators[k])).toBe(true);
    });
  });
});
