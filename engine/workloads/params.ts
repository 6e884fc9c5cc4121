/**
 * Workload parameters: declared once per workload (type, default, doc) and
 * resolved from the loose `WorkloadParams` bag that the CLI and URLs produce
 * (numbers may arrive as strings, flags as 'true'/'false'/1/0).
 */
import type { WorkloadParams } from './types';
import { MAX_CPUS } from '../core/limits';

export type ParamSpec =
  | { kind: 'int'; default: number; min: number; max?: number; doc: string }
  | { kind: 'number'; default: number; min: number; max?: number; doc: string }
  | { kind: 'enum'; default: string; values: readonly string[]; doc: string }
  | { kind: 'bool'; default: boolean; doc: string };

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

/** What callers pass: a `WorkloadParams` bag (CLI, URL) or typed values (flags as booleans). */
export type ParamsInput = Partial<WorkloadParams> | Readonly<Record<string, number | string | boolean | undefined>>;

/** The resolved value type of one spec. */
export type ParamValue<S extends ParamSpec> = S extends { kind: 'enum' }
  ? string
  : S extends { kind: 'bool' }
    ? boolean
    : number;
export type Resolved<T extends ParamSpecs> = { -readonly [K in keyof T]: ParamValue<T[K]> };

/** Parameters every workload accepts. `ops` default 0 = the workload's own end (or its own default length). */
export const COMMON_PARAMS = {
  seed: { kind: 'int', default: 1, min: 0, max: 0xffffffff, doc: 'PRNG seed (uint32)' },
  cpus: { kind: 'int', default: 1, min: 1, max: MAX_CPUS, doc: 'number of simulated CPUs' },
  ops: { kind: 'int', default: 0, min: 0, doc: "stop after this many ops (0 = the workload's own end)" },
} as const satisfies ParamSpecs;

export type CommonParams = Resolved<typeof COMMON_PARAMS>;

function resolveOne(
  workload: string,
  name: string,
  spec: ParamSpec,
  raw: number | string | boolean,
): number | string | boolean {
  const bad = (expected: string): Error =>
    new Error(`workload '${workload}': parameter '${name}' must be ${expected}, got ${JSON.stringify(raw)}`);
  switch (spec.kind) {
    case 'enum': {
      const v = String(raw);
      if (!spec.values.includes(v)) throw bad(`one of ${spec.values.map((x) => `'${x}'`).join(', ')}`);
      return v;
    }
    case 'bool': {
      if (raw === true || raw === 1 || raw === 'true' || raw === '1') return true;
      if (raw === false || raw === 0 || raw === 'false' || raw === '0') return false;
      throw bad('true or false (or 1 or 0)');
    }
    case 'int':
    case 'number': {
      const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      const range = spec.max === undefined ? `>= ${spec.min}` : `between ${spec.min} and ${spec.max}`;
      const what = spec.kind === 'int' ? `an integer ${range}` : `a number ${range}`;
      if (!Number.isFinite(v)) throw bad(what);
      if (spec.kind === 'int' && !Number.isSafeInteger(v)) throw bad(what);
      if (v < spec.min || (spec.max !== undefined && v > spec.max)) throw bad(what);
      return v;
    }
  }
}

/**
 * Resolve `given` against the common params plus `specs`: fill defaults, coerce
 * strings, check ranges. Unknown names throw an Error listing the valid ones.
 * Entries whose value is `undefined` count as not given.
 */
export function resolveParams<T extends ParamSpecs>(
  workload: string,
  specs: T,
  given: ParamsInput = {},
): CommonParams & Resolved<T> {
  const all: Record<string, ParamSpec> = { ...COMMON_PARAMS, ...specs };
  const out: Record<string, number | string | boolean> = {};
  for (const [name, raw] of Object.entries(given)) {
    if (raw === undefined) continue;
    // Own keys only: 'constructor' or 'toString' must not find Object.prototype's members.
    const spec = Object.hasOwn(all, name) ? all[name] : undefined;
    if (spec === undefined) {
      throw new Error(
        `workload '${workload}' has no parameter '${name}'; valid parameters: ${Object.keys(all).join(', ')}`,
      );
    }
    out[name] = resolveOne(workload, name, spec, raw);
  }
  for (const [name, spec] of Object.entries(all)) {
    if (!(name in out)) out[name] = spec.default;
  }
  return out as CommonParams & Resolved<T>;
}

/** One parameter for a table: its name, what values it takes, its default and its doc. */
export interface ParamRow {
  name: string;
  /** `int >= 0`, `int 1..1024`, `number 0..1`, `bool`, or the enum's values `a|b|c`. */
  values: string;
  default: string;
  doc: string;
}

/** One row per parameter, in declaration order (the CLI aligns them into columns). */
export function paramRows(specs: ParamSpecs): ParamRow[] {
  return Object.entries(specs).map(([name, s]) => {
    let values: string;
    if (s.kind === 'enum') values = s.values.join('|');
    else if (s.kind === 'bool') values = 'bool';
    else values = `${s.kind} ${s.max === undefined ? `>= ${s.min}` : `${s.min}..${s.max}`}`;
    return { name, values, default: String(s.default), doc: s.doc };
  });
}

/** One line per parameter, for CLI help: `name (default): doc`. */
export function describeParams(specs: ParamSpecs): string[] {
  return Object.entries(specs).map(([name, s]) => {
    const values = s.kind === 'enum' ? ` [${s.values.join('|')}]` : '';
    return `${name} (default ${String(s.default)})${values}: ${s.doc}`;
  });
}
