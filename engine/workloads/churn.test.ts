import { describe, expect, it } from 'vitest';
import { AllocError } from '../core/types';
import { createChurn } from './churn';
import { OpBuffer } from '../core/op-buffer';
import { SLOT_QUARANTINE } from './support';
import { drive, opsOf } from './test-util';

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
    // Produce one period at a time and read the period's allocation probability.
    const buf = OpBuffer.create({ capacity: 60000, shared: false });
    buf.beginProducing();
    const perPeriod: number[] = [];
    for (let p = 0; p < 60; p++) {
      buf.reserve(1000);
      expect(w.produce(buf, 1000)).toBe(1000);
      perPeriod.push(w.allocP);
    }
    expect(perPeriod.slice(0, 5).every((p) => p === 0.75)).toBe(true);
    const flips = perPeriod.slice(1).filter((p, i) => p !== perPeriod[i]).length;
    expect(flips).toBeGreaterThan(10);
    expect(new Set(perPeriod)).toEqual(new Set([0.75, 0.25]));
  });

  it('is the same stream whatever the allocator answers: a failed allocation is freed (and skipped) like any other', () => {
    let n = 0;
    const failing = drive(createChurn({ seed: 9, ops: 50000, max: 64 }), 1e6, () =>
      n++ % 3 === 0 ? AllocError.NoSpace : 0,
    );
    const ok = drive(createChurn({ seed: 9, ops: 50000, max: 64 }), 1e6);
    expect(failing.ops).toEqual(ok.ops);
    expect(failing.outcomes.filter((o) => o === -100).length).toBeGreaterThan(1000);
  });

  it('reuses freed slots, so slot numbers stay below the peak live count plus the quarantine', () => {
    const run = drive(createChurn({ seed: 3, ops: 200000 }), 1e6);
    let live = 0;
    let peak = 0;
    for (const op of run.ops) {
      live += op.kind === 'alloc' ? 1 : -1;
      peak = Math.max(peak, live);
    }
    const slots = run.ops.reduce((m, o) => Math.max(m, o.id), 0) + 1;
    expect(slots).toBeGreaterThan(peak);
    expect(slots).toBeLessThanOrEqual(peak + SLOT_QUARANTINE + 1);
    // A slot is reused only after SLOT_QUARANTINE other frees.
    const freedAt = new Map<number, number>();
    let frees = 0;
    for (const op of run.ops) {
      if (op.kind === 'free') freedAt.set(op.id, frees++);
      else if (freedAt.has(op.id)) expect(frees - (freedAt.get(op.id) ?? 0)).toBeGreaterThan(SLOT_QUARANTINE);
    }
  });

  it('save() and restore() regenerate the same ops from any point', () => {
    const a = createChurn({ seed: 5, ops: 30000 });
    const buf = OpBuffer.create({ capacity: 30000, shared: false });
    buf.beginProducing();
    buf.reserve(30000);
    a.produce(buf, 12345);
    const state = a.save();
    a.produce(buf, 30000);
    const rest = opsOf(a);
    expect(rest).toHaveLength(0);
    const b = createChurn({ seed: 5, ops: 30000 });
    b.restore(state);
    const again = opsOf(b);
    const whole = opsOf(createChurn({ seed: 5, ops: 30000 }));
    expect(again).toEqual(whole.slice(12345));
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
    expect(opsOf(createChurn({ period: 100000 }))).toHaveLength(1000000);
  });
});
