/**
 * kmem trace fixtures in each version's own event format (testdata/, see each file's header),
 * replayed on the preset of that version: every kmalloc's rounding (handedOut) and every
 * allocation's allocated bytes equal the trace's bytes_alloc. The project's ftrace parser reads
 * the same files (the format is the one it replays).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../workloads/trace';
import { SlubAllocator } from './slub';
import type { SlubPresetName } from './versions';

const EVENT =
  /\[(\d+)\].*?\s(kmalloc|kmalloc_node|kmem_cache_alloc|kmem_cache_alloc_node|kfree|kmem_cache_free): (.*)$/;

function replay(file: string, preset: SlubPresetName) {
  const text = readFileSync(join(__dirname, 'testdata', file), 'utf8');
  const a = SlubAllocator.create(preset, 2);
  const live = new Map<string, { p: number; n: number }>();
  let allocs = 0,
    frees = 0;
  for (const line of text.split('\n')) {
    const m = EVENT.exec(line);
    if (!m) continue;
    const cpu = Number(m[1]);
    const f = Object.fromEntries([...m[3].matchAll(/(\w+)=(\S+)/g)].map((x) => [x[1], x[2]]));
    if (m[2] === 'kfree' || m[2] === 'kmem_cache_free') {
      const x = live.get(f.ptr);
      if (!x) continue;
      expect(a.free(cpu, x.p, x.n)).toBe(0);
      live.delete(f.ptr);
      frees++;
      continue;
    }
    const req = Number(f.bytes_req),
      got = Number(f.bytes_alloc);
    const named = m[2].startsWith('kmem_cache');
    if (!named) expect([line, a.handedOut(req)]).toEqual([line, got]);
    const before = a.counters().allocatedBytes;
    const p = named ? a.allocIn(cpu, req, got, got) : a.alloc(cpu, req);
    expect([line, p >= 0]).toEqual([line, true]);
    expect([line, a.counters().allocatedBytes - before]).toEqual([line, got]);
    live.set(f.ptr, { p, n: req });
    allocs++;
  }
  expect(a.checkInvariants()).toEqual([]);
  return { text, allocs, frees };
}

describe('kmem traces replayed on their version: bytes_alloc', () => {
  for (const [file, preset] of [
    ['kmem-2.6.22.txt', '2.6.22'],
    ['kmem-3.6-i386.txt', '3.6-i386'],
    ['kmem-6.6-x86_64.txt', '6.6-x86_64'],
  ] as const) {
    it(`${file} on slub:${preset}`, () => {
      const { text, allocs, frees } = replay(file, preset);
      expect(allocs).toBeGreaterThan(60);
      expect(frees).toBeGreaterThan(30);
      const parsed = parseTrace(text, file, 2, 'ftrace');
      expect(parsed.ops.filter((o) => o.kind === 'alloc').length).toBe(allocs);
    });
  }
});
