/**
 * Command-line parsing for `npm run -s cli -- COMMAND [flags]`. Anything unknown
 * is a UsageError: main prints the message and the usage on stderr and exits 2.
 */
import { ALLOCATOR_KINDS, NTA_PRESETS, OVERRIDE_KEYS, presetsOf, type NtaPresetName } from '../allocators/registry';
import { COMMON_PARAMS, createWorkload, workloadParams } from '../workloads/generators';
import { TRACE_FORMAT_NAMES } from '../workloads/trace';
import { MAX_CPUS } from '../core/limits';

/** Bad usage: main prints the message and the usage on stderr and exits 2. */
export class UsageError extends Error {}

/**
 * Bad values in what the user typed (an unknown allocator or workload, a parameter
 * out of range) are usage errors: whatever an allocator or workload module throws
 * while being built from them becomes a UsageError, one class for every kind.
 */
export function asUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError((e as Error).message);
  }
}

/** Flags that may be given more than once (each adds an entry); any other flag given twice is a usage error. */
const KIND_FLAGS = new Set(ALLOCATOR_KINDS.map((k) => `--${k}`));
const REPEATABLE = new Set(['--param', '--request', ...KIND_FLAGS]);

/** `ops:FILE`, `wee:FILE` (that format) or `trace:FILE` (recognised, or as --format says). */
export const TRACE_WORKLOAD = /^(ops|wee|trace):(.+)$/;

/** Parameters each allocator kind lets users override: the registry's. */
export { OVERRIDE_KEYS };

/** Rows `--callers` prints without a count. */
export const CALLERS_DEFAULT = 20;

export const USAGE = `Usage: npm run -s cli -- COMMAND [flags]

Commands:
  example                 print the seed's worked example (2 Aug 2006) as the NTA debug log
  run                     run a workload on one or more allocators, op for op
  workloads               list the workloads and their parameters
  compare-seed            the seed's fragmentation test over many seeds, NTA, SLAB 2.6.18, SLUB 3.6 and pow2 beside the
                          seed's published failures: [--seeds N] [--param dist=uniform|small] [--json]
  help                    this text

run flags:
  --allocators LIST       comma-separated (default nta,pow2): ${ALLOCATOR_KINDS.map((k) =>
    presetsOf(k).length ? `${k}, ${k}:PRESET (${presetsOf(k).join(' | ')})` : k,
  ).join(', ')}
  --preset NAME           NTA preset for a bare 'nta': ${NTA_PRESETS.join(' | ')} (default blog)
  --workload NAME         a generated workload (see 'workloads'), or a trace file:
                          trace:FILE (format recognised from the text), ops:FILE (op file:
                          a ID BYTES, f ID, m ID, u ID, cpu N, # comments), wee:FILE (wee_alloc)
  --format NAME           read trace:FILE as this format instead of recognising it:
                          ${TRACE_FORMAT_NAMES.join(' | ')}
  --strict                with a trace: a line that looks like an event but cannot be read is an
                          error naming file:line (by default it is skipped, counted and quoted)
  --callers [N]           with a trace: per call site, allocations, frees, bytes requested and
                          handed out by each allocator, fragmentation and cross-CPU frees, the N
                          sites with the most bytes (default ${CALLERS_DEFAULT}; as perf kmem stat --caller)
  --seed N                PRNG seed (default 1)
  --ops N                 stop after N ops (default: the workload's own end)
  --param KEY=VALUE       a parameter of the workload (see 'workloads'), repeatable
                          (e.g. --param max=2048); seed, cpus and ops are flags
  --nta KEY=VALUE         override an NTA parameter, repeatable: chunkBytes, pageBytes,
                          regionOrder, regions, growPages, maxPages, drainOnAlloc (0|1)
  --pow2 KEY=VALUE        override a pow2 parameter, repeatable: pages, pageBytes, chunkBytes
  --KIND KEY=VALUE        likewise for every other kind: ${ALLOCATOR_KINDS.filter((k) => k !== 'nta' && k !== 'pow2')
    .map((k) => `--${k} (${OVERRIDE_KEYS[k].join(', ')})`)
    .join(', ')}
  --cpus N                simulated CPUs, 1..${MAX_CPUS} (default: a trace's own CPU count, else 1); CPU workers
                          are shared when there are more CPUs than cores
  --threads inline|workers   run on this thread, or one worker_thread per CPU (default inline)
  --schedule lockstep|free   workers take turns in one global op order, or run freely
  --request BYTES         also report Linux's unusable and fragmentation indices (mm/vmstat.c)
                          for a request of BYTES at the end, repeatable
  --json                  print one JSON object (no timing figures)
  --png DIR               write DIR/<workload>-<allocator>-op<N>.png, one pixel per chunk
  --png-failures          with --png: also write a PNG at every failed allocation (the seed's
                          pictures were taken at each failure of seed-fragmentation)
  --orientation low-first|high-first   PNG rows: low addresses at the top, or the seed's NTA
                          orientation (higher addresses first) (default low-first)
  --animate DIR|FILE.gif  write an animation of the run: a frame at ops A, A+K, ... up to B (every
                          allocator's map at one pixel per chunk, stacked, with the op counter and
                          labels; the same frames as the app's export), as DIR/frame-NNNNN-opN.png
                          or one animated GIF (lossless); runs inline; needs --to
  --from A --to B --every K   the animation's first and last op and the ops per frame (defaults 0, -, 1)
  --fps N                 frames per second of the GIF (default 10)
  --oplog FILE            write one line per op and allocator (page and chunk, or the error)
  --check                 run every allocator's invariant checker after every op (slow)

Output paths are checked before the run; files are written under a temporary name
and moved into place only when the run succeeds (special files such as /dev/stdout
and FIFOs are written directly). A flag given twice is an error, except --param,
--request and the --KIND flags (--nta, --pow2, ...), which add to each other.
`;

