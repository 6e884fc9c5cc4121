import { describe, expect, it } from 'vitest';
import {
  ALLOCATOR_KINDS,
  bytesNeeded,
  capabilitiesOf,
  createAllocator,
  OVERRIDE_KEYS,
  PARAMS,
  pageOwner,
  paramValues,
  presetsOf,
  specLabel,
  type AllocatorSpec,
} from './registry';

describe('the registry: one entry per kind', () => {
  it('lists every kind with its presets, parameters and capabilities', () => {
    expect(ALLOCATOR_KINDS).toEqual(['nta', 'pow2', 'slab', 'slub', 'buddy']);
    expect(presetsOf('slub')).toEqual(['2.6.22', '3.6-i386', '6.6-x86_64']);
    expect(presetsOf('nta')).toEqual(['blog', 'patch1', 'patch2']);
    expect(presetsOf('pow2')).toEqual([]);
    expect(OVERRIDE_KEYS).toEqual({
      nta: ['chunkBytes', 'pageBytes', 'regionOrder', 'regions', 'growPages', 'maxPages', 'drainOnAlloc'],
      pow2: ['pages', 'pageBytes', 'chunkBytes', 'maxClassBytes'],
      slab: ['pages', 'l1Bytes', 'lineBytes', 'wordBytes', 'opsPerSecond'],
      slub: ['pages', 'chunkBytes', 'minObjects', 'maxOrder', 'minOrder', 'cpuPartial'],
      buddy: ['pages', 'chunkBytes'],
    });
    for (const k of ALLOCATOR_KINDS) expect(PARAMS[k].every((p) => p.doc.length > 10 && p.min <= p.max)).toBe(true);
    expect(capabilitiesOf('nta')).toMatchObject({ remoteFrees: true, mappedChunks: true, contiguousRuns: true });
    expect(capabilitiesOf('pow2')).toMatchObject({ remoteFrees: false, mappedChunks: false, contiguousRuns: false });
    expect(specLabel({ kind: 'nta', preset: 'patch1' })).toBe(
      createAllocator({ kind: 'nta', preset: 'patch1' }, 1).label,
    );
    expect(specLabel({ kind: 'pow2' })).toBe(createAllocator({ kind: 'pow2' }, 1).label);
  });
  it("gives each parameter's value for a preset, overrides applied", () => {
    expect(paramValues({ kind: 'nta', preset: 'patch2' }, 1)).toMatchObject({
      regionOrder: 3,
      regions: 8,
      maxPages: 4094,
    });
    expect(paramValues({ kind: 'nta', preset: 'patch2' }, 64).maxPages).toBe(4096); // room for 64 CPUs' initial nodes
    expect(paramValues({ kind: 'nta', preset: 'patch1' }, 2).maxPages).toBe(2 * 1021 * 4);
    expect(paramValues({ kind: 'pow2', overrides: { pages: 100 } }, 3)).toEqual({
      pages: 100,
      pageBytes: 4096,
      chunkBytes: 32,
      maxClassBytes: 131072,
    });
  });
  it('rejects a value outside its declared limits, naming the parameter', () => {
    for (const kind of ALLOCATOR_KINDS)
      for (const p of PARAMS[kind]) {
        const spec = { kind, preset: presetsOf(kind)[0], overrides: { [p.key]: p.max + 1 } } as AllocatorSpec;
        expect(() => bytesNeeded(spec, 1)).toThrow(new RegExp(`${p.key}=${p.max + 1}`));
      }
    expect(() => createAllocator({ kind: 'nta', preset: 'blog', overrides: { drainOnAlloc: 2 } }, 1)).toThrow(
      /drainOnAlloc=2, expected 0 or 1/,
    );
    expect(() => createAllocator({ kind: 'slob' } as unknown as AllocatorSpec, 1)).toThrow(/unknown allocator 'slob'/);
  });
});

describe('pageOwner(spec, cpus, page): what the map can tell before the allocator answers', () => {
  it('splits the blog pool in contiguous blocks; pow2 pages belong to whichever CPU took them from the zone', () => {
    expect(pageOwner({ kind: 'nta', preset: 'blog' }, 2, 0)).toBe(0);
    expect(pageOwner({ kind: 'nta', preset: 'blog' }, 2, 4093)).toBe(1);
    expect(pageOwner({ kind: 'pow2' }, 4, 1024)).toBeNull();
    expect(pageOwner({ kind: 'pow2', overrides: { pages: 10 } }, 4, 9)).toBeNull();
  });
  it('gives per-CPU nodes of patch1 and leaves patch2 growth pages unknown', () => {
    expect(pageOwner({ kind: 'nta', preset: 'patch1' }, 2, 4084)).toBe(1);
    expect(pageOwner({ kind: 'nta', preset: 'patch2' }, 1, 63)).toBe(0);
    expect(pageOwner({ kind: 'nta', preset: 'patch2' }, 1, 64)).toBeNull();
  });
  it("agrees with every allocator's own ownerOf on a fresh pool", () => {
    for (const spec of [
      { kind: 'nta', preset: 'blog', overrides: { regions: 1000, maxPages: 1000 } },
      { kind: 'nta', preset: 'patch1', overrides: { regions: 10 } },
      { kind: 'pow2', overrides: { pages: 777 } },
    ] as AllocatorSpec[]) {
      const a = createAllocator(spec, 3);
      const { baseAddress, pageBytes, pages } = a.geometry;
      for (let page = 0; page < pages; page++)
        expect(pageOwner(spec, 3, page) ?? -1).toBe(a.ownerOf(baseAddress + page * pageBytes));
    }
  });
});
