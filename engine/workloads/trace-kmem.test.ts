import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { F_IMPLIED, F_TRACE_FAILED, K_ALLOC } from '../core/op-buffer';
import { importText, type ImportResult } from '../import/import';
import { ParseError } from './parse-error';
import { opsOf } from './trace';
import { UNNAMED_CACHE } from './trace-kmem';

const read = (name: string): string => readFileSync(new URL(`../data/traces/${name}`, import.meta.url), 'utf8');
const imp = (text: string, format?: string, strict?: boolean): ImportResult =>
  importText(text, { fileName: 't.txt', format, strict });
/** The ops as `kind id bytes @cpu` strings (ids dense in order of allocation). */
const ops = (r: ImportResult): string[] =>
  opsOf(r.ops).map((op) => `${op.kind} ${op.id}${op.kind.endsWith('alloc') ? ` ${op.bytes}` : ''} @${op.cpu}`);
const flagsOf = (r: ImportResult): number[] => Array.from(r.ops.flags.subarray(0, r.ops.produced));
const site = (r: ImportResult, i: number): string => r.sites[r.ops.site[i]];

const ev = (cpu: number, event: string, fields: string): string =>
  `           bash-2101    [${String(cpu).padStart(3, '0')}] .....    12.600210: ${event}: ${fields}`;

