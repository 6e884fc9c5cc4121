import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { F_IMPLIED, F_TRACE_FAILED } from '../core/op-buffer';
import { importText, type ImportResult } from '../import/import';
import { opsOf } from './trace';
import type { Op } from './types';

const read = (name: string): string => readFileSync(new URL(`../data/traces/${name}`, import.meta.url), 'utf8');
const imp = (text: string): ImportResult => importText(text, { fileName: 't.txt', format: 'valgrind' });
const brief = (r: ImportResult): string[] =>
  opsOf(r.ops).map((op) => `${op.kind} ${op.id}${op.kind === 'alloc' ? ` ${op.bytes}` : ''}`);
const vg = (...lines: string[]): string =>
  `==42== Memcheck, a memory error detector\n==42== Command: prog\n${lines.map((l) => `--42-- ${l}`).join('\n')}\n`;

/** valgrind's own HEAP SUMMARY of each process image: allocs, frees and bytes allocated. */
function heapSummaries(text: string): { pid: number; allocs: number; frees: number; bytes: number }[] {
  const num = (s: string) => Number(s.replace(/,/g, ''));
  return [
    ...text.matchAll(/==(\d+)== {3}total heap usage: ([\d,]+) allocs, ([\d,]+) frees, ([\d,]+) bytes allocated/g),
  ].map((m) => ({ pid: Number(m[1]), allocs: num(m[2]), frees: num(m[3]), bytes: num(m[4]) }));
}

