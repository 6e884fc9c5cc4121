/**
 * The run setup plus the op cursor <-> URL query string, so a shared link
 * reproduces the same picture.
 *
 *   ?w=seed-fragmentation   workload (WORKLOADS key)
 *   &p.max=2048             workload parameters (only those given)
 *   &seed=1&cpus=1&ops=0    common parameters
 *   &sched=lockstep         schedule: lockstep | free
 *   &a=nta:blog,pow2        allocators to compare, in order
 *   &a0.growPages=8         parameter overrides of allocator #0
 *   &op=1234                the op cursor
 *   ?w=trace&t=wee_alloc/ls.trace   a bundled sample trace (public/traces/...)
 *   ?w=trace&t=local:NAME   a trace imported from a local file: a link cannot carry
 *                           it, so opening one asks to import it again (defaults used)
 *
 * Decoding never throws: each invalid part is reported with the default used instead.
 * Parts past run-limits.ts's hard limits (ops, the op cursor, allocator sizes) are invalid
 * too, so a link cannot ask for unbounded work or memory.
 */
import {
  bytesNeeded,
  OVERRIDE_KEYS,
  parseAllocatorSpec,
  specName,
  type AllocatorSpec,
} from '../engine/allocators/registry';
import type { Schedule } from '../engine/runtime/api';
import { createWorkload, workloadParams, WORKLOADS } from '../engine/workloads/generators';
import { resolveParams } from '../engine/workloads/params';
import { fmtMemory, MAX_ALLOCATOR_BYTES, MAX_OPS, OVERRIDE_MAX } from './run-limits';
import { MAX_CPUS } from '../engine/core/limits';

export interface Setup {
  /** A WORKLOADS key, or TRACE_WORKLOAD to replay the trace named by `trace`. */
  workload: string;
  /**
   * When workload is TRACE_WORKLOAD: a bundled sample's path under /traces/
   * ('wee_alloc/ls.trace') or `local:NAME` for a file imported in this page.
   */
  trace?: string;
  /** Workload-specific parameters that differ from the spec defaults (seed, cpus, ops are below). */
  params: Record<string, number | string>;
  seed: number;
  cpus: number;
  /** Stop after this many ops (0 = the workload's own end). */
  ops: number;
  schedule: Schedule;
  allocators: AllocatorSpec[];
}

export const DEFAULT_SETUP: Readonly<Setup> = {
  workload: 'seed-fragmentation',
  params: {},
  seed: 1,
  cpus: 1,
  ops: 0,
  schedule: 'lockstep',
  allocators: [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }],
};

/** The workload replaying an imported trace (its text travels as RunConfig.opsText). */
export const TRACE_WORKLOAD = 'trace';
export const LOCAL_PREFIX = 'local:';

export interface SampleTrace {
  /** Path under /traces/ (also the `t=` value of a shared link). */
  path: string;
  label: string;
  /** The licence notice served beside it. */
  source: string;
}

/** Bundled sample traces (public/traces/; each directory keeps its licence files). */
export const SAMPLE_TRACES: readonly SampleTrace[] = [
  { path: 'wee_alloc/ls.trace', label: 'sample: ls (wee_alloc)', source: 'wee_alloc/SOURCE.txt' },
  { path: 'wee_alloc/find.trace', label: 'sample: find (wee_alloc)', source: 'wee_alloc/SOURCE.txt' },
];

export const isLocalTrace = (key: string): boolean => key.startsWith(LOCAL_PREFIX);
export const sampleTrace = (key: string): SampleTrace | undefined => SAMPLE_TRACES.find((s) => s.path === key);
/** The file name a trace key stands for ('local:tiny.ops' -> 'tiny.ops', 'wee_alloc/ls.trace' -> 'ls.trace'). */
export function traceFileName(key: string): string {
  return isLocalTrace(key) ? key.slice(LOCAL_PREFIX.length) : key.slice(key.lastIndexOf('/') + 1);
}

/** The setup with another workload (a trace key for TRACE_WORKLOAD); its parameters start at the defaults. */
export function withWorkload(setup: Setup, workload: string, trace?: string): Setup {
  const next: Setup = { ...setup, workload, params: {} };
  delete next.trace;
  if (workload === TRACE_WORKLOAD && trace !== undefined) next.trace = trace;
  return next;
}

/** A short name of the setup's workload for file names: 'churn', 'trace-ls'. */
export function workloadLabel(setup: Setup): string {
  if (setup.workload !== TRACE_WORKLOAD || !setup.trace) return setup.workload;
  const name = traceFileName(setup.trace);
  return `trace-${name.replace(/\.[^.]*$/, '') || name}`;
}

