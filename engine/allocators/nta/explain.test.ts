import { describe, expect, it } from 'vitest';
import { AllocError } from '../../core/types';
import { NtaAllocator } from './nta';

describe('NTA explainFailure', () => {
  it('names the largest run, the remote-free queue and the other CPU, and that the pool cannot grow', () => {
    // Two CPUs of two one-page nodes each: CPU 0 owns pages 0-1, CPU 1 pages 2-3.
    const a = new NtaAllocator({ preset: 'blog', cpus: 2, regions: 4, maxPages: 4 });
    const base = a.params.baseAddress;
    const x = a.alloc(0, 4096);
    const y = a.alloc(0, 3872); // leaves a run of 7 chunks (224 B) at the end of page 1
    expect(x).toBe(base);
    expect(y).toBe(base + 4096);
    expect(a.free(1, x, 4096)).toBe(0); // queued on CPU 0's remote-free list, not drained
    expect(a.alloc(0, 300)).toBe(AllocError.NoSpace);
    const e = a.explainFailure(0, 300);
    expect(e.rounded).toBe(320);
    expect(e.sizeClass).toBe('10 chunks');
    expect(e.largest).toEqual([{ address: base + 4096 + 3872, bytes: 224 }]);
    expect(e.unusable).toEqual([
      { reason: 'pending-remote', bytes: 4096, spans: [{ address: base, bytes: 4096 }], truncated: false },
      { reason: 'other-cpus', bytes: 8192, spans: [{ address: base + 8192, bytes: 8192 }], truncated: false },
    ]);
    expect(e.refused).toBe('no growth: the pool is fixed at 4 pages');
    expect(e.paragraph).toBe(
      'NTA (blog) CPU 0: 300 B asked (320 B, 10 chunks); 224 B is its largest free run; 4,096 B waits in its ' +
        "remote-free queue; 8,192 B is free on other CPUs' memory; no growth: the pool is fixed at 4 pages.",
    );
  });

  it('says growth was refused once maxPages is reached (patch2)', () => {
    const a = new NtaAllocator({ preset: 'patch2', cpus: 1, regions: 1, maxPages: 9, growPages: 1 });
    expect(a.alloc(0, 8 * 4096)).toBeGreaterThanOrEqual(0); // the whole order-3 node
    expect(a.alloc(0, 4096)).toBeGreaterThanOrEqual(0); // grows by the ninth page
    expect(a.alloc(0, 64)).toBe(AllocError.GrowFailed);
    const e = a.explainFailure(0, 64);
    expect(e.largest).toEqual([]);
    expect(e.unusable).toEqual([]);
    expect(e.refused).toBe('growth refused: maxPages 9 reached');
    expect(e.paragraph).toContain('it has no free run');
  });

  it('walks only what it must: the top runs are the largest, untouched regions first', () => {
    const a = new NtaAllocator({ preset: 'blog', cpus: 1, regions: 8, maxPages: 8 });
    const e = a.explainFailure(0, 8192);
    expect(e.refused).toContain('too large');
    expect(e.rounded).toBe(0);
    expect(e.largest.map((r) => r.bytes)).toEqual([4096, 4096, 4096, 4096, 4096]);
    expect(e.largest[0].address).toBe(a.params.baseAddress);
  });
});
