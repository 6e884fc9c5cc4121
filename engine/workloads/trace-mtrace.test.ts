import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { F_TRACE_FAILED, K_ALLOC, K_FREE } from '../core/op-buffer';
import { importText, type ImportResult } from '../import/import';
import { opsOf } from './trace';

const read = (name: string): string => readFileSync(new URL(`../data/traces/${name}`, import.meta.url), 'utf8');
const imp = (text: string): ImportResult => importText(text, { fileName: 't.mtrace', format: 'mtrace' });

/** The sizes of the blocks a buffer leaves live at its end (what mtrace's "Memory not freed" lists). */
function liveSizes(r: ImportResult): number[] {
  const live = new Map<number, number>();
  const b = r.ops;
  for (let i = 0; i < b.produced; i++) {
    if (b.kind[i] === K_ALLOC) live.set(b.slot[i], b.size[i]);
    else if (b.kind[i] === K_FREE) live.delete(b.slot[i]);
  }
  return [...live.values()].sort((x, y) => x - y);
}

describe('glibc mtrace logs', () => {
  it("prog.mtrace.txt (glibc 2.36): what is left live equals the mtrace script's report, and the failed malloc is counted", () => {
    const r = imp(read('prog.mtrace.txt'));
    const report = read('prog.mtrace.report.txt');
    const notFreed = [...report.matchAll(/^0x[0-9a-f]+\s+0x([0-9a-f]+)\s+at /gm)].map((m) => parseInt(m[1], 16));
    expect(notFreed).toEqual([0x30]);
    expect(liveSizes(r)).toEqual(notFreed);
    // The script reports frees of blocks it never saw allocated ("Free N was never alloc'd"): none here.
    expect(report).not.toMatch(/never alloc'd/);
    expect(r.summary.unknownFrees).toBe(0);
    const s = r.summary;
    // The same program under valgrind: 40 allocs, 39 frees (prog.valgrind.txt's HEAP SUMMARY).
    expect([s.allocations, s.frees, s.reallocs, s.failedAllocations]).toEqual([40, 39, 7, 1]);
    expect(s.largestRequest).toBe(2 ** 62);
    const failed = Array.from(r.ops.flags.subarray(0, r.ops.produced)).findIndex((f) => f & F_TRACE_FAILED);
    expect(r.sites[r.ops.site[failed]]).toBe('./prog:[0x12e0]');
    expect(s.callSites).toBeGreaterThan(10);
  });

  it('accepts lines without a caller, size 0, (nil), failed reallocs; counts frees of unknown blocks', () => {
    const r = imp(
      '= Start\n+ 0x10 0\n@ [0x1] - 0x99\n@ [0x1] + (nil) 0x1000\n@ [0x1] ! 0x10 0x2000\n@ [0x1] < 0x10\n@ [0x1] > 0x20 0x30\n= End\n',
    );
    expect(opsOf(r.ops).map((op) => `${op.kind} ${op.id} ${op.bytes}`)).toEqual([
      'alloc 0 1',
      'alloc 1 4096', // + (nil) 0x1000: failed, asked and returned
      'free 1 0',
      'alloc 2 8192', // ! 0x10 0x2000: the failed realloc
      'free 2 0',
      'free 0 0',
      'alloc 3 48',
    ]);
    expect([r.summary.unknownFrees, r.summary.failedAllocations, r.summary.reallocs]).toEqual([1, 2, 1]);
  });

  it("an alloc at a live address implies the old block's free; a bad line is skipped and quoted", () => {
    const r = imp('= Start\n@ ./p:[0x1] + 0x10 0x8\n@ ./p:[0x2] + 0x10 0x8\n@ ./p:[0x3] + 0x20 16\nhello\n');
    expect(r.summary.impliedFrees).toBe(1);
    expect(r.summary.unreadable.first).toEqual([
      { line: 4, why: "expected '+ 0xPTR 0xSIZE' (SIZE in hex)", text: "'@ ./p:[0x3] + 0x20 16'" },
    ]);
    expect(r.summary.skipped).toContainEqual({ reason: 'not an event', lines: 1 });
  });

  it('refuses a log without an allocation', () => {
    expect(() => imp('= Start\n= End\n')).toThrow(
      "t.mtrace:1: expected mtrace lines ('@ CALLER + 0xPTR 0xSIZE'), found no allocation",
    );
  });
});