describe('kmem events of every era', () => {
  it('2.6.33 (no irq-flags column, i386, NULL padded to 8): ops, failures, zero-size requests and page events', () => {
    const r = imp(read('kmem-2.6.33.ftrace.txt'));
    expect(r.format).toBe('ftrace');
    expect(ops(r)).toEqual([
      'alloc 0 29 @0',
      'alloc 1 192 @0',
      'alloc 2 600 @1',
      'free 0 @0',
      'alloc 3 65536 @0', // the failed kmalloc, asked of every allocator...
      'free 3 @0', // ...and returned at once
      'free 2 @0',
      'page-alloc 4 1 @1',
      'page-alloc 5 0 @1',
      'page-free 4 @1',
      'page-free 5 @0',
      'page-alloc 6 3 @1', // the failed order-3 page allocation
      'page-free 6 @1',
      'free 1 @1',
      'alloc 7 40 @0',
    ]);
    expect(flagsOf(r).map((f) => f & F_TRACE_FAILED)).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
    const s = r.summary;
    expect([s.allocations, s.frees, s.failedAllocations, s.nullFrees, s.unknownFrees, s.zeroSizeRequests]).toEqual([
      4, 3, 2, 2, 1, 1,
    ]);
    expect([s.pageAllocations, s.pageFrees, s.cpus, s.processes]).toEqual([2, 2, 2, 3]);
    expect(s.timeSpan).toEqual({ first: 0.15, last: 0.15016 });
    expect(site(r, 0)).toBe('c104dd2f');
    expect(r.caches[r.ops.cache[1]]).toBe(UNNAMED_CACHE);
    expect(r.ops.alloc[2]).toBe(1024); // bytes_alloc kept on the op
  });

  it('3.10 (irq-info column, #P:4, stack traces, lost events, an allocation at a live pointer)', () => {
    const r = imp(read('kmem-3.10.ftrace.txt'));
    const s = r.summary;
    expect([s.allocations, s.frees, s.unknownFrees, s.nullFrees, s.impliedFrees, s.lostEvents]).toEqual([
      7, 5, 1, 1, 1, 17,
    ]);
    expect(s.cpus).toBe(4);
    expect(s.cpusStated).toBe(4);
    expect(s.skipped).toEqual([
      { reason: 'comment', lines: 23 },
      { reason: 'other event', lines: 2 },
      { reason: 'stack trace', lines: 7 },
      { reason: 'lost-events note', lines: 1 },
    ]);
    // The kmalloc_node at ffff88003b2c1800 while its earlier object is live: the old one's free is implied.
    const implied = flagsOf(r).findIndex((f) => f & F_IMPLIED);
    expect(opsOf(r.ops)[implied]).toMatchObject({ kind: 'free', cpu: 2 });
    expect(ops(r).filter((o) => o.startsWith('page'))).toEqual([
      'page-alloc 7 0 @1',
      'page-alloc 8 2 @1',
      'page-free 7 @1',
      'page-free 8 @0',
    ]);
  });

  it('4.19 (hashed pointers, the TGID column, "(null)" still padded, kmalloc(0) hashed)', () => {
    const r = imp(read('kmem-4.19.ftrace.txt'));
    const s = r.summary;
    expect([s.allocations, s.frees, s.unknownFrees, s.nullFrees, s.zeroSizeRequests]).toEqual([4, 4, 0, 2, 1]);
    expect([s.pageAllocations, s.pageFrees, s.cpus]).toEqual([1, 1, 2]);
    expect(ops(r).slice(0, 4)).toEqual(['alloc 0 168 @1', 'alloc 1 8 @1', 'alloc 2 4096 @1', 'free 2 @1']);
    expect(s.processes).toBe(3); // bash 2101, <...> 2188, kworker 230: the PID before the (TGID)
  });

  it('6.x (symbolic call sites, node=, accounted=, name=, pfn in hex, NULL as zeros, other tracers)', () => {
    const r = imp(read('kmem-6.x.ftrace.txt'));
    const s = r.summary;
    expect([s.allocations, s.frees, s.unknownFrees, s.nullFrees, s.failedAllocations]).toEqual([9, 7, 1, 1, 1]);
    expect([s.pageAllocations, s.pageFrees]).toEqual([1, 1]);
    expect(site(r, 0)).toBe('__alloc_skb+0x7c/0x1f0');
    expect(r.caches.slice(1)).toEqual([UNNAMED_CACHE, 'skbuff_head_cache']);
    expect(r.caches[r.ops.cache[2]]).toBe('skbuff_head_cache');
    expect(s.skipped).toEqual([
      { reason: 'comment', lines: 26 },
      { reason: 'other event', lines: 2 },
    ]);
  });

  it('trace-cmd report: its header (cpus=4 with CPU 2 empty), the plugin call site before the fields, (nil)', () => {
    const r = imp(read('kmem.trace-cmd.txt'));
    expect(r.format).toBe('trace-cmd');
    const s = r.summary;
    expect([s.allocations, s.frees, s.nullFrees, s.cpus, s.cpusStated]).toEqual([5, 4, 1, 4, 4]);
    expect(site(r, 0)).toBe('prepare_creds+0x26');
    expect(s.skipped).toContainEqual({ reason: 'header', lines: 3 });
  });

  it('perf script with and without call chains, and the perf trace of 2.6.35 (read as ftrace)', () => {
    const plain = imp(read('kmem.perf.txt'));
    expect(plain.format).toBe('perf');
    expect([plain.summary.allocations, plain.summary.frees, plain.summary.nullFrees]).toEqual([3, 3, 1]);
    expect(plain.summary.skipped).toContainEqual({ reason: 'other event', lines: 1 }); // mm_page_alloc_zone_locked
    const chains = imp(read('kmem-callchain.perf.txt'));
    expect(chains.format).toBe('perf');
    expect([chains.summary.allocations, chains.summary.frees, chains.summary.cpusStated]).toEqual([2, 2, 4]);
    expect(chains.summary.skipped).toContainEqual({ reason: 'call chain', lines: 16 });
    expect(ops(chains)).toEqual(['alloc 0 168 @1', 'alloc 1 1536 @0', 'free 1 @3', 'free 0 @1']);
    const old = imp(read('kmem-2.6.35.perf-trace.txt'));
    expect(old.format).toBe('ftrace');
    expect(ops(old)).toEqual(['alloc 0 8192 @0', 'alloc 1 64 @0', 'free 0 @1', 'free 1 @0']);
  });

  it('reads the NULL a kernel prints in every era as NULL', () => {
    for (const p of ['  (null)', '          (null)', '0000000000000000', '(nil)', '0x0', '0']) {
      const r = imp(`${ev(0, 'kmalloc', 'ptr=ff00 bytes_req=8')}\n${ev(0, 'kfree', `call_site=c1 ptr=${p}`)}\n`);
      expect([r.summary.nullFrees, r.summary.frees], p).toEqual([1, 0]);
    }
  });

  it('skips and counts a line that names a kmem event but cannot be read, quoting it whole', () => {
    const bad = ev(1, 'kmalloc', 'call_site=f ptr=ffzz bytes_req=8');
    const text = [ev(0, 'kmalloc', 'ptr=ff00 bytes_req=8'), bad, ev(0, 'kfree', 'ptr=ff00'), ''].join('\n');
    const r = imp(text);
    expect(r.summary.unreadable).toEqual({
      count: 1,
      first: [{ line: 2, why: 'kmalloc with ptr=ffzz, not a pointer', text: `'${bad.trim()}'` }],
    });
    expect(ops(r)).toEqual(['alloc 0 8 @0', 'free 0 @0']);
    const e = (() => {
      try {
        imp(text, undefined, true);
      } catch (x) {
        return x as ParseError;
      }
    })();
    expect(e).toBeInstanceOf(ParseError);
    expect(e?.message).toBe(`t.txt:2: kmalloc with ptr=ffzz, not a pointer (--strict), got '${bad.trim()}'`);
  });

  it('replays random alloc/free events: every op on the CPU traced, no pointer confused', () => {
    const steps = fc.array(fc.tuple(fc.boolean(), fc.nat(100), fc.integer({ min: 1, max: 9000 }), fc.nat(7)), {
      minLength: 1,
      maxLength: 120,
    });
    fc.assert(
      fc.property(steps, fc.boolean(), (s, hashed) => {
        const lines: string[] = [];
        const live: number[] = [];
        let next = 0x1000;
        let allocs = 0;
        const hex = (p: number) =>
          hashed ? p.toString(16).padStart(16, '0') : `ffff8881${p.toString(16).padStart(8, '0')}`;
        for (const [alloc, pick, bytes, cpu] of s) {
          if (alloc || live.length === 0) {
            lines.push(
              ev(
                cpu,
                allocs % 2 ? 'kmem_cache_alloc' : 'kmalloc',
                `call_site=f+0x1/0x2 ptr=${hex(next)} bytes_req=${bytes} bytes_alloc=${bytes}`,
              ),
            );
            live.push(next);
            next += 0x40;
            allocs++;
          } else {
            const [p] = live.splice(pick % live.length, 1);
            lines.push(ev(cpu, 'kfree', `call_site=g ptr=${hex(p)}`));
          }
        }
        const r = imp(lines.join('\n') + '\n');
        const o = opsOf(r.ops);
        expect(o.filter((op) => op.kind === 'alloc')).toHaveLength(allocs);
        expect(o.length).toBe(lines.length);
        expect(r.summary.unknownFrees + r.summary.impliedFrees).toBe(0);
        expect(o.map((op) => op.cpu)).toEqual(s.map(([, , , cpu]) => cpu));
        expect(Array.from(r.ops.kind.subarray(0, r.ops.produced)).filter((k) => k === K_ALLOC)).toHaveLength(allocs);
      }),
    );
  });
});
