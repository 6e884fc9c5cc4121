import { describe, expect, it } from 'vitest';
import { AllocError } from '../core/types';
import { Rng } from './rng';
import { createSeedExample, createSeedFragmentation, createSeedStress } from './seed-workloads';
import { drive } from './test-util';

describe('seed-example', () => {
  it('is exactly: alloc 120, 200, 70 (ids 0, 1, 2) on CPU 0; free 0, 2, 1', () => {
    expect(drive(createSeedExample(), 100).ops).toEqual([
      { kind: 'alloc', cpu: 0, id: 0, bytes: 120 },
      { kind: 'alloc', cpu: 0, id: 1, bytes: 200 },
      { kind: 'alloc', cpu: 0, id: 2, bytes: 70 },
      { kind: 'free', cpu: 0, id: 0, bytes: 0 },
      { kind: 'free', cpu: 0, id: 2, bytes: 0 },
      { kind: 'free', cpu: 0, id: 1, bytes: 0 },
    ]);
  });

  it('stays on CPU 0 whatever cpus is, and honours ops', () => {
    expect(drive(createSeedExample({ cpus: 4 }), 100).ops.every((op) => op.cpu === 0)).toBe(true);
    expect(drive(createSeedExample({ ops: 2 }), 100).ops).toHaveLength(2);
  });
});

describe('seed-fragmentation', () => {
  const failAbove =
    (threshold: number) =>
    (op: { bytes: number }): number =>
      op.bytes > threshold ? AllocError.NoSpace : 0;

  it('halves MAX on each failure: stages 4096, 2048, 1024, 512, then ends', () => {
    const w = createSeedFragmentation({ seed: 11 });
    const maxSeen: number[] = [];
    const run = drive(w, 1e6, (op) => {
      maxSeen.push(w.annotate!()['max']);
      return failAbove(300)(op);
    });
    expect(w.failures.map((f) => f.max)).toEqual([4096, 2048, 1024, 512]);
    expect(w.next()).toBeNull();
    // The stream ends right after the fourth failure.
    const last = w.failures[3];
    expect(run.ops).toHaveLength(last.op + 1);
    for (const f of w.failures) {
      const op = run.ops[f.op];
      expect(op.bytes).toBe(f.bytes);
      expect(f.bytes).toBeGreaterThan(300);
      expect(f.bytes).toBeLessThanOrEqual(f.max);
      expect(run.outcomes[f.op]).toBeLessThan(0);
    }
    // Exactly the recorded ops failed, and every op was drawn with its stage's MAX.
    expect(run.outcomes.flatMap((o, i) => (o < 0 ? [i] : []))).toEqual(w.failures.map((f) => f.op));
    run.ops.forEach((op, i) => {
      expect(op.bytes).toBeGreaterThanOrEqual(1);
      expect(op.bytes).toBeLessThanOrEqual(maxSeen[i]);
      expect(op).toMatchObject({ kind: 'alloc', cpu: 0, id: i });
    });
  });

  it('draws one u per op index: bytes_i = 1 + floor(u_i * MAX at op i)', () => {
    const a = createSeedFragmentation({ seed: 5 });
    const b = createSeedFragmentation({ seed: 5 });
    const maxA: number[] = [];
    const maxB: number[] = [];
    const runA = drive(a, 5000, (op) => {
      maxA.push(a.max);
      return failAbove(4096)(op);
    });
    const runB = drive(b, 5000, (op) => {
      maxB.push(b.max);
      return failAbove(200)(op);
    });
    const rng = new Rng(5);
    for (let i = 0; i < 5000; i++) {
      const u = rng.nextFloat();
      if (i < runA.ops.length) expect(runA.ops[i].bytes).toBe(1 + Math.floor(u * maxA[i]));
      if (i < runB.ops.length) expect(runB.ops[i].bytes).toBe(1 + Math.floor(u * maxB[i]));
    }
    expect(a.failures).toEqual([]);
    expect(runA.ops).toHaveLength(5000);
    expect(b.failures.length).toBe(4);
  });

  it("dist 'small' maps u to 1 + floor(u^2 * MAX)", () => {
    const w = createSeedFragmentation({ seed: 8, dist: 'small', ops: 20000 });
    const rng = new Rng(8);
    const run = drive(w, 1e6);
    expect(run.ops).toHaveLength(20000);
    let sum = 0;
    for (const op of run.ops) {
      const u = rng.nextFloat();
      expect(op.bytes).toBe(1 + Math.floor(u * u * 4096));
      sum += op.bytes;
    }
    expect(sum / run.ops.length).toBeGreaterThan(4096 / 3 - 60);
    expect(sum / run.ops.length).toBeLessThan(4096 / 3 + 60);
  });

  it('goes round-robin over CPUs: op i on CPU i % cpus', () => {
    const run = drive(createSeedFragmentation({ cpus: 3, ops: 30 }), 100);
    expect(run.ops.map((op) => op.cpu)).toEqual(Array.from({ length: 30 }, (_, i) => i % 3));
  });

  it('honours max/minMax, halves MAX at each failure, and rejects minMax > max', () => {
    const w = createSeedFragmentation({ max: 1000, minMax: 250 });
    drive(w, 1e6, failAbove(100));
    expect(w.failures.map((f) => f.max)).toEqual([1000, 500, 250]);
    const v = createSeedFragmentation({ seed: 2 });
    v.next();
    v.result(0);
    const bytes = v.next()?.bytes;
    v.result(AllocError.NoSpace);
    expect(v.failures).toEqual([{ op: 1, bytes, max: 4096 }]);
    expect(v.max).toBe(2048);
    expect(() => createSeedFragmentation({ max: 256 })).toThrow(/minMax \(512\) must not exceed max \(256\)/);
  });
});

