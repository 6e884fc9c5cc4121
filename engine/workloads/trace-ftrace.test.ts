import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from './parse-error';
import { replayStream } from './replay';
import { drive, parseErrorOf, toDense } from './test-util';
import { parseFtrace } from './trace-ftrace';

const read = (name: string): string => readFileSync(new URL(`../data/traces/${name}`, import.meta.url), 'utf8');

const errorOf = (text: string, cpus?: number): ParseError =>
  parseErrorOf(() => parseFtrace(text, 't.txt', cpus), ParseError);

const ev = (cpu: number, event: string, fields: string): string =>
  `           bash-2101    [${String(cpu).padStart(3, '0')}] .....    12.600210: ${event}: ${fields}`;

describe('parseFtrace', () => {
  it('parses kmem.ftrace.txt: old, new and perf script lines; CPU from [NNN]; skips unknown frees, NULL and other events', () => {
    const r = parseFtrace(read('kmem.ftrace.txt'), 'kmem.ftrace.txt');
    expect(r.ops).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 29 },
      { kind: 'alloc', cpu: 0, id: 1, bytes: 192 },
      { kind: 'free', cpu: 0, id: 0, bytes: 0 },
      { kind: 'alloc', cpu: 2, id: 2, bytes: 320 },
      { kind: 'alloc', cpu: 2, id: 3, bytes: 232 },
      { kind: 'free', cpu: 3, id: 2, bytes: 0 },
      { kind: 'free', cpu: 3, id: 3, bytes: 0 },
      { kind: 'alloc', cpu: 1, id: 4, bytes: 4096 },
      { kind: 'alloc', cpu: 1, id: 5, bytes: 64 },
      { kind: 'alloc', cpu: 1, id: 6, bytes: 28 },
      { kind: 'free', cpu: 2, id: 6, bytes: 0 },
      { kind: 'alloc', cpu: 2, id: 7, bytes: 30 },
      { kind: 'alloc', cpu: 3, id: 8, bytes: 1024 },
      { kind: 'alloc', cpu: 3, id: 9, bytes: 64 },
      { kind: 'free', cpu: 0, id: 8, bytes: 0 },
      { kind: 'free', cpu: 1, id: 9, bytes: 0 },
    ]);
    // kfree of c0ffee00 and of anon_vma_chain ffff888100bcd880 (allocated before tracing), kfree(ZERO_SIZE_PTR).
    expect(r.skippedFrees).toBe(3);
    expect(r.implicitFrees).toBe(0);
    expect(parseFtrace(read('kmem.ftrace.txt'), 'kmem.ftrace.txt', 4).ops).toEqual(r.ops);
    expect(toDense(drive(replayStream('kmem', r.ops), 1e6).ops)).toEqual(r.ops);
  });

  it('treats an alloc at a live pointer as the untraced free of the old object', () => {
    const r = parseFtrace(
      [ev(0, 'kmalloc', 'ptr=ff00 bytes_req=8'), ev(1, 'kmalloc', 'ptr=0xFF00 bytes_req=16')].join('\n'),
      't.txt',
    );
    expect(r.ops).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 8 },
      { kind: 'free', cpu: 1, id: 0, bytes: 0 },
      { kind: 'alloc', cpu: 1, id: 1, bytes: 16 },
    ]);
    expect(r.implicitFrees).toBe(1);
  });

  it.each<[string, string, number | undefined, string]>([
    [
      'an event on a CPU >= cpus (suggesting enough CPUs for the whole trace)',
      `${ev(0, 'kmalloc', 'ptr=ff00 bytes_req=8')}\n${ev(5, 'kfree', 'ptr=ff00')}\n${ev(7, 'kfree', 'ptr=ee00')}\n`,
      4,
      "t.txt:2: event on CPU 5, but there are 4 CPUs: the trace uses CPUs 0 to 7, run with --cpus 8, got 'bash-2101    [005] .....    12.600210: kfree: ptr=ff00'",
    ],
    [
      'a line that is no event',
      `${ev(0, 'kmalloc', 'ptr=ff00 bytes_req=8')}\nhello\n`,
      undefined,
      "t.txt:2: expected an ftrace event line 'TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS', got 'hello'",
    ],
    [
      'a kmalloc without bytes_req',
      `# c\n${ev(0, 'kmalloc', 'ptr=ff00 bytes_alloc=8')}\n`,
      undefined,
      "t.txt:2: expected kmalloc with 'bytes_req=N' (N a non-negative integer below 2^53), got 'bash-2101    [000] .....    12.600210: kmalloc: ptr=ff00 ...'",
    ],
    [
      'a kfree without ptr',
      ev(0, 'kfree', 'call_site=c104dd80'),
      undefined,
      "t.txt:1: expected kfree with 'ptr=HEX' or 'ptr=(null)', got 'bash-2101    [000] .....    12.600210: kfree: call_site=c...'",
    ],
    [
      'events but no kmem alloc',
      ev(0, 'sched_switch', 'prev_comm=ls'),
      undefined,
      't.txt:1: expected kmalloc / kmem_cache_alloc events, found none: enable the kmem events (events/kmem/enable) before tracing',
    ],
  ])('rejects %s with file:line', (_what, text, cpus, message) => {
    const e = errorOf(text, cpus);
    expect(e.message).toBe(message);
    expect(e.line).toBe(Number(message.split(':')[1]));
  });

  it('replays random alloc/free events: every op where it was traced, no id freed twice', () => {
    const steps = fc.array(fc.tuple(fc.boolean(), fc.nat(100), fc.integer({ min: 1, max: 9000 }), fc.nat(7)), {
      minLength: 1,
      maxLength: 120,
    });
    fc.assert(
      fc.property(steps, (s) => {
        const lines: string[] = [];
        const live: number[] = [];
        let next = 0x1000;
        let allocs = 0;
        for (const [alloc, pick, bytes, cpu] of s) {
          if (alloc || live.length === 0) {
            lines.push(
              ev(
                cpu,
                allocs % 2 ? 'kmem_cache_alloc' : 'kmalloc',
                `call_site=f+0x1/0x2 ptr=${next.toString(16)} bytes_req=${bytes} bytes_alloc=${bytes}`,
              ),
            );
            live.push(next);
            next += 0x40;
            allocs++;
          } else {
            const [p] = live.splice(pick % live.length, 1);
            lines.push(ev(cpu, 'kfree', `call_site=g ptr=${p!.toString(16)}`));
          }
        }
        const r = parseFtrace(lines.join('\n'), 'rt.txt', 8);
        expect(r.ops.filter((op) => op.kind === 'alloc')).toHaveLength(allocs);
        expect(r.ops.length).toBe(lines.length);
        expect(r.skippedFrees + r.implicitFrees).toBe(0);
        expect(r.ops.map((op) => op.cpu)).toEqual(s.map(([, , , cpu]) => cpu));
        drive(replayStream('rt', r.ops), 1e6);
      }),
    );
  });
});