export interface RunArgs {
  allocators: string[];
  preset: NtaPresetName;
  workload: string;
  /** `--format`: the trace format to read trace:FILE as (else recognised from the text). */
  format?: string;
  seed: number;
  ops: number;
  params: Record<string, string>;
  /** Parameter overrides per allocator kind (--nta, --pow2, --slub, ...). */
  overrides: Record<string, Record<string, number>>;
  cpus: number;
  /** --cpus was given (a trace's own CPU count is the default otherwise). */
  cpusGiven: boolean;
  /** --strict: an unreadable trace line is an error. */
  strict: boolean;
  /** --callers N: rows of the per-call-site table (0 = no table). */
  callers: number;
  threads: 'inline' | 'workers';
  schedule: 'lockstep' | 'free';
  json: boolean;
  png?: string;
  pngFailures: boolean;
  orientation: 'low-first' | 'high-first';
  oplog?: string;
  /** --animate: the animation's output (a directory of PNG frames, or FILE.gif), its ops and speed. */
  animate?: { path: string; from: number; to: number; every: number; fps: number };
  check: boolean;
  /** Request sizes for the unusable and fragmentation indices. */
  requests: number[];
}

export type Command =
  | { name: 'example' }
  | { name: 'help' }
  | { name: 'workloads' }
  | { name: 'run'; args: RunArgs }
  | { name: 'compare-seed'; seeds: number; params: Record<string, string>; json: boolean };

function int(flag: string, v: string | undefined, min: number, max: number): number {
  const n = v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`${flag} expects an integer from ${min} to ${max}, got '${v ?? ''}'`);
  return n;
}

function oneOf<T extends string>(flag: string, v: string | undefined, values: readonly T[]): T {
  if (!values.includes(v as T)) throw new UsageError(`${flag} expects one of ${values.join(', ')}, got '${v ?? ''}'`);
  return v as T;
}

/** The flag's value; a missing or empty one is a usage error (an empty path would write nothing). */
function valueOf(flag: string, v: string | undefined): string {
  if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
  if (v === '') throw new UsageError(`${flag} needs a value, got ''`);
  return v;
}

/** Rejects a second use of a flag that is not REPEATABLE (the last value would silently win). */
function onceEach(): (flag: string) => void {
  const seen = new Set<string>();
  return (flag) => {
    if (REPEATABLE.has(flag)) return;
    if (seen.has(flag)) throw new UsageError(`${flag} given twice`);
    seen.add(flag);
  };
}