export const MAX_ALLOCATORS = 4;
/** The engine's CPU limit (one home: engine/core/limits.ts). */
export { MAX_CPUS };

/**
 * Override keys each allocator kind accepts in URLs and the setup form: the registry's. Values
 * are checked by the allocator's own parameter validation (e.g. NTA's drainOnAlloc must be 0 or 1).
 */
export { OVERRIDE_KEYS };

export interface DecodedUrl {
  setup: Setup;
  op: number;
  /** One sentence per invalid part: which part, what was wrong, what is used instead. */
  errors: string[];
}

export function encodeUrl(setup: Setup, op: number): string {
  const q = new URLSearchParams();
  q.set('w', setup.workload);
  if (setup.workload === TRACE_WORKLOAD && setup.trace !== undefined) q.set('t', setup.trace);
  for (const [k, v] of Object.entries(setup.params)) q.set(`p.${k}`, String(v));
  q.set('seed', String(setup.seed));
  q.set('cpus', String(setup.cpus));
  q.set('ops', String(setup.ops));
  q.set('sched', setup.schedule);
  q.set('a', setup.allocators.map(specName).join(','));
  setup.allocators.forEach((spec, i) => {
    for (const [k, v] of Object.entries(spec.overrides ?? {})) if (v !== undefined) q.set(`a${i}.${k}`, String(v));
  });
  q.set('op', String(op));
  return `?${q.toString()}`;
}

function intIn(raw: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(raw.trim())) return null;
  const v = Number(raw);
  return Number.isSafeInteger(v) && v >= min && v <= max ? v : null;
}