describe('seed-stress', () => {
  it('allocates until liveLimit, then frees the oldest half, and repeats', () => {
    const run = drive(createSeedStress({ liveLimit: 10, freeFraction: 0.5, ops: 40 }), 100);
    const kinds = run.ops.map((op) => (op.kind === 'alloc' ? 'a' : 'f')).join('');
    expect(kinds).toBe('aaaaaaaaaa' + 'fffff' + 'aaaaa' + 'fffff' + 'aaaaa' + 'fffff' + 'aaaaa');
    // Oldest first: the k-th free frees the k-th allocation (slots are reused, compare by position).
    const allocs = run.ops.filter((op) => op.kind === 'alloc').map((op) => op.id);
    expect(run.ops.filter((op) => op.kind === 'free').map((op) => op.id)).toEqual(allocs.slice(0, 15));
  });

  it('starts freeing at an allocation failure and never frees a failed id', () => {
    const budget = 50000;
    const run = drive(createSeedStress({ seed: 3, ops: 20000 }), 1e6, (op, live) =>
      live + op.bytes > budget ? AllocError.NoSpace : 0,
    );
    expect(run.ops).toHaveLength(20000);
    // Name each allocation by its number (slots are reused): a free names the slot's current one.
    const nth: number[] = [];
    const slotOf = new Map<number, number>();
    let k = 0;
    for (const op of run.ops) {
      if (op.kind === 'alloc') slotOf.set(op.id, k++);
      nth.push(slotOf.get(op.id) ?? -1);
    }
    const failed = new Set(run.ops.flatMap((op, i) => (op.kind === 'alloc' && run.outcomes[i] < 0 ? [nth[i]] : [])));
    expect(failed.size).toBeGreaterThan(10);
    // Every failure is followed by a free (there was something live to free).
    run.ops.forEach((op, i) => {
      if (op.kind === 'alloc' && run.outcomes[i] < 0 && i + 1 < run.ops.length) {
        expect(run.ops[i + 1].kind).toBe('free');
      }
      if (op.kind === 'free') expect(failed.has(nth[i])).toBe(false);
      expect(op.cpu).toBe(0);
      expect(op.bytes).toBeLessThanOrEqual(4096);
    });
    // Frees come oldest first: in allocation order.
    const freed = run.ops.flatMap((op, i) => (op.kind === 'free' ? [nth[i]] : []));
    expect(freed).toEqual([...freed].sort((x, y) => x - y));
  });

  it('ends at 200000 ops by default', () => {
    expect(drive(createSeedStress({ liveLimit: 1000 }), 1e6).ops).toHaveLength(200000);
  });
});