/** `KEY=VALUE` of a repeatable flag, each KEY at most once. */
function keyValue(flag: string, kv: string, seen: Set<string>): [string, string] {
  const eq = kv.indexOf('=');
  if (eq <= 0) throw new UsageError(`${flag} expects KEY=VALUE, got '${kv}'`);
  const key = kv.slice(0, eq);
  if (seen.has(key)) throw new UsageError(`${flag} ${key} given twice`);
  seen.add(key);
  return [key, kv.slice(eq + 1)];
}

/**
 * `--param` pairs checked against the workload: only its own parameter names
 * (never an Object.prototype member such as `constructor` or `__proto__`), and not
 * the common ones, which have flags of their own.
 */
function workloadParamsOf(workload: string, pairs: [string, string][]): Record<string, string> {
  if (pairs.length === 0) return {};
  if (TRACE_WORKLOAD.test(workload))
    throw new UsageError(`--param ${pairs[0][0]}: a trace workload takes no parameters`);
  const own = asUsage(() => Object.keys(workloadParams(workload))).filter((k) => !Object.hasOwn(COMMON_PARAMS, k));
  for (const [key] of pairs) {
    if (Object.hasOwn(COMMON_PARAMS, key)) throw new UsageError(`--param ${key}: use --${key} N instead`);
    if (!own.includes(key)) {
      throw new UsageError(
        `workload '${workload}' has no parameter '${key}'; its parameters: ${own.join(', ') || '(none)'}`,
      );
    }
  }
  return Object.fromEntries(pairs);
}

export function parseArgs(argv: string[]): Command {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') return { name: 'help' };
  if (cmd === 'example' || cmd === 'workloads') {
    if (rest.length) throw new UsageError(`'${cmd}' takes no flags, got '${rest[0]}'`);
    return { name: cmd };
  }
  if (cmd === 'compare-seed') return parseCompare(rest);
  if (cmd !== 'run') throw new UsageError(`unknown command '${cmd}'`);
  const a: RunArgs = {
    allocators: ['nta', 'pow2'],
    preset: 'blog',
    workload: 'seed-fragmentation',
    seed: 1,
    ops: 0,
    params: {},
    overrides: Object.fromEntries(ALLOCATOR_KINDS.map((k) => [k, {}])),
    cpus: 1,
    cpusGiven: false,
    strict: false,
    callers: 0,
    threads: 'inline',
    schedule: 'lockstep',
    json: false,
    pngFailures: false,
    orientation: 'low-first',
    check: false,
    requests: [],
  };
  const once = onceEach();
  const params: [string, string][] = [];
  const paramKeys = new Set<string>();
  const anim: { path?: string; from?: number; to?: number; every?: number; fps?: number } = {};
  const overrideKeys = new Map(ALLOCATOR_KINDS.map((k) => [k, new Set<string>()]));
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const val = () => valueOf(flag, rest[++i]);
    once(flag);
    switch (flag) {
      case '--allocators':
        a.allocators = val().split(',').filter(Boolean);
        break;
      case '--preset':
        a.preset = oneOf(flag, val(), NTA_PRESETS);
        break;
      case '--workload':
        a.workload = val();
        break;
      case '--format':
        a.format = oneOf(flag, val(), TRACE_FORMAT_NAMES);
        break;
      case '--seed':
        a.seed = int(flag, val(), 0, 0xffffffff);
        break;
      case '--ops':
        a.ops = int(flag, val(), 0, 1e9);
        break;
      case '--cpus':
        a.cpus = int(flag, val(), 1, MAX_CPUS);
        a.cpusGiven = true;
        break;
      case '--strict':
        a.strict = true;
        break;
      case '--callers':
        // An optional count: the next argument when it is a number.
        a.callers = /^\d+$/.test(rest[i + 1] ?? '') ? int(flag, rest[++i], 1, 1e6) : CALLERS_DEFAULT;
        break;
      case '--threads':
        a.threads = oneOf(flag, val(), ['inline', 'workers'] as const);
        break;
      case '--schedule':
        a.schedule = oneOf(flag, val(), ['lockstep', 'free'] as const);
        break;
      case '--orientation':
        a.orientation = oneOf(flag, val(), ['low-first', 'high-first'] as const);
        break;
      case '--json':
        a.json = true;
        break;
      case '--check':
        a.check = true;
        break;
      case '--request':
        a.requests.push(int(flag, val(), 1, 1 << 30));
        break;
      case '--png':
        a.png = val();
        break;
      case '--png-failures':
        a.pngFailures = true;
        break;
      case '--oplog':
        a.oplog = val();
        break;
      case '--animate':
        anim.path = val();
        break;
      case '--from':
        anim.from = int(flag, val(), 0, 1e9);
        break;
      case '--to':
        anim.to = int(flag, val(), 0, 1e9);
        break;
      case '--every':
        anim.every = int(flag, val(), 1, 1e9);
        break;
      case '--fps':
        anim.fps = int(flag, val(), 1, 100);
        break;
      case '--param':
        params.push(keyValue(flag, val(), paramKeys));
        break;
      default: {
        if (!KIND_FLAGS.has(flag)) throw new UsageError(`unknown flag '${flag}' for 'run'`);
        const kind = flag.slice(2) as (typeof ALLOCATOR_KINDS)[number];
        const kv = val();
        const eq = kv.indexOf('=');
        const key = kv.slice(0, eq),
          v = kv.slice(eq + 1);
        if (eq <= 0 || !OVERRIDE_KEYS[kind].includes(key))
          throw new UsageError(
            `${flag} expects KEY=VALUE with KEY one of ${OVERRIDE_KEYS[kind].join(', ')}, got '${kv}'`,
          );
        const seen = overrideKeys.get(kind) ?? new Set<string>();
        if (seen.has(key)) throw new UsageError(`${flag} ${key} given twice`);
        seen.add(key);
        if (!/^\d+$/.test(v)) throw new UsageError(`${flag} ${key} expects a non-negative integer, got '${v}'`);
        a.overrides[kind][key] = Number(v);
      }
    }
  }
  a.params = workloadParamsOf(a.workload, params);
  a.animate = animateArgs(anim);
  if (a.pngFailures && !a.png) throw new UsageError('--png-failures needs --png DIR');
  if (a.allocators.length === 0) throw new UsageError('--allocators needs at least one allocator');
  const isTrace = TRACE_WORKLOAD.test(a.workload);
  if (a.strict && !isTrace) throw new UsageError('--strict needs a trace workload (trace:FILE, ops:FILE, wee:FILE)');
  if (a.callers && !isTrace) throw new UsageError('--callers needs a trace workload (trace:FILE)');
  if (a.format !== undefined) {
    const kind = TRACE_WORKLOAD.exec(a.workload)?.[1];
    if (kind === undefined) throw new UsageError(`--format ${a.format} needs a trace workload (trace:FILE)`);
    if (kind !== 'trace' && kind !== a.format)
      throw new UsageError(`--format ${a.format} contradicts --workload ${kind}:FILE (use trace:FILE)`);
  }
  return { name: 'run', args: a };
}

