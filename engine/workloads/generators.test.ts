import { describe, expect, it } from 'vitest';
import { WORKLOADS, createWorkload, describeParams, workloadNames, workloadParams } from './generators';
import { drive } from './test-util';

const RANDOM = [
  'seed-fragmentation',
  'seed-stress',
  'churn',
  'producer-consumer',
  'nic-rx',
  'tcp-stream',
  'web-server',
];

describe('WORKLOADS registry', () => {
  it('lists the eight generators, each with a description and documented defaults', () => {
    expect(workloadNames()).toEqual([
      'seed-example',
      'seed-fragmentation',
      'seed-stress',
      'churn',
      'producer-consumer',
      'nic-rx',
      'tcp-stream',
      'web-server',
    ]);
    for (const name of workloadNames()) {
      const info = WORKLOADS[name];
      expect(info.description.length).toBeGreaterThan(20);
      for (const [p, spec] of Object.entries(info.params)) {
        expect(spec.doc.length, `${name}.${p}`).toBeGreaterThan(5);
      }
      expect(createWorkload(name).name).toBe(name);
      expect(Object.keys(workloadParams(name)).slice(0, 3)).toEqual(['seed', 'cpus', 'ops']);
    }
    expect(describeParams(WORKLOADS['seed-fragmentation'].params)).toContain(
      "dist (default uniform) [uniform|small]: size distribution: 'uniform' = 1 + floor(u * MAX); 'small' = 1 + floor(u^2 * MAX) (skewed to small sizes, mean about MAX/3)",
    );
  });

  it('the network workloads, whose ops cross CPUs in one stream, say so (free-running must share their stream)', () => {
    expect(workloadNames().filter((n) => WORKLOADS[n].crossCpu)).toEqual([
      'producer-consumer',
      'nic-rx',
      'tcp-stream',
      'web-server',
    ]);
  });

  it.each(RANDOM)('%s: same seed -> identical op streams, different seed -> different', (name) => {
    const run = (seed: number) => drive(createWorkload(name, { seed, cpus: 3, ops: 3000 }), 1e6).ops;
    expect(run(17)).toEqual(run(17));
    expect(run(18)).not.toEqual(run(17));
  });

  it.each(workloadNames())('%s: ops caps the stream', (name) => {
    expect(drive(createWorkload(name, { ops: 3 }), 1e6).ops).toHaveLength(3);
  });

  it('throws for an unknown workload, naming the valid ones', () => {
    expect(() => createWorkload('fragmentation')).toThrow(
      "unknown workload 'fragmentation'; valid workloads: seed-example, seed-fragmentation, seed-stress, churn, producer-consumer, nic-rx, tcp-stream, web-server",
    );
    expect(() => createWorkload('constructor')).toThrow(/unknown workload 'constructor'/);
    expect(() => workloadParams('nope')).toThrow(/valid workloads/);
  });

  it('throws for an unknown parameter, naming the valid ones', () => {
    expect(() => createWorkload('churn', { seed: 1, maxx: 5 })).toThrow(
      "workload 'churn' has no parameter 'maxx'; valid parameters: seed, cpus, ops, target, capacityBytes, max, period, bias",
    );
    expect(() => createWorkload('seed-example', { max: 5 })).toThrow('valid parameters: seed, cpus, ops');
  });

  it('checks and coerces parameter values', () => {
    expect(() => createWorkload('seed-fragmentation', { dist: 'gauss' })).toThrow(
      "workload 'seed-fragmentation': parameter 'dist' must be one of 'uniform', 'small', got \"gauss\"",
    );
    expect(() => createWorkload('churn', { target: 1.5 })).toThrow(
      "parameter 'target' must be a number between 0 and 1, got 1.5",
    );
    expect(() => createWorkload('churn', { max: 2.5 })).toThrow("parameter 'max' must be an integer >= 1, got 2.5");
    expect(() => createWorkload('churn', { cpus: 0 })).toThrow(
      "parameter 'cpus' must be an integer between 1 and 64, got 0",
    );
    expect(() => createWorkload('churn', { period: 'ten' })).toThrow(
      'parameter \'period\' must be an integer >= 1, got "ten"',
    );
    expect(() => createWorkload('producer-consumer', { skb: 'maybe' })).toThrow(
      "parameter 'skb' must be true or false (or 1 or 0)",
    );
    // CLI and URL values arrive as strings.
    const fromStrings = drive(createWorkload('seed-stress', { seed: '5', cpus: '2', ops: '100', max: '64' }), 1e6).ops;
    expect(fromStrings).toEqual(drive(createWorkload('seed-stress', { seed: 5, cpus: 2, ops: 100, max: 64 }), 1e6).ops);
    expect(fromStrings.every((op) => op.bytes <= 64)).toBe(true);
    // undefined counts as not given.
    expect(() => createWorkload('churn', { target: undefined })).not.toThrow();
  });
});
