import { describe, expect, it } from 'vitest';
import { decodeUrl, DEFAULT_SETUP, encodeUrl, type Setup } from './url-state';

describe('encodeUrl(setup, op) / decodeUrl(search)', () => {
  it('round-trips a full setup and the op cursor', () => {
    const setup: Setup = {
      workload: 'churn', params: { target: 0.7, period: 500 }, seed: 42, cpus: 2, ops: 5000, schedule: 'lockstep',
      allocators: [{ kind: 'nta', preset: 'patch2', overrides: { growPages: 16 } }, { kind: 'pow2', overrides: { pages: 2048 } }, { kind: 'nta', preset: 'blog' }],
    };
    const d = decodeUrl(encodeUrl(setup, 1234));
    expect(d.errors).toEqual([]);
    expect(d.op).toBe(1234);
    expect(d.setup).toEqual(setup);
  });

  it('an empty query is the default setup at op 0', () => {
    expect(decodeUrl('')).toEqual({ setup: DEFAULT_SETUP, op: 0, errors: [] });
  });

  it('keeps enum and bool params as strings', () => {
    const d = decodeUrl('?w=producer-consumer&p.sizes=fixwest&p.skb=false&cpus=2');
    expect(d.errors).toEqual([]);
    expect(d.setup.params).toEqual({ sizes: 'fixwest', skb: 'false' });
  });

  it('names each invalid part and falls back to defaults', () => {
    const d = decodeUrl('?w=nope&seed=-3&cpus=99&sched=fast&a=nta:zzz,pow2&op=x');
    expect(d.setup.workload).toBe(DEFAULT_SETUP.workload);
    expect(d.setup.seed).toBe(1);
    expect(d.setup.cpus).toBe(1);
    expect(d.setup.schedule).toBe('lockstep');
    expect(d.setup.allocators).toEqual([{ kind: 'pow2' }]);
    expect(d.op).toBe(0);
    const text = d.errors.join('\n');
    for (const part of ["'w=nope'", "'seed=-3'", "'cpus=99'", "'sched=fast'", "'a=nta:zzz'", "'op=x'"]) expect(text).toContain(part);
  });

  it('rejects bad workload parameters one by one, keeping the good ones', () => {
    const d = decodeUrl('?w=seed-fragmentation&p.max=abc&p.dist=small&p.bogus=1');
    expect(d.setup.params).toEqual({ dist: 'small' });
    expect(d.errors).toHaveLength(2);
    expect(d.errors[0]).toContain("'p.max'");
    expect(d.errors[1]).toContain("'p.bogus'");
  });

  it('drops conflicting workload parameters as a whole', () => {
    const d = decodeUrl('?w=seed-fragmentation&p.max=100&p.minMax=200');
    expect(d.setup.params).toEqual({});
    expect(d.errors.join()).toContain('minMax');
  });

  it('rejects invalid allocator overrides and keeps the preset', () => {
    const d = decodeUrl('?a=nta:blog,pow2&a0.chunkBytes=33&a1.colour=3');
    expect(d.setup.allocators).toEqual([{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }]);
    expect(d.errors.join('\n')).toContain('chunkBytes');
    expect(d.errors.join('\n')).toContain("'a1.colour'");
  });
});
