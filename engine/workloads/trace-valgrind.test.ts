import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from './parse-error';
import { drive, parseErrorOf, toDense } from './test-util';
import { replayStream } from './replay';
import { parseValgrindTrace } from './trace-valgrind';
import type { Op } from './types';

const read = (name: string): string => readFileSync(new URL(`../data/traces/${name}`, import.meta.url), 'utf8');

const errorOf = (text: string): ParseError => parseErrorOf(() => parseValgrindTrace(text, 't.txt'), ParseError);

const vg = (...lines: string[]): string =>
  `==42== Memcheck, a memory error detector\n${lines.map((l) => `--42-- ${l}`).join('\n')}\n`;

describe('parseValgrindTrace', () => {
  it("parses ls.valgrind.txt: the counts of valgrind's own HEAP SUMMARY (233 allocs, 209 frees, 79,227 bytes)", () => {
    const ops = parseValgrindTrace(read('ls.valgrind.txt'), 'ls.valgrind.txt');
    const allocs = ops.filter((op) => op.kind === 'alloc');
    expect(allocs).toHaveLength(233);
    expect(ops.length - allocs.length).toBe(209);
    expect(allocs.reduce((s, op) => s + op.bytes, 0)).toBe(79227);
    expect(ops.slice(0, 6)).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 472 },
      { kind: 'alloc', cpu: 0, id: 1, bytes: 120 },
      { kind: 'alloc', cpu: 0, id: 2, bytes: 1024 },
      { kind: 'free', cpu: 0, id: 1, bytes: 0 },
      { kind: 'free', cpu: 0, id: 2, bytes: 0 },
      { kind: 'free', cpu: 0, id: 0, bytes: 0 },
    ]);
    expect(allocs.map((op) => op.id)).toEqual(Array.from({ length: 233 }, (_, i) => i));
    expect(ops.every((op) => op.cpu === 0)).toBe(true);
    expect(toDense(drive(replayStream('ls', ops), 1e6).ops)).toEqual(ops);
  });

  it('handles calloc, realloc (NULL, moving, to 0), memalign, new/delete (mangled), free(0x0), failed calls and skipped lines', () => {
    const text = [
      '==42== Command: prog',
      'program output, ignored',
      '--42-- calloc(4,25) = 0x1000',
      '--42-- realloc(0x0,16)malloc(16) = 0x2000',
      '--42-- realloc(0x2000,64) = 0x3000',
      '--42-- realloc(0x1000,0)free(0x1000)',
      '--42--  = 0',
      '--42-- memalign(al 64, size 100) = 0x4000',
      '--42-- _ZnwmSt11align_val_t(size 48, al 32) = 0x5000',
      '--42-- _Znwm(24) = 0x6000',
      '--42-- _Znam(0) = 0x7000',
      '--42-- malloc_usable_size(0x6000) = 24',
      '--42-- malloc(99999999) = 0x0',
      '--42-- realloc(0x3000,99999999) = 0x0',
      '--42-- free(0x0)',
      '--42-- Reading syms from /usr/bin/prog',
      '--42-- _ZdlPvm(0x6000)',
      '--42-- _ZdaPv(0x7000)',
      '--42-- _ZdlPvSt11align_val_t(0x5000)',
      '--42-- free(0x4000)',
      '--42-- cfree(0x3000)',
    ].join('\n');
    expect(parseValgrindTrace(text, 't.txt')).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 100 },
      { kind: 'alloc', cpu: 0, id: 1, bytes: 16 },
      { kind: 'free', cpu: 0, id: 1, bytes: 0 },
      { kind: 'alloc', cpu: 0, id: 2, bytes: 64 },
      { kind: 'free', cpu: 0, id: 0, bytes: 0 },
      { kind: 'alloc', cpu: 0, id: 3, bytes: 100 },
      { kind: 'alloc', cpu: 0, id: 4, bytes: 48 },
      { kind: 'alloc', cpu: 0, id: 5, bytes: 24 },
      { kind: 'alloc', cpu: 0, id: 6, bytes: 1 },
      { kind: 'free', cpu: 0, id: 5, bytes: 0 },
      { kind: 'free', cpu: 0, id: 6, bytes: 0 },
      { kind: 'free', cpu: 0, id: 4, bytes: 0 },
      { kind: 'free', cpu: 0, id: 3, bytes: 0 },
      { kind: 'free', cpu: 0, id: 2, bytes: 0 },
    ]);
  });

  it('keeps the heaps of different PIDs (a fork) apart, and matches addresses whatever their case', () => {
    const text = '--1-- malloc(8) = 0xAB0\n--2-- malloc(8) = 0xab0\n--2-- free(0xAB0)\n--1-- free(0xab0)\n';
    expect(parseValgrindTrace(text, 't.txt').map((op) => `${op.kind}${op.id}`)).toEqual([
      'alloc0',
      'alloc1',
      'free1',
      'free0',
    ]);
  });

  it.each<[string, string, string]>([
    [
      'a free of an address never allocated',
      vg('malloc(8) = 0x10', 'free(0x20)'),
      "t.txt:3: free of 0x20 that is not live (never allocated or freed already), got 'free(0x20)'",
    ],
    [
      'a double free',
      vg('malloc(8) = 0x10', 'free(0x10)', 'free(0x10)'),
      "t.txt:4: free of 0x10 that is not live (never allocated or freed already), got 'free(0x10)'",
    ],
    [
      'a realloc of a dead block',
      vg('realloc(0x30,8) = 0x40'),
      "t.txt:2: free of 0x30 that is not live (never allocated or freed already), got 'realloc(0x30,8) = 0x40'",
    ],
    [
      'an alloc at a live address',
      vg('malloc(8) = 0x10', 'malloc(8) = 0x10'),
      "t.txt:3: malloc returned 0x10, which is still live since line 2 (its free is missing), got 'malloc(8) = 0x10'",
    ],
    ['a malloc without its result', vg('malloc(8)'), "t.txt:2: expected 'malloc(...) = 0xADDRESS', got 'malloc(8)'"],
    [
      'a bad size',
      vg('malloc(x) = 0x10'),
      "t.txt:2: expected 'malloc(BYTES)' with BYTES a non-negative integer below 2^53, got 'malloc(x) = 0x10'",
    ],
    ['a bad pointer', vg('free(oops)'), "t.txt:2: expected 'free(P)' with P a 0x... address, got 'free(oops)'"],
    [
      'calloc with one argument',
      vg('calloc(8) = 0x10'),
      "t.txt:2: expected 'calloc(N,SIZE) = 0xADDRESS', got 'calloc(8) = 0x10'",
    ],
    [
      'valgrind output without --trace-malloc',
      '==42== Memcheck\nhello\n',
      "t.txt:1: expected valgrind '--PID-- malloc(N) = 0x...' lines, found none: was valgrind run with --trace-malloc=yes?",
    ],
    [
      'no valgrind output at all',
      'hello\n',
      "t.txt:1: expected valgrind --trace-malloc=yes output ('--PID-- malloc(N) = 0x...' lines), found none",
    ],
  ])('rejects %s with file:line', (_what, text, message) => {
    const e = errorOf(text);
    expect(e.message).toBe(message);
    expect(e.line).toBe(Number(message.split(':')[1]));
  });

  it('round-trips random malloc/free sequences printed as valgrind lines', () => {
    const steps = fc.array(fc.tuple(fc.boolean(), fc.nat(1000), fc.integer({ min: 1, max: 1 << 20 })), {
      minLength: 1,
      maxLength: 150,
    });
    fc.assert(
      fc.property(steps, fc.boolean(), (s, upper) => {
        const ops: Op[] = [];
        const lines: string[] = ['==7== Memcheck, a memory error detector', '==7== Command: prog'];
        const live: { id: number; addr: number }[] = [];
        let nextAddr = 0x4a00000;
        const hex = (a: number): string => `0x${upper ? a.toString(16).toUpperCase() : a.toString(16)}`;
        for (const [alloc, pick, bytes] of s) {
          if (alloc || live.length === 0) {
            const a = nextAddr;
            nextAddr += 16 * Math.ceil(bytes / 16) + 16;
            const id = ops.filter((op) => op.kind === 'alloc').length;
            ops.push({ kind: 'alloc', cpu: 0, id, bytes });
            live.push({ id, addr: a });
            lines.push(`--7-- malloc(${bytes}) = ${hex(a)}`);
          } else {
            const [b] = live.splice(pick % live.length, 1);
            ops.push({ kind: 'free', cpu: 0, id: b!.id, bytes: 0 });
            lines.push(`--7-- free(${hex(b!.addr)})`);
          }
          if (pick % 7 === 0) lines.push('program output');
        }
        expect(parseValgrindTrace(lines.join('\n'), 'rt.txt')).toEqual(ops);
      }),
    );
  });
});
