import { describe, expect, it } from 'vitest';
import { FAILURES_FIRST, FAILURES_LAST, FailureLog, type Failure } from './records';

const f = (op: number, code = -3): Failure => ({ op, cpu: op % 4, bytes: op, code, largest: 64, utilisation: 0.5 });

describe('FailureLog', () => {
  it('keeps every failure while there are few, with its fields', () => {
    const log = new FailureLog();
    log.push({ ...f(5), max: 4096 });
    log.push(f(9, -4));
    expect(log.count).toBe(2);
    expect(log.list()).toEqual([{ ...f(5), max: 4096 }, f(9, -4)]);
    expect([...log.counts()]).toEqual([
      [-3, 1],
      [-4, 1],
    ]);
  });

  it('counts millions but keeps the first and the last ones: memory does not grow', () => {
    const log = new FailureLog();
    const n = 1_000_000;
    for (let i = 0; i < n; i++) log.push(f(i));
    expect(log.count).toBe(n);
    const l = log.list();
    expect(l).toHaveLength(FAILURES_FIRST + FAILURES_LAST);
    expect(l[0].op).toBe(0);
    expect(l[FAILURES_FIRST - 1].op).toBe(FAILURES_FIRST - 1);
    expect(l[FAILURES_FIRST].op).toBe(n - FAILURES_LAST);
    expect(l[l.length - 1].op).toBe(n - 1);
    expect(log.nth(FAILURES_FIRST + 5)).toBeNull();
    expect(log.tail(3).map((x) => x.op)).toEqual([n - 3, n - 2, n - 1]);
    expect(log.head(2).map((x) => x.op)).toEqual([0, 1]);
  });

  it('save/restore round-trips, and merge counts what it cannot keep', () => {
    const a = new FailureLog();
    for (let i = 0; i < 3000; i++) a.push(f(i, i % 2 ? -3 : -4));
    const b = new FailureLog();
    b.restore(a.save());
    expect(b.list()).toEqual(a.list());
    expect(b.count).toBe(3000);
    const m = new FailureLog();
    m.merge(a.save());
    m.merge(a.save());
    expect(m.count).toBe(6000);
    expect(m.counts().get(-3)).toBe(3000);
    expect(m.counts().get(-4)).toBe(3000);
  });
});