describe('valgrind --trace-malloc=yes logs made here', () => {
  it.each([
    'ls.valgrind.txt',
    'git-log.valgrind.txt',
    'python3.valgrind.txt',
    'sort.valgrind.txt',
    'pipeline.valgrind.txt',
    'prog.valgrind.txt',
  ])("%s: each process's allocs, frees and bytes equal valgrind's HEAP SUMMARY", (name) => {
    const text = read(name);
    const r = imp(text);
    const images = (r.summary.processList ?? []).filter((p) => p.command !== null);
    const heap = heapSummaries(text);
    expect(heap.length).toBeGreaterThan(0);
    expect(
      images
        .map((p) => ({ pid: p.pid, allocs: p.allocations, frees: p.frees, bytes: p.bytesRequested }))
        .sort((a, b) => a.pid - b.pid),
    ).toEqual(heap.sort((a, b) => a.pid - b.pid));
    expect(r.summary.unreadable.count).toBe(0);
    expect(r.summary.unknownFrees).toBe(0);
  });

  it('sort.valgrind.txt: the malloc cut by "set address range perms" gets its result from the next line', () => {
    const r = imp(read('sort.valgrind.txt'));
    expect(r.summary.largestRequest).toBe(356778272);
    const i = opsOf(r.ops).findIndex((op) => op.kind === 'alloc' && op.bytes === 0xffffffff);
    expect(i).toBeLessThan(0); // 340 MiB fits in 32 bits: stored as is
    expect(Array.from(r.ops.size.subarray(0, r.ops.produced))).toContain(356778272);
  });

  it("pipeline.valgrind.txt: lines joined mid-line, forked children freeing their parent's blocks, exec", () => {
    const r = imp(read('pipeline.valgrind.txt'));
    const s = r.summary;
    expect(s.processes).toBe(4);
    const forked = (s.processList ?? []).filter((p) => p.command === null);
    expect(forked.map((p) => [p.pid, p.forkedFrom, p.inheritedFrees])).toEqual([
      [6538, 6535, 2],
      [6537, 6535, 2],
      [6539, 6535, 2],
    ]);
    expect(s.inheritedFrees).toBe(6);
    // Each forked child's own allocations before its exec end with the exec: implied frees.
    expect(s.impliedFrees).toBe(forked.reduce((n, p) => n + p.allocations - p.frees, 0));
  });

  it("memcheck-errors.valgrind.txt: the realloc an error report cuts, valgrind's own counts", () => {
    const text = read('memcheck-errors.valgrind.txt');
    const r = imp(text);
    const s = r.summary;
    const [heap] = heapSummaries(text);
    // valgrind counts the failed realloc of a freed block as an alloc (of 64 bytes) and a free.
    expect(heap).toEqual({ pid: 6897, allocs: 3, frees: 3, bytes: 112 });
    expect([s.allocations + s.failedAllocations, s.frees + s.unknownFrees]).toEqual([3, 3]);
    expect(s.bytesRequested + 64).toBe(112);
    expect(brief(r)).toEqual(['alloc 0 32', 'free 0', 'alloc 1 64', 'free 1', 'alloc 2 16', 'free 2']);
    expect(Array.from(r.ops.flags.subarray(0, 6)).map((f) => f & F_TRACE_FAILED)).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it('prog.valgrind.txt: memalign, posix_memalign and aligned_alloc keep their alignment; the 2^62 malloc fails', () => {
    const r = imp(read('prog.valgrind.txt'));
    const aligned = opsOf(r.ops)
      .map((op, i) => ({ op, align: r.ops.align[i] }))
      .filter((x) => x.align > 0)
      .map((x) => [x.op.bytes, 2 ** x.align]);
    expect(aligned).toEqual([
      [100, 64],
      [40, 256],
      [96, 32],
    ]);
    expect(r.summary.failedAllocations).toBe(1);
    expect(r.summary.largestRequest).toBe(2 ** 62);
  });
});

describe('valgrind lines', () => {
  it('calloc, realloc (NULL, moving, to 0), memalign, new/delete (mangled), free(0x0), failures, other calls', () => {
    const r = imp(
      vg(
        'calloc(4,25) = 0x1000',
        'realloc(0x0,16)malloc(16) = 0x2000',
        'realloc(0x2000,64) = 0x3000',
        'realloc(0x1000,0)free(0x1000)',
        ' = 0',
        'memalign(al 64, size 100) = 0x4000',
        '_ZnwmSt11align_val_t(size 48, al 32) = 0x5000',
        '_Znwm(24) = 0x6000',
        '_Znam(0) = 0x7000',
        'malloc_usable_size(0x6000) = 24',
        'malloc(99999999) = 0x0',
        'realloc(0x3000,99999999) = 0x0',
        'free(0x0)',
        'Reading syms from /usr/bin/prog',
        '_ZdlPvm(0x6000)',
        '_ZdaPv(0x7000)',
        '_ZdlPvSt11align_val_t(0x5000)',
        'free(0x4000)',
        'cfree(0x3000)',
      ) + 'program output, skipped\n',
    );
    expect(brief(r)).toEqual([
      'alloc 0 100',
      'alloc 1 16',
      'free 1',
      'alloc 2 64',
      'free 0',
      'alloc 3 100',
      'alloc 4 48',
      'alloc 5 24',
      'alloc 6 1',
      'alloc 7 99999999',
      'free 7',
      'alloc 8 99999999',
      'free 8',
      'free 5',
      'free 6',
      'free 4',
      'free 3',
      'free 2',
    ]);
    const s = r.summary;
    expect([s.allocations, s.frees, s.reallocs, s.failedAllocations, s.nullFrees]).toEqual([7, 7, 1, 2, 1]);
    expect(s.skipped).toContainEqual({ reason: 'other call', lines: 1 });
    expect(s.skipped).toContainEqual({ reason: 'program output', lines: 1 });
  });

  it('a free of an address not live is counted, not an error; an alloc at a live address implies its free', () => {
    const r = imp(
      vg('malloc(8) = 0x10', 'free(0x20)', 'free(0x10)', 'free(0x10)', 'malloc(8) = 0x30', 'malloc(4) = 0x30'),
    );
    expect(r.summary.unknownFrees).toBe(2);
    expect(brief(r)).toEqual(['alloc 0 8', 'free 0', 'alloc 1 8', 'free 1', 'alloc 2 4']);
    expect(r.ops.flags[3] & F_IMPLIED).toBe(F_IMPLIED);
  });

  it('splits a line two processes wrote into, and gives a bare result to the call it cut', () => {
    const text = [
      '==1== Memcheck, a memory error detector',
      '==1== Command: sh',
      '--1-- malloc(8) = 0x10',
      '--2-- malloc(5)--3-- free(0x10)',
      '--1-- malloc(7) = 0x20',
      ' = 0x40',
      '--2-- free(0x40)',
      '',
    ].join('\n');
    const r = imp(text);
    // 2 and 3 are forks of 1: 3 frees its copy of 0x10 (inherited: not replayed); 2's malloc(5) is 0x40.
    expect(brief(r)).toEqual(['alloc 0 8', 'alloc 1 7', 'alloc 2 5', 'free 2']);
    expect(r.summary.inheritedFrees).toBe(1);
    expect(r.summary.processes).toBe(3);
  });

  it('reports a call whose result never comes, and one an error report cut short, as unreadable', () => {
    const r = imp(vg('malloc(8) = 0x10', 'free(0xIL))', 'malloc(9)', 'malloc(10) = 0x20', 'free(0x10)'));
    expect(r.summary.unreadable.first.map((u) => [u.line, u.why])).toEqual([
      [4, "free(0xIL): expected 'free(0xADDRESS)'"],
      [5, 'malloc(...) without its result'],
    ]);
    expect(brief(r)).toEqual(['alloc 0 8', 'alloc 1 10', 'free 0']);
  });

  it('refuses a log that is mostly unreadable calls as not valgrind', () => {
    expect(() => imp(vg('malloc(x) = 0x10', 'malloc(y) = 0x20', 'free(0x10)'))).toThrow(
      /^t\.txt:3: not valgrind: 2 of 3 lines that look like valgrind events could not be read/,
    );
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
            ops.push({ kind: 'free', cpu: 0, id: b.id, bytes: 0 });
            lines.push(`--7-- free(${hex(b.addr)})`);
          }
          if (pick % 7 === 0) lines.push('program output');
        }
        expect(opsOf(imp(lines.join('\n')).ops)).toEqual(ops);
      }),
    );
  });
});
