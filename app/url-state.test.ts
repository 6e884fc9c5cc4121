import { describe, expect, it } from 'vitest';
import {
  decodeUrl,
  DEFAULT_SETUP,
  encodeUrl,
  OVERRIDE_KEYS,
  SAMPLE_TRACES,
  type Setup,
  traceFileName,
  withWorkload,
  workloadLabel,
} from './url-state';

describe('encodeUrl(setup, op) / decodeUrl(search)', () => {
  it('round-trips a full setup and the op cursor', () => {
    const setup: Setup = {
      workload: 'churn',
      params: { target: 0.7, period: 500 },
      seed: 42,
      cpus: 2,
      ops: 5000,
      schedule: 'lockstep',
      allocators: [
        { kind: 'nta', preset: 'patch2', overrides: { growPages: 16 } },
        { kind: 'pow2', overrides: { pages: 2048 } },
        { kind: 'nta', preset: 'blog' },
      ],
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
    for (const part of ["'w=nope'", "'seed=-3'", "'cpus=99'", "'sched=fast'", "'a=nta:zzz'", "'op=x'"])
      expect(text).toContain(part);
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

  it("carries NTA's drainOnAlloc (0 or 1) and rejects other values", () => {
    expect(OVERRIDE_KEYS.nta).toContain('drainOnAlloc');
    for (const v of [0, 1]) {
      const setup: Setup = {
        ...DEFAULT_SETUP,
        workload: 'producer-consumer',
        cpus: 2,
        allocators: [{ kind: 'nta', preset: 'patch2', overrides: { drainOnAlloc: v } }, { kind: 'pow2' }],
      };
      const url = encodeUrl(setup, 0);
      expect(new URLSearchParams(url).get('a0.drainOnAlloc')).toBe(String(v));
      const d = decodeUrl(url);
      expect(d.errors).toEqual([]);
      expect(d.setup).toEqual(setup);
    }
    for (const bad of ['2', '-1', '0.5', 'yes']) {
      const d = decodeUrl(`?a=nta:blog,pow2&a0.drainOnAlloc=${bad}`);
      expect(d.setup.allocators[0]).toEqual({ kind: 'nta', preset: 'blog' });
      expect(d.errors).toHaveLength(1);
      expect(d.errors[0]).toContain('drainOnAlloc');
    }
    // pow2 has no remote-free queue.
    const d = decodeUrl('?a=nta:blog,pow2&a1.drainOnAlloc=1');
    expect(d.setup.allocators[1]).toEqual({ kind: 'pow2' });
    expect(d.errors[0]).toContain("'a1.drainOnAlloc' is not a parameter of pow2");
  });

  describe('traces', () => {
    const sample: Setup = {
      ...DEFAULT_SETUP,
      workload: 'trace',
      trace: 'wee_alloc/ls.trace',
      params: {},
      cpus: 2,
      ops: 100,
    };

    it('a bundled sample is in the link and round-trips with the op cursor', () => {
      const url = encodeUrl(sample, 42);
      const q = new URLSearchParams(url);
      expect(q.get('w')).toBe('trace');
      expect(q.get('t')).toBe('wee_alloc/ls.trace');
      expect(url).toContain('t=wee_alloc%2Fls.trace');
      const d = decodeUrl(url);
      expect(d.errors).toEqual([]);
      expect(d.op).toBe(42);
      expect(d.setup).toEqual(sample);
      // The unescaped form that the brief shows decodes too.
      expect(decodeUrl('?w=trace&t=wee_alloc/ls.trace').setup.trace).toBe('wee_alloc/ls.trace');
    });

    it('every bundled sample decodes', () => {
      for (const s of SAMPLE_TRACES) expect(decodeUrl(`?w=trace&t=${s.path}`).errors).toEqual([]);
    });

    it('a local file is named in the link but cannot be restored: import again, defaults used', () => {
      const local: Setup = { ...sample, trace: 'local:tiny.ops' };
      const url = encodeUrl(local, 3);
      expect(new URLSearchParams(url).get('t')).toBe('local:tiny.ops');
      const d = decodeUrl(url);
      expect(d.setup.workload).toBe(DEFAULT_SETUP.workload);
      expect(d.setup.trace).toBeUndefined();
      expect(d.op).toBe(0);
      expect(d.setup.cpus).toBe(2); // the other parts are kept
      expect(d.errors).toHaveLength(1);
      expect(d.errors[0]).toContain("'t=local:tiny.ops'");
      expect(d.errors[0]).toContain("import 'tiny.ops' again");
    });

    it('rejects a missing or unknown trace, a trace without w=trace and params of a trace', () => {
      let d = decodeUrl('?w=trace&op=9');
      expect(d.setup.workload).toBe(DEFAULT_SETUP.workload);
      expect(d.op).toBe(0);
      expect(d.errors[0]).toContain('wee_alloc/ls.trace');
      d = decodeUrl('?w=trace&t=../../etc/passwd');
      expect(d.setup.workload).toBe(DEFAULT_SETUP.workload);
      expect(d.errors[0]).toContain("'t=../../etc/passwd' is not a bundled sample");
      d = decodeUrl('?w=churn&t=wee_alloc/ls.trace');
      expect(d.setup.workload).toBe('churn');
      expect(d.setup.trace).toBeUndefined();
      expect(d.errors[0]).toContain("needs 'w=trace'");
      d = decodeUrl('?w=trace&t=wee_alloc/find.trace&p.max=5');
      expect(d.setup.trace).toBe('wee_alloc/find.trace');
      expect(d.setup.params).toEqual({});
      expect(d.errors[0]).toContain("'p.max'");
    });

    it('names and workload changes', () => {
      expect(traceFileName('local:tiny.ops')).toBe('tiny.ops');
      expect(traceFileName('wee_alloc/ls.trace')).toBe('ls.trace');
      expect(workloadLabel(sample)).toBe('trace-ls');
      expect(workloadLabel(DEFAULT_SETUP)).toBe('seed-fragmentation');
      const back = withWorkload(sample, 'churn');
      expect(back.workload).toBe('churn');
      expect('trace' in back).toBe(false);
      expect(withWorkload(DEFAULT_SETUP, 'trace', 'local:x.ops').trace).toBe('local:x.ops');
    });
  });
});

describe('decodeUrl: what a link may ask for (run-limits.ts)', () => {
  it('refuses unbounded ops and op cursors, naming the field and the limit', () => {
    const d = decodeUrl('?w=churn&ops=9007199254740991&op=9007199254740991');
    expect(d.setup.workload).toBe('churn');
    expect(d.setup.ops).toBe(0);
    expect(d.op).toBe(0);
    expect(d.errors).toHaveLength(2);
    expect(d.errors[0]).toContain("'ops=9007199254740991' must be an integer from 0 to 100000000");
    expect(d.errors[1]).toContain("'op=9007199254740991' is past 100000000");
  });

  it('keeps ops and op cursors up to the limit', () => {
    const d = decodeUrl('?w=churn&ops=100000000&op=100000000');
    expect(d.errors).toEqual([]);
    expect(d.setup.ops).toBe(100_000_000);
    expect(d.op).toBe(100_000_000);
  });

  it('refuses an allocator parameter past its limit, naming it, and keeps the others', () => {
    const d = decodeUrl('?a=nta:blog,pow2&a0.regions=5000000&a0.growPages=8&a1.pages=4194305');
    expect(d.setup.allocators).toEqual([
      { kind: 'nta', preset: 'blog', overrides: { growPages: 8 } },
      { kind: 'pow2' },
    ]);
    expect(d.errors).toEqual([
      "'a0.regions=5000000' is more than 4194304, the largest a0.regions allowed; ignored",
      "'a1.pages=4194305' is more than 4194304, the largest a1.pages allowed; ignored",
    ]);
  });

  it('refuses an allocator whose parameters together pass what the engine can hold, saying why', () => {
    // Each within its own limit; together 2^31 chunks, more than one state field may hold.
    const d = decodeUrl('?a=nta:blog&a0.regions=4194304&a0.chunkBytes=8');
    expect(d.setup.allocators).toEqual([{ kind: 'nta', preset: 'blog' }]);
    expect(d.errors).toHaveLength(1);
    expect(d.errors[0]).toMatch(
      /^allocator #0 'nta:blog' parameters: invalid NTA parameter: maxPages=4194304 of 512 chunks: more than \d+ chunks; using its preset defaults$/,
    );
  });

  it('a large allocator within the limits is kept (the run asks before it starts)', () => {
    const d = decodeUrl('?a=nta:blog&a0.regions=65536');
    expect(d.errors).toEqual([]);
    expect(d.setup.allocators).toEqual([{ kind: 'nta', preset: 'blog', overrides: { regions: 65536 } }]);
  });
});
