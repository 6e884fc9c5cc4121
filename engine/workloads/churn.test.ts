import { describe, expect, it } from 'vitest';
import { AllocError } from '../core/types';
import { createChurn } from './churn';
import { drive } from './test-util';

const CAPACITY = 4094 * 4096;

/** From the first op at which live bytes reach the target: the largest deviation and the mean deviation. */
function band(liveBytes: number[], target: number): { reachedAt: number; maxDev: number; meanDev: number } {
  const reachedAt = liveBytes.findIndex((b) => b >= target);
  let maxDev = 0;
  let sum = 0;
  for (let i = reachedAt; i < liveBytes.length; i++) {
    maxDev = Math.max(maxDev, Math.abs(liveBytes[i] - target));
    sum += liveBytes[i] - target;
  }
  return { reachedAt, maxDev, meanDev: sum / (liveBytes.length - reachedAt) };
}

describe('churn', () => {
  it.each([0.2, 0.5, 0.9])(
    'keeps live bytes within a tenth of capacity around target = %s (always-succeeding fake)',
    (target) => {
      const w = createChurn({ seed: 4, target, ops: 300000 });
      const run = drive(w, 1e6);
      expect(run.ops).toHaveLength(300000);
      const b = band(run.liveBytes, target * CAPACITY);
      expect(b.reachedAt).toBeGreaterThan(0);
      expect(b.reachedAt).toBeLessThan(40000);
      expect(b.maxDev).toBeLessThan(0.1 * CAPACITY);
      expect(Math.abs(b.meanDev)).toBeLessThan(0.01 * CAPACITY);
      // The generator's own count agrees with the fake's.
      expect(w.liveBytes).toBe(run.liveBytes[run.liveBytes.length - 1]);
    },
  );

  it('a shorter period gives a tighter band', () => {
    const wide = band(drive(createChurn({ seed: 1, ops: 100000 }), 1e6).liveBytes, 0.5 * CAPACITY);
    const tight = band(drive(createChurn({ seed: 1, ops: 100000, period: 50 }), 1e6).liveBytes, 0.5 * CAPACITY);
    expect(tight.maxDev).toBeLessThan(wide.maxDev / 4);
  });

  it('alternates filling and draining periods once at the target', () => {
    const w = createChurn({ seed: 2, ops: 60000, period: 1000 });
    const allocP: number[] = [];
    const run = drive(
      {
        name: w.name,
        next: () => {
          const op = w.next();
          if (op) allocP.push(w.annotate!()['allocP']);
          return op;
        },
        result: (op, outcome) => w.result(op, outcome),
      },
      1e6,
    );
    expect(run.ops).toHaveLength(60000);
    const perPeriod = allocP.filter((_, i) => i % 1000 === 0);
    expect(perPeriod.slice(0, 5).every((p) => p === 0.75)).toBe(true);
    const flips = perPeriod.slice(1).filter((p, i) => p !== perPeriod[i]).length;
    expect(flips).toBeGreaterThan(10);
    expect(new Set(perPeriod)).toEqual(new Set([0.75, 0.25]));
  });

  it('never frees an id whose alloc failed, nor one twice (drive() would throw)', () => {
    let n = 0;
    const run = drive(createChurn({ seed: 9, ops: 50000, max: 64 }), 1e6, () =>
      n++ % 3 === 0 ? AllocError.NoSpace : 0,
    );
    const failed = new Set(run.ops.filter((op, i) => op.kind === 'alloc' && run.outcomes[i] < 0).map((op) => op.id));
    expect(failed.size).toBeGreaterThan(1000);
    for (const op of run.ops) if (op.kind === 'free') expect(failed.has(op.id)).toBe(false);
  });

  it('sizes are 1..max, op i runs on CPU i % cpus, default length 1,000,000 ops', () => {
    const run = drive(createChurn({ seed: 6, cpus: 4, max: 100, ops: 5000 }), 1e6);
    run.ops.forEach((op, i) => {
      expect(op.cpu).toBe(i % 4);
      if (op.kind === 'alloc') {
        expect(op.bytes).toBeGreaterThanOrEqual(1);
        expect(op.bytes).toBeLessThanOrEqual(100);
      }
    });
    const w = createChurn({ period: 100000 });
    let count = 0;
    while (w.next() !== null) count++;
    expect(count).toBe(1000000);
  });
});