/** --animate's flags together: the others need it, and it needs --to. */
function animateArgs(o: {
  path?: string;
  from?: number;
  to?: number;
  every?: number;
  fps?: number;
}): RunArgs['animate'] {
  const { path, from = 0, to, every = 1, fps = 10 } = o;
  if (path === undefined) {
    const stray = (['from', 'to', 'every', 'fps'] as const).find((k) => o[k] !== undefined);
    if (stray) throw new UsageError(`--${stray} needs --animate DIR|FILE.gif`);
    return undefined;
  }
  if (to === undefined) throw new UsageError("--animate needs --to B (the last frame's op)");
  if (to < from) throw new UsageError(`--to ${to} is before --from ${from}`);
  return { path, from, to, every, fps };
}

function parseCompare(rest: string[]): Command {
  const c = { name: 'compare-seed' as const, seeds: 20, params: {} as Record<string, string>, json: false };
  const once = onceEach();
  const params: [string, string][] = [];
  const paramKeys = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    once(flag);
    if (flag === '--json') c.json = true;
    else if (flag === '--seeds') c.seeds = int(flag, rest[++i], 1, 1000);
    else if (flag === '--param') params.push(keyValue(flag, valueOf(flag, rest[++i]), paramKeys));
    else throw new UsageError(`unknown flag '${flag}' for 'compare-seed'`);
  }
  // compare-seed runs seed-fragmentation once per seed: its seed is the loop's, not a parameter.
  c.params = workloadParamsOf('seed-fragmentation', params);
  asUsage(() => createWorkload('seed-fragmentation', c.params)); // their values
  return c;
}
