import { describe, expect, it } from 'vitest';
import { SKIPPED } from '../../engine/runtime/lane';
import { AllocError } from '../../engine/core/types';
import type { OpRecord } from '../../engine/runtime/api';
import { outcomeCell } from './op-outcome';

const rec = (p: Partial<OpRecord>): OpRecord => ({
  index: 7000,
  cpu: 0,
  kind: 'alloc',
  id: 7000,
  bytes: 2905,
  outcomes: [],
  addresses: [],
  reasons: [],
  ...p,
});

describe('outcomeCell(record, lane, laneOps)', () => {
  it('a lane that has ended (NaN outcome) says where it ended, not FAIL errorNaN', () => {
    const r = rec({ outcomes: [0x3339000, NaN], addresses: [-1, -1], reasons: [null, null] });
    expect(outcomeCell(r, 0, 7001)).toEqual({ text: '0x3339000', kind: 'ok' });
    const c = outcomeCell(r, 1, 6160);
    expect(c.kind).toBe('ended');
    expect(c.text).toBe('ended at op 6,160');
    expect(c.text).not.toMatch(/NaN|FAIL/);
  });

  it('an ended lane without a usable lane count still says ended', () => {
    const r = rec({ outcomes: [NaN] });
    expect(outcomeCell(r, 0).text).toBe('ended');
    // A lane count past the record cannot be where it ended.
    expect(outcomeCell(r, 0, 8000).text).toBe('ended');
    // A lane missing from the record (fewer outcomes) is treated the same way.
    expect(outcomeCell(rec({ outcomes: [] }), 2, 10).kind).toBe('ended');
  });

  it('failures, skipped ops and frees keep their texts', () => {
    const fail = rec({ outcomes: [AllocError.NoSpace], reasons: ['largest free run 64 B'] });
    expect(outcomeCell(fail, 0, 7001)).toMatchObject({ kind: 'fail', why: 'largest free run 64 B' });
    expect(outcomeCell(fail, 0, 7001).text).toMatch(/^FAIL /);
    expect(outcomeCell(rec({ outcomes: [SKIPPED] }), 0).kind).toBe('skipped');
    const free = rec({ kind: 'free', outcomes: [0], addresses: [0x2554000], reasons: [null] });
    expect(outcomeCell(free, 0)).toEqual({ text: '0x2554000 ok', kind: 'ok' });
  });
});
