/**
 * kmem traces in the kernel's own text format replayed on the SLAB presets: every kmalloc's
 * bytes_alloc is what the model hands out. 2.6.18 has no kmem tracepoints; the fixtures use the
 * oldest format, 2.6.31's (testdata/README.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../workloads/trace';
import { makeSlab } from './test-driver';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`testdata/${name}`, import.meta.url)), 'utf8');

/** trace_print_context of 2.6.31: "%16s-%-5d [%03d] %5lu.%06lu: ", then "EVENT: " and TP_printk's text. */
const CONTEXT = /^[ -~]{16}-\d+ *\[\d{3}\] +\d+\.\d{6}: (\w+): (.*)$/;
const FORMATS: Record<string, RegExp> = {
  kmalloc: /^call_site=[0-9a-f]+ ptr=[0-9a-f]+ bytes_req=(\d+) bytes_alloc=(\d+) gfp_flags=[A-Z_|]+$/,
  kmalloc_node: /^call_site=[0-9a-f]+ ptr=[0-9a-f]+ bytes_req=(\d+) bytes_alloc=(\d+) gfp_flags=[A-Z_|]+ node=-?\d+$/,
  kmem_cache_alloc: /^call_site=[0-9a-f]+ ptr=[0-9a-f]+ bytes_req=(\d+) bytes_alloc=(\d+) gfp_flags=[A-Z_|]+$/,
  kfree: /^call_site=[0-9a-f]+ ptr=[0-9a-f]+$/,
  kmem_cache_free: /^call_site=[0-9a-f]+ ptr=[0-9a-f]+$/,
};

describe('kmem traces of 2.6.31 format replayed on SLAB', () => {
  it.each([
    ['kmem-2.6.31-x86_64.txt', '2.6.18-x86_64'],
    ['kmem-2.6.31-i386.txt', '2.6.18-i386'],
  ])('%s on %s: each kmalloc hands out bytes_alloc, every kfree succeeds', (file, preset) => {
    const text = fixture(file);
    // Each allocation event in order: its event name and the trace's two sizes.
    const allocs: { event: string; req: number; alloc: number }[] = [];
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const m = CONTEXT.exec(line);
      expect(m, line).not.toBeNull();
      const f = FORMATS[m?.[1] ?? ''].exec(m?.[2] ?? '');
      expect(f, line).not.toBeNull();
      if (f?.[1] !== undefined) allocs.push({ event: m?.[1] ?? '', req: Number(f[1]), alloc: Number(f[2]) });
    }
    const { ops, summary } = parseTrace(text, file, 2, 'ftrace');
    // The one kfree of an object allocated before the trace began.
    expect(summary.nullFrees + summary.unknownFrees).toBe(1);
    const a = makeSlab(preset, 2);
    const addr: number[] = [];
    let k = 0,
      kmallocs = 0;
    for (const o of ops) {
      if (o.kind === 'free') {
        expect(a.free(o.cpu, addr[o.id], ops.find((x) => x.id === o.id && x.kind === 'alloc')?.bytes ?? 0)).toBe(0);
        continue;
      }
      const t = allocs[k++];
      expect(o.bytes).toBe(t.req);
      const before = a.counters().allocatedBytes;
      addr[o.id] = a.alloc(o.cpu, o.bytes);
      expect(addr[o.id]).toBeGreaterThanOrEqual(0);
      if (t.event === 'kmem_cache_alloc') continue; // a named cache: not a size-N one
      kmallocs++;
      expect([o.bytes, a.handedOut(o.bytes)]).toEqual([o.bytes, t.alloc]);
      expect(a.counters().allocatedBytes - before).toBe(t.alloc);
    }
    expect(kmallocs).toBe(40);
    expect(a.counters()).toMatchObject({ requestedBytes: 0, allocatedBytes: 0 });
    expect(a.checkInvariants()).toEqual([]);
  });
});
