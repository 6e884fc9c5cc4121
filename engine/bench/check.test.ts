import { describe, expect, it } from 'vitest';
import { createAllocator } from '../allocators/registry';
import { checkReference, checkRun, mergeRuns, referenceRun } from './check';
import { BENCH_NTA, OP_FREE, recordChurn, replay, type OpStream } from './op-stream';

function copy(s: OpStream): OpStream {
  return { ...s, kind: s.kind.slice(), cpu: s.cpu.slice(), id: s.id.slice(), bytes: s.bytes.slice() };
}

function timedReplay(s: OpStream) {
  const a = createAllocator(BENCH_NTA, 1);
  return replay(s, new Float64Array(s.ids).fill(-1), 0, s.length, a.alloc.bind(a), a.free.bind(a));
}

describe('checkRun', () => {
  const [good] = recordChurn(5000, 3);
  const ref = referenceRun(BENCH_NTA, [good]);

  it('passes a correct stream replayed on NTA', () => {
    expect(checkReference(BENCH_NTA, ref)).toEqual([]);
    expect(checkRun('nta inline', 1, [timedReplay(good)], ref)).toEqual([]);
  });

  it('fails a stream with one wrong-size free, naming the contender and the run', () => {
    const bad = copy(good);
    const i = bad.kind.findIndex((k, j) => k === OP_FREE && j < bad.length);
    bad.bytes[i] += 1;
    const problems = checkRun('nta inline', 2, [timedReplay(bad)], ref);
    expect(problems).toContain('nta inline, run 2: 1 rejected frees, expected 0');
  });

  it('fails size-0 frees (the old stream) on rejected frees', () => {
    const bad = copy(good);
    for (let i = 0; i < bad.length; i++) if (bad.kind[i] === OP_FREE) bad.bytes[i] = 0;
    const got = timedReplay(bad);
    expect(got.errors).toBeGreaterThan(1000);
    expect(checkRun('nta inline', 1, [got], ref)[0]).toMatch(/^nta inline, run 1: \d+ rejected frees, expected 0$/);
  });

  it('fails a run whose failed allocations or ops differ from the inline run, per CPU', () => {
    const refs = [
      { ops: 10, failed: 2, errors: 0 },
      { ops: 10, failed: 0, errors: 0 },
    ];
    const got = [
      { ops: 10, failed: 2, errors: 0 },
      { ops: 9, failed: 1, errors: 0 },
    ];
    expect(checkRun('pow2 2 workers free-running', 3, got, refs)).toEqual([
      'pow2 2 workers free-running, run 3, cpu 1: 1 failed allocations, the inline run of the same stream has 0',
      'pow2 2 workers free-running, run 3, cpu 1: 9 ops executed, the inline run of the same stream ran 10',
    ]);
  });
});

describe('mergeRuns', () => {
  it('merges the same difference of several runs into one line and keeps the rest in order', () => {
    expect(
      mergeRuns([
        'nta inline, run 0: 3 rejected frees, expected 0',
        'nta inline, run 1: 3 rejected frees, expected 0',
        'inline nta:blog, stream 0: 3 rejected frees (op 7 wrong-size), expected 0',
        'nta inline, run 2: 3 rejected frees, expected 0',
        'pow2 2 workers free-running, run 1, cpu 1: 2 rejected frees, expected 0',
        'pow2 2 workers free-running, run 3, cpu 1: 2 rejected frees, expected 0',
        'pow2 2 workers free-running, run 3, cpu 0: 1 rejected frees, expected 0',
      ]),
    ).toEqual([
      'nta inline, runs 0-2: 3 rejected frees, expected 0',
      'inline nta:blog, stream 0: 3 rejected frees (op 7 wrong-size), expected 0',
      'pow2 2 workers free-running, runs 1, 3, cpu 1: 2 rejected frees, expected 0',
      'pow2 2 workers free-running, run 3, cpu 0: 1 rejected frees, expected 0',
    ]);
  });
});
