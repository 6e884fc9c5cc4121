import { describe, expect, it } from 'vitest';
import { describeBlock, describeChunk, describeRanges, describeSummary } from './describe-chunk';

const info = { name: 'nta', label: 'NTA (blog)', chunkBytes: 32, pageBytes: 4096, pages: 2, baseAddress: 0x2554000 };

describe('describeChunk', () => {
  it('names page, chunk, state, address, owner and the run around it', () => {
    const states = new Uint8Array(128).fill(1);
    states.fill(2, 4, 8);
    const lines = describeChunk(info, { kind: 'nta', preset: 'blog' }, 1, states, 1, 5);
    expect(lines[0]).toBe('page 1, chunk 5 (of 128)');
    expect(lines[1]).toBe('state: used');
    expect(lines[2]).toBe(`chunk address 0x${(0x2554000 + 4096 + 160).toString(16)}`);
    expect(lines[3]).toBe('owner CPU: 0');
    expect(lines[4]).toContain('4 chunks = 128 B');
  });
});

describe("describeChunk with the allocator's block", () => {
  it('shows the allocation (address, requested and rounded bytes) and the real owner instead of the run and the guess', () => {
    const states = new Uint8Array(128).fill(1);
    states.fill(2, 4, 11);
    const block = { kind: 'allocation' as const, start: 0x2554080, bytes: 224, requested: 200, owner: 1 };
    const lines = describeChunk(info, { kind: 'nta', preset: 'blog' }, 2, states, 0, 6, block);
    expect(lines.slice(0, 3)).toEqual(['page 0, chunk 6 (of 128)', 'state: used', 'chunk address 0x25540c0']);
    expect(lines[3]).toBe('owner CPU: 1');
    expect(lines[4]).toBe('allocation 0x2554080: 200 B requested, 224 B rounded (7 chunks)');
    expect(lines).toHaveLength(5);
  });
  it("names a kernel slab allocator's cache right after the block, before its details", () => {
    const states = new Uint8Array(128).fill(2);
    const block = {
      kind: 'allocation' as const,
      start: 0x2554000,
      bytes: 192,
      requested: 150,
      owner: -1,
      cache: 'size-192',
      detail: ['object 0 of the 1-page slab'],
    };
    const lines = describeChunk(info, { kind: 'slab', preset: '2.6.18-x86_64' }, 1, states, 0, 2, block);
    expect(lines[3]).toBe("owner CPU: none (a cache's slab: every CPU allocates from it)");
    expect(lines.slice(4)).toEqual([
      'allocation 0x2554000: 150 B requested, 192 B rounded (6 chunks)',
      'cache: size-192',
      'object 0 of the 1-page slab',
    ]);
  });
  it('words free, pending, unheld blocks and owner -1', () => {
    expect(describeBlock({ kind: 'free', start: 0x2554160, bytes: 3744, requested: 0, owner: 0 }, 32)).toBe(
      'free block 0x2554160: 3744 B (117 chunks)',
    );
    expect(describeBlock({ kind: 'pending-remote', start: 0x2554000, bytes: 32, requested: 8, owner: 0 }, 32)).toBe(
      'pending-remote 0x2554000: 8 B requested, 32 B rounded (1 chunk)',
    );
    expect(describeBlock({ kind: 'unheld', start: 0x2555000, bytes: 4096, requested: 0, owner: -1 }, 32)).toBe(
      'unheld page 0x2555000: 4096 B',
    );
    const states = new Uint8Array(128);
    const lines = describeChunk(info, { kind: 'nta', preset: 'patch2' }, 1, states, 1, 0, {
      kind: 'unheld',
      start: 0x2555000,
      bytes: 4096,
      requested: 0,
      owner: -1,
    });
    expect(lines[3]).toBe('owner CPU: none (page not taken)');
  });
});

describe('describeSummary(info, reply)', () => {
  it('names the pages under a pixel, their chunks per state with shares, and the cell under the pointer', () => {
    const states = new Uint8Array(128).fill(1);
    states[9] = 2;
    const lines = describeSummary(info, {
      ranges: [{ first: 16, end: 32 }],
      totals: [0, 1536, 512, 0, 0, 0, 0, 0],
      cell: { page: 20, chunk: 9, states },
    });
    expect(lines).toEqual([
      'pages 16..31 (16 pages) from 0x2564000',
      'used: 512 chunks (25.0%, 16,384 B)',
      'free: 1,536 chunks (75.0%, 49,152 B)',
      'under the pointer: page 20, chunk 9 (of 128): used',
    ]);
  });
  it('lists a pixel over several bands by range, and says when it is past the pool', () => {
    expect(
      describeRanges([
        { first: 0, end: 16 },
        { first: 16384, end: 16400 },
      ]),
    ).toBe('pages 0..15, 16384..16399 (32 pages, 2 bands)');
    const many = Array.from({ length: 5 }, (_, b) => ({ first: b * 4096, end: b * 4096 + 1 }));
    expect(describeRanges(many)).toBe('pages 0, 4096, 8192 and 2 more bands (5 pages, 5 bands)');
    expect(describeSummary(info, { ranges: [], totals: [0, 0, 0, 0, 0, 0, 0, 0], cell: null })).toEqual([
      'past the last page of the pool',
    ]);
  });
});
