import { describe, expect, it } from 'vitest';
import { paramRows, resolveParams, type ParamSpecs } from './params';

const SPECS = {
  max: { kind: 'int', default: 4096, min: 1, doc: 'largest request' },
  bias: { kind: 'number', default: 0.25, min: 0, max: 0.5, doc: 'bias' },
  dist: { kind: 'enum', default: 'uniform', values: ['uniform', 'small'], doc: 'distribution' },
  skb: { kind: 'bool', default: true, doc: 'skb sizes' },
} as const satisfies ParamSpecs;

describe('resolveParams', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])(
    "refuses '%s': only a workload's own parameter names are parameters",
    (name) => {
      const given = Object.defineProperty({}, name, { value: '1', enumerable: true });
      expect(() => resolveParams('w', SPECS, given)).toThrow(`workload 'w' has no parameter '${name}'`);
    },
  );

  it('fills defaults and coerces strings', () => {
    expect(resolveParams('w', SPECS, { max: '64', skb: '0' })).toMatchObject({ max: 64, skb: false, dist: 'uniform' });
  });
});

describe('paramRows', () => {
  it('gives each parameter its values, default and doc', () => {
    expect(paramRows(SPECS)).toEqual([
      { name: 'max', values: 'int >= 1', default: '4096', doc: 'largest request' },
      { name: 'bias', values: 'number 0..0.5', default: '0.25', doc: 'bias' },
      { name: 'dist', values: 'uniform|small', default: 'uniform', doc: 'distribution' },
      { name: 'skb', values: 'bool', default: 'true', doc: 'skb sizes' },
    ]);
  });
});
