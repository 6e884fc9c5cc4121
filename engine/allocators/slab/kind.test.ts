/**
 * One way in: SLAB through the registry and the CLI (kind:preset names, --slab KEY=VALUE).
 */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../cli/args';
import { allocatorSpecs } from '../../cli/run';
import {
  capabilitiesOf,
  createAllocator,
  geometryOf,
  pageOwner,
  paramValues,
  parseAllocatorSpec,
  presetsOf,
  specLabel,
  specName,
  type AllocatorSpec,
} from '../registry';

const run = (...argv: string[]) => {
  const c = parseArgs(['run', ...argv]);
  if (c.name !== 'run') throw new Error('not a run');
  return c.args;
};

describe('SLAB in the registry', () => {
  it('parses slab and slab:PRESET, names and labels them as its instances', () => {
    expect(presetsOf('slab')).toEqual(['2.6.18-x86_64', '2.6.18-x86_64-generic', '2.6.18-i386']);
    expect(parseAllocatorSpec('slab')).toEqual({ kind: 'slab', preset: '2.6.18-x86_64' });
    expect(parseAllocatorSpec('slab:2.6.18-i386')).toEqual({ kind: 'slab', preset: '2.6.18-i386' });
    expect(() => parseAllocatorSpec('slab:2.6.19')).toThrow(
      "unknown SLAB preset '2.6.19' in 'slab:2.6.19': expected one of 2.6.18-x86_64, 2.6.18-x86_64-generic, 2.6.18-i386",
    );
    expect(() => parseAllocatorSpec('slob')).toThrow(/expected nta, nta:PRESET, pow2, slab, slab:PRESET/);
    // The other kinds as before.
    expect(parseAllocatorSpec('nta', 'patch1')).toEqual({ kind: 'nta', preset: 'patch1' });
    expect(parseAllocatorSpec('pow2')).toEqual({ kind: 'pow2' });
    expect(() => parseAllocatorSpec('pow2:x')).toThrow(/unknown allocator 'pow2:x'/);
    const spec: AllocatorSpec = { kind: 'slab', preset: '2.6.18-x86_64-generic' };
    expect(specName(spec)).toBe('slab:2.6.18-x86_64-generic');
    expect(specLabel(spec)).toBe('SLAB (2.6.18-x86_64-generic)');
    expect(createAllocator(spec, 1).label).toBe(specLabel(spec));
    expect(parseAllocatorSpec(specName(spec))).toEqual(spec);
  });

  it('gives its parameters, geometry and capabilities', () => {
    expect(paramValues({ kind: 'slab', preset: '2.6.18-i386' }, 2)).toEqual({
      pages: 4094,
      l1Bytes: 32,
      lineBytes: 32,
      wordBytes: 4,
      opsPerSecond: 100000,
    });
    expect(geometryOf({ kind: 'slab', preset: '2.6.18-x86_64', overrides: { pages: 100 } }, 1)).toEqual({
      chunkBytes: 32,
      pageBytes: 4096,
      pages: 100,
      baseAddress: 0x2554000,
    });
    expect(capabilitiesOf('slab')).toEqual({
      remoteFrees: false,
      mappedChunks: false,
      caches: true,
      contiguousRuns: false,
    });
    expect(pageOwner({ kind: 'slab', preset: '2.6.18-x86_64' }, 2, 0)).toBeNull();
    expect(() => createAllocator({ kind: 'slab', preset: '2.6.18-x86_64', overrides: { lineBytes: 16 } }, 1)).toThrow(
      'invalid SLAB parameter: lineBytes=16, expected 32 or 64 or 128',
    );
  });
});

describe('SLAB on the command line', () => {
  it('--allocators slab:PRESET with --slab KEY=VALUE overrides', () => {
    const a = run('--allocators', 'nta,slab:2.6.18-i386', '--slab', 'pages=64', '--slab', 'opsPerSecond=0');
    expect(a.overrides).toMatchObject({ slab: { pages: 64, opsPerSecond: 0 }, nta: {}, pow2: {} });
    expect(allocatorSpecs(a)).toEqual([
      { kind: 'nta', preset: 'blog' },
      { kind: 'slab', preset: '2.6.18-i386', overrides: { pages: 64, opsPerSecond: 0 } },
    ]);
  });

  it('rejects unknown keys, a key twice and bad values as usage errors', () => {
    expect(() => run('--slab', 'chunkBytes=64')).toThrow(
      "--slab expects KEY=VALUE with KEY one of pages, l1Bytes, lineBytes, wordBytes, opsPerSecond, got 'chunkBytes=64'",
    );
    expect(() => run('--slab', 'pages=1', '--slab', 'pages=2')).toThrow('--slab pages given twice');
    expect(() => allocatorSpecs(run('--allocators', 'slab', '--slab', 'wordBytes=6'))).toThrow(
      'invalid SLAB parameter: wordBytes=6, expected 4 or 8',
    );
  });
});