export function decodeUrl(search: string): DecodedUrl {
  const q = new URLSearchParams(search);
  const errors: string[] = [];
  const setup: Setup = structuredClone(DEFAULT_SETUP) as Setup;
  if ([...q.keys()].length === 0) return { setup, op: 0, errors };

  const w = q.get('w');
  const t = q.get('t');
  /** The op cursor belongs to the workload asked for; it is dropped when that workload is replaced. */
  let workloadReplaced = false;
  if (w === TRACE_WORKLOAD) {
    if (t === null) {
      errors.push(
        `workload 'w=trace' needs a trace 't=' (the bundled samples: ${SAMPLE_TRACES.map((s) => s.path).join(', ')}); using '${setup.workload}' from op 0`,
      );
      workloadReplaced = true;
    } else if (isLocalTrace(t)) {
      errors.push(
        `trace 't=${t}' was a local file imported in the browser, and a link cannot carry a file: ` +
          `import '${traceFileName(t)}' again (Import trace…); using '${setup.workload}' from op 0`,
      );
      workloadReplaced = true;
    } else if (sampleTrace(t) === undefined) {
      errors.push(
        `trace 't=${t}' is not a bundled sample (valid: ${SAMPLE_TRACES.map((s) => s.path).join(', ')}); using '${setup.workload}' from op 0`,
      );
      workloadReplaced = true;
    } else {
      setup.workload = TRACE_WORKLOAD;
      setup.trace = t;
    }
  } else {
    if (w !== null) {
      if (Object.hasOwn(WORKLOADS, w)) setup.workload = w;
      else
        errors.push(
          `workload 'w=${w}' is unknown (valid: ${[...Object.keys(WORKLOADS), TRACE_WORKLOAD].join(', ')}); using '${setup.workload}'`,
        );
    }
    if (t !== null) errors.push(`trace 't=${t}' needs 'w=trace'; ignored`);
  }
  const isTrace = setup.workload === TRACE_WORKLOAD;
  const specs = isTrace ? {} : workloadParams(setup.workload);
  for (const [key, raw] of q.entries()) {
    if (!key.startsWith('p.')) continue;
    const name = key.slice(2);
    if (!Object.hasOwn(specs, name) || ['seed', 'cpus', 'ops'].includes(name)) {
      errors.push(`parameter '${key}' is not a parameter of workload '${setup.workload}'; ignored`);
      continue;
    }
    try {
      const resolved = resolveParams(setup.workload, { [name]: specs[name] }, { [name]: raw })[name];
      setup.params[name] = typeof resolved === 'boolean' ? String(resolved) : resolved;
    } catch (e) {
      errors.push(`parameter '${key}': ${(e as Error).message}; using the default ${String(specs[name].default)}`);
    }
  }
  const common: [keyof Setup & ('seed' | 'cpus' | 'ops'), number, number, string][] = [
    ['seed', 0, 0xffffffff, ''],
    ['cpus', 1, MAX_CPUS, ''],
    ['ops', 0, MAX_OPS, ' (the most ops a run may have here)'],
  ];
  for (const [name, min, max, why] of common) {
    const raw = q.get(name);
    if (raw === null) continue;
    const v = intIn(raw, min, max);
    if (v === null)
      errors.push(`'${name}=${raw}' must be an integer from ${min} to ${max}${why}; using ${setup[name]}`);
    else setup[name] = v;
  }
  const sched = q.get('sched');
  if (sched !== null) {
    if (sched === 'lockstep' || sched === 'free') setup.schedule = sched;
    else errors.push(`schedule 'sched=${sched}' must be lockstep or free; using lockstep`);
  }

  const a = q.get('a');
  if (a !== null) {
    const specsOut: AllocatorSpec[] = [];
    a.split(',')
      .filter((s) => s !== '')
      .forEach((text, i) => {
        let spec: AllocatorSpec;
        try {
          spec = parseAllocatorSpec(text);
        } catch (e) {
          errors.push(`allocator #${i} 'a=${text}': ${(e as Error).message}; dropped`);
          return;
        }
        const overrides: Record<string, number> = {};
        const allowed: readonly string[] = OVERRIDE_KEYS[spec.kind];
        for (const [key, raw] of q.entries()) {
          const m = /^a(\d+)\.(.+)$/.exec(key);
          if (!m || Number(m[1]) !== i) continue;
          const v = intIn(raw, 0, Number.MAX_SAFE_INTEGER);
          const max = OVERRIDE_MAX[m[2]] ?? 0x7fffffff;
          if (!allowed.includes(m[2]))
            errors.push(`'${key}' is not a parameter of ${specName(spec)} (valid: ${allowed.join(', ')}); ignored`);
          else if (v === null) errors.push(`'${key}=${raw}' must be a non-negative integer; ignored`);
          else if (v > max) errors.push(`'${key}=${raw}' is more than ${max}, the largest ${key} allowed; ignored`);
          else overrides[m[2]] = v;
        }
        if (Object.keys(overrides).length > 0) spec = { ...spec, overrides } as AllocatorSpec;
        const given = Object.entries(overrides)
          .map(([k, v]) => `a${i}.${k}=${v}`)
          .join(', ');
        let problem: string | null = null;
        try {
          const bytes = bytesNeeded(spec, setup.cpus);
          if (bytes > MAX_ALLOCATOR_BYTES)
            problem = `${given ? `with ${given} ` : ''}on ${setup.cpus} CPU${setup.cpus === 1 ? '' : 's'} needs ${fmtMemory(bytes)} of model state, more than the ${fmtMemory(MAX_ALLOCATOR_BYTES)} an allocator may have`;
        } catch (e) {
          problem = `parameters: ${(e as Error).message}`;
        }
        if (problem !== null) {
          errors.push(`allocator #${i} '${specName(spec)}' ${problem}; using its preset defaults`);
          spec = { ...spec, overrides: undefined } as AllocatorSpec;
          delete spec.overrides;
        }
        if (specsOut.length < MAX_ALLOCATORS) specsOut.push(spec);
        else errors.push(`allocator #${i} '${text}': at most ${MAX_ALLOCATORS} allocators; dropped`);
      });
    if (specsOut.length > 0) setup.allocators = specsOut;
    else
      errors.push(
        `allocators 'a=${a}' name none that is valid; using ${DEFAULT_SETUP.allocators.map(specName).join(',')}`,
      );
  }
  // The whole workload must build (parameters can conflict, e.g. minMax > max).
  // A trace is only read when the run is configured (fetched, then parsed).
  if (!isTrace) {
    try {
      createWorkload(setup.workload, { ...setup.params, seed: setup.seed, cpus: setup.cpus, ops: setup.ops });
    } catch (e) {
      errors.push(`workload '${setup.workload}' parameters: ${(e as Error).message}; using its default parameters`);
      setup.params = {};
    }
  }

  let op = 0;
  const rawOp = q.get('op');
  if (rawOp !== null && !workloadReplaced) {
    const v = intIn(rawOp, 0, Number.MAX_SAFE_INTEGER);
    if (v === null) errors.push(`op cursor 'op=${rawOp}' must be a non-negative integer; starting at op 0`);
    else if (v > MAX_OPS)
      errors.push(`op cursor 'op=${rawOp}' is past ${MAX_OPS}, the furthest a link may start; starting at op 0`);
    else op = v;
  }
  return { setup, op, errors };
}

/** Every workload parameter with its resolved value (for the setup form). */
export function resolvedParams(setup: Setup): Record<string, number | string | boolean> {
  if (setup.workload === TRACE_WORKLOAD) return {};
  return resolveParams(setup.workload, WORKLOADS[setup.workload].params, setup.params);
}
