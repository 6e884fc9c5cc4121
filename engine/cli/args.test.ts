import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type RunArgs } from './args';

/** The UsageError message for `argv` (fails the test when it parses). */
function usage(...argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`expected a usage error for ${JSON.stringify(argv)}`);
}

function runArgs(...argv: string[]): RunArgs {
  const c = parseArgs(['run', ...argv]);
  if (c.name !== 'run') throw new Error('not a run');
  return c.args;
}

describe('parseArgs: --param', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    "refuses '%s', which only Object.prototype has",
    (key) => {
      expect(usage('run', '--workload', 'churn', '--param', `${key}=1`)).toBe(
        `workload 'churn' has no parameter '${key}'; its parameters: target, capacityBytes, max, period, bias`,
      );
    },
  );

  it.each(['seed', 'cpus', 'ops'])('sends %s to its own flag', (key) => {
    expect(usage('run', '--param', `${key}=5`)).toBe(`--param ${key}: use --${key} N instead`);
    expect(usage('compare-seed', '--param', `${key}=5`)).toBe(`--param ${key}: use --${key} N instead`);
  });

  it('checks keys against the workload given after them, and refuses parameters for a trace', () => {
    expect(runArgs('--param', 'max=64', '--workload', 'churn').params).toEqual({ max: '64' });
    expect(usage('run', '--param', 'max=64', '--workload', 'seed-example')).toBe(
      "workload 'seed-example' has no parameter 'max'; its parameters: (none)",
    );
    expect(usage('run', '--workload', 'ops:x.ops', '--param', 'max=64')).toBe(
      '--param max: a trace workload takes no parameters',
    );
    expect(usage('run', '--workload', 'nope', '--param', 'max=64')).toMatch(/^unknown workload 'nope'/);
  });
});

describe('parseArgs: values and repeats', () => {
  it.each(['--png', '--oplog', '--workload', '--allocators', '--format'])('refuses an empty %s', (flag) => {
    expect(usage('run', flag, '')).toBe(`${flag} needs a value, got ''`);
  });

  it.each([
    ['--seed', '1', '2'],
    ['--workload', 'churn', 'seed-example'],
    ['--oplog', 'a', 'b'],
    ['--png', 'a', 'b'],
    ['--cpus', '2', '2'],
  ])('refuses %s twice (the last value would silently win)', (flag, v1, v2) => {
    expect(usage('run', flag, v1, flag, v2)).toBe(`${flag} given twice`);
  });

  it('refuses a flag without a value given twice too', () => {
    expect(usage('run', '--json', '--json')).toBe('--json given twice');
    expect(usage('compare-seed', '--seeds', '2', '--seeds', '3')).toBe('--seeds given twice');
  });

  it('keeps --param, --nta, --pow2 and --request repeatable, each KEY once', () => {
    const a = runArgs(
      ...['--param', 'max=2048', '--param', 'minMax=1024', '--nta', 'growPages=0', '--nta', 'drainOnAlloc=1'],
      ...['--pow2', 'pages=64', '--pow2', 'chunkBytes=64', '--request', '64', '--request', '128'],
    );
    expect(a.params).toEqual({ max: '2048', minMax: '1024' });
    expect(a.overrides).toEqual({
      slab: {},
      slub: {},
      buddy: {},
      nta: { growPages: 0, drainOnAlloc: 1 },
      pow2: { pages: 64, chunkBytes: 64 },
    });
    expect(a.requests).toEqual([64, 128]);
    expect(usage('run', '--param', 'max=1', '--param', 'max=2')).toBe('--param max given twice');
    expect(usage('run', '--nta', 'regions=1', '--nta', 'regions=2')).toBe('--nta regions given twice');
  });
});

describe('parseArgs: --format', () => {
  it('takes a known format for trace:FILE, and refuses anything else', () => {
    expect(runArgs('--workload', 'trace:x', '--format', 'ftrace').format).toBe('ftrace');
    expect(runArgs('--workload', 'ops:x', '--format', 'ops').format).toBe('ops');
    expect(usage('run', '--workload', 'trace:x', '--format', 'elf')).toBe(
      "--format expects one of wee, valgrind, ftrace, trace-cmd, perf, mtrace, malloclab, ops, got 'elf'",
    );
    expect(usage('run', '--format', 'ops')).toBe('--format ops needs a trace workload (trace:FILE)');
    expect(usage('run', '--workload', 'wee:x', '--format', 'ops')).toBe(
      '--format ops contradicts --workload wee:FILE (use trace:FILE)',
    );
  });
});

describe('parseArgs: trace flags', () => {
  it('--cpus is remembered as given (a trace defaults to its own count); --strict and --callers [N]', () => {
    expect(runArgs('--workload', 'trace:x').cpusGiven).toBe(false);
    expect(runArgs('--workload', 'trace:x', '--cpus', '3')).toMatchObject({ cpus: 3, cpusGiven: true });
    expect(runArgs('--workload', 'trace:x', '--strict').strict).toBe(true);
    expect(runArgs('--workload', 'trace:x', '--callers').callers).toBe(20);
    expect(runArgs('--workload', 'trace:x', '--callers', '5', '--json')).toMatchObject({ callers: 5, json: true });
    expect(runArgs('--workload', 'trace:x', '--callers', '--json')).toMatchObject({ callers: 20, json: true });
  });
});
