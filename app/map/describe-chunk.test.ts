import { describe, expect, it } from 'vitest';
import { describeChunk, ownerCpu } from './describe-chunk';

const info = { name: 'nta', label: 'NTA (blog)', chunkBytes: 32, pageBytes: 4096, pages: 2, baseAddress: 0x2554000 };

describe('ownerCpu(spec, cpus, page)', () => {
  it('splits the blog pool and the pow2 pool in contiguous blocks', () => {
    expect(ownerCpu({ kind: 'nta', preset: 'blog' }, 2, 0)).toBe(0);
    expect(ownerCpu({ kind: 'nta', preset: 'blog' }, 2, 4093)).toBe(1);
    expect(ownerCpu({ kind: 'pow2' }, 4, 1024)).toBe(1);
  });
  it('gives per-CPU nodes of patch1 and leaves patch2 growth pages unknown', () => {
    expect(ownerCpu({ kind: 'nta', preset: 'patch1' }, 2, 4084)).toBe(1);
    expect(ownerCpu({ kind: 'nta', preset: 'patch2' }, 1, 63)).toBe(0);
    expect(ownerCpu({ kind: 'nta', preset: 'patch2' }, 1, 64)).toBeNull();
  });
});

describe('describeChunk', () => {
  it('names page, chunk, state, address, owner and the run around it', () => {
    const states = new Uint8Array(256).fill(1);
    states.fill(2, 128 + 4, 128 + 8);
    const lines = describeChunk(info, { kind: 'nta', preset: 'blog' }, 1, states, 1, 5);
    expect(lines[0]).toBe('page 1, chunk 5 (of 128)');
    expect(lines[1]).toBe('state: used');
    expect(lines[2]).toBe(`chunk address 0x${(0x2554000 + 4096 + 160).toString(16)}`);
    expect(lines[3]).toBe('owner CPU: 0');
    expect(lines[4]).toContain('4 chunks = 128 B');
  });
});
