import { describe, expect, it } from 'vitest';
import type { AllocatorSpec } from '../allocators/registry';
import { Engine } from './engine';
import { explainAt } from './explain-at';

const SPECS: AllocatorSpec[] = [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }];

describe('explainAt: the failures at an op, explained where the cursor stands', () => {
  it('after a seek back to a failure the explanation is the one made when it happened', () => {
    const e = new Engine({ allocators: SPECS, workload: 'producer-consumer', params: {}, seed: 1, cpus: 2, ops: 0 });
    for (const L of e.lanes) L.explain = true;
    e.run(1e6, true);
    const op = e.cursor - 1;
    const now = explainAt(e, op);
    const failed = now.findIndex((x) => x !== null);
    expect(failed).toBeGreaterThanOrEqual(0);
    expect(now).toEqual(e.lanes.map((L) => L.explained.get(op) ?? null));
    expect(explainAt(e, op - 1)).toEqual([]); // the cursor is not right after op - 1
    e.run(5000);
    e.seek(op + 1);
    expect(explainAt(e, op)).toEqual(now);
    expect(now[failed]?.largest[0]?.bytes ?? 0).toBe(e.lanes[failed].failures.list()[0].largest);
  });
});
