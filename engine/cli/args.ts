/**
 * Command-line parsing for `npm run -s cli -- COMMAND [flags]`. Anything unknown
 * is a UsageError: main prints the message and the usage on stderr and exits 2.
 */
import { NTA_PRESETS, OVERRIDE_KEYS, type NtaPresetName } from '../allocators/registry';

export class UsageError extends Error {}

/** Parameters each allocator kind lets users override: the registry's. */
export { OVERRIDE_KEYS };

export const USAGE = `Usage: npm run -s cli -- COMMAND [flags]

Commands:
  example                 print the seed's worked example (2 Aug 2006) as the NTA debug log
  run                     run a workload on one or more allocators, op for op
  workloads               list the workloads and their parameters
  compare-seed            the seed's fragmentation test over many seeds, NTA and pow2 beside the
                          seed's published failures: [--seeds N] [--param dist=uniform|small] [--json]
  help                    this text

run flags:
  --allocators LIST       comma-separated: nta, nta:PRESET, pow2 (default nta,pow2)
  --preset NAME           NTA preset for a bare 'nta': ${NTA_PRESETS.join(' | ')} (default blog)
  --workload NAME         a generated workload (see 'workloads'), or a trace file:
                          trace:FILE (format recognised from the text), ops:FILE (op file:
                          a ID BYTES, f ID, m ID, u ID, cpu N, # comments), wee:FILE (wee_alloc)
  --seed N                PRNG seed (default 1)
  --ops N                 stop after N ops (default: the workload's own end)
  --param KEY=VALUE       a workload parameter, repeatable (e.g. --param max=2048)
  --nta KEY=VALUE         override an NTA parameter, repeatable: chunkBytes, pageBytes,
                          regionOrder, regions, growPages, maxPages, drainOnAlloc (0|1)
  --pow2 KEY=VALUE        override a pow2 parameter, repeatable: pages, pageBytes, chunkBytes
  --cpus N                simulated CPUs, 1..16 (default 1)
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
  --oplog FILE            write one line per op and allocator (page and chunk, or the error)
  --check                 run every allocator's invariant checker after every op (slow)
`;

export interface RunArgs {
  allocators: string[];
  preset: NtaPresetName;
  workload: string;
  seed: number;
  ops: number;
  params: Record<string, string>;
  /** Parameter overrides per allocator kind (--nta, --pow2). */
  overrides: { nta: Record<string, number>; pow2: Record<string, number> };
  cpus: number;
  threads: 'inline' | 'workers';
  schedule: 'lockstep' | 'free';
  json: boolean;
  png?: string;
  pngFailures: boolean;
  orientation: 'low-first' | 'high-first';
  oplog?: string;
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
    overrides: { nta: {}, pow2: {} },
    cpus: 1,
    threads: 'inline',
    schedule: 'lockstep',
    json: false,
    pngFailures: false,
    orientation: 'low-first',
    check: false,
    requests: [],
  };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const val = () => {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
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
      case '--seed':
        a.seed = int(flag, val(), 0, 0xffffffff);
        break;
      case '--ops':
        a.ops = int(flag, val(), 0, 1e9);
        break;
      case '--cpus':
        a.cpus = int(flag, val(), 1, 16);
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
      case '--nta':
      case '--pow2': {
        const kind = flag.slice(2) as 'nta' | 'pow2';
        const kv = val();
        const eq = kv.indexOf('=');
        const key = kv.slice(0, eq),
          v = kv.slice(eq + 1);
        if (eq <= 0 || !OVERRIDE_KEYS[kind].includes(key))
          throw new UsageError(
            `${flag} expects KEY=VALUE with KEY one of ${OVERRIDE_KEYS[kind].join(', ')}, got '${kv}'`,
          );
        if (!/^\d+$/.test(v)) throw new UsageError(`${flag} ${key} expects a non-negative integer, got '${v}'`);
        a.overrides[kind][key] = Number(v);
        break;
      }
      case '--param': {
        const kv = val();
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new UsageError(`--param expects KEY=VALUE, got '${kv}'`);
        a.params[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      default:
        throw new UsageError(`unknown flag '${flag}' for 'run'`);
    }
  }
  if (a.pngFailures && !a.png) throw new UsageError('--png-failures needs --png DIR');
  if (a.allocators.length === 0) throw new UsageError('--allocators needs at least one allocator');
  return { name: 'run', args: a };
}

function parseCompare(rest: string[]): Command {
  const c = { name: 'compare-seed' as const, seeds: 20, params: {} as Record<string, string>, json: false };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '--json') c.json = true;
    else if (flag === '--seeds') c.seeds = int(flag, rest[++i], 1, 1000);
    else if (flag === '--param') {
      const kv = rest[++i] ?? '';
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`--param expects KEY=VALUE, got '${kv}'`);
      c.params[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else throw new UsageError(`unknown flag '${flag}' for 'compare-seed'`);
  }
  return c;
}
