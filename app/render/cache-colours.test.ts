import { describe, expect, it } from 'vitest';
import { cacheCss, cacheRgb, hslToRgb, nameHash } from './cache-colours';

const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

describe('cache colours', () => {
  it('FNV-1a of known strings', () => {
    expect(nameHash('')).toBe(0x811c9dc5);
    expect(nameHash('a')).toBe(0xe40c292c);
  });

  it('HSL primaries', () => {
    expect(hslToRgb(0, 1, 0.5)).toEqual([255, 0, 0]);
    expect(hslToRgb(120, 1, 0.5)).toEqual([0, 255, 0]);
    expect(hslToRgb(240, 1, 0.5)).toEqual([0, 0, 255]);
    expect(hslToRgb(0, 0, 1)).toEqual([255, 255, 255]);
  });

  it('a name has one colour wherever it is asked for', () => {
    expect(cacheRgb('size-192')).toEqual(cacheRgb('size' + '-192'));
    expect(cacheCss('kmalloc-96')).toBe(`rgb(${cacheRgb('kmalloc-96').join(', ')})`);
  });

  it("the kernels' kmalloc caches of one allocator get colours apart from each other", () => {
    const sizes = [32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192];
    for (const prefix of ['size-', 'kmalloc-']) {
      const cs = sizes.map((s) => cacheRgb(prefix + s));
      let closest = Infinity;
      for (let i = 0; i < cs.length; i++)
        for (let j = i + 1; j < cs.length; j++) closest = Math.min(closest, dist(cs[i], cs[j]));
      expect(closest).toBeGreaterThan(12);
    }
  });
});
