/** The CLI as users run it: a child process, its stdout, stderr, exit code and files. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { MAX_CPUS } from '../core/limits';
import { PALETTE } from '../core/palette';
import { ChunkState } from '../core/types';
import { tempDirs } from './test-tmp';

// Every directory a test makes is removed after it; one left behind fails the suite.
const tmp = tempDirs('fragscope-cli-test-');
afterEach(() => tmp.cleanup());
afterAll(() => expect(tmp.leaked()).toEqual([]));

const here = (f: string) => new URL(f, import.meta.url).pathname;
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', here('./main.ts'), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('cli', () => {
  it('example prints the golden seed example log', () => {
    const r = cli('example');
    expect(r.code).toBe(0);
    expect(r.out).toBe(readFileSync(here('./testdata/example.golden'), 'utf8'));
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['run', '--bogus'], /unknown flag '--bogus'/],
    [['run', '--cpus', '99'], new RegExp(`--cpus expects an integer from 1 to ${MAX_CPUS}`)],
    [['run', '--strict'], /--strict needs a trace workload/],
    [['run', '--callers', '5'], /--callers needs a trace workload/],
    [['run', '--threads', 'fibers'], /--threads expects one of inline, workers/],
    [['run', '--workload', 'nope'], /unknown workload 'nope'/],
    [['run', '--allocators', 'slob'], /unknown allocator 'slob'/],
    [['run', '--param', 'bogus=1'], /bogus/],
    [['run', '--seed'], /--seed needs a value/],
    [['run', '--nta', 'bogus=1'], /--nta expects KEY=VALUE with KEY one of chunkBytes/],
    [['run', '--nta', 'chunkBytes=48'], /invalid NTA parameter: chunkBytes=48, expected a power of two/],
    [['run', '--pow2', 'pages=0'], /invalid pow2 parameter: pages=0, expected 1..4194304/],
    [
      ['run', '--pow2', 'chunkBytes=8192'],
      /invalid pow2 parameter: chunkBytes=8192, expected a power of two <= pageBytes/,
    ],
    [['run', '--pow2', 'pageBytes=3000'], /invalid pow2 parameter: pageBytes=3000, expected a power of two/],
    [['run', '--param', 'constructor=1'], /workload 'seed-fragmentation' has no parameter 'constructor'/],
    [['run', '--workload', 'churn', '--param', 'ops=5'], /--param ops: use --ops N instead/],
    [['run', '--png', ''], /--png needs a value, got ''/],
    [['run', '--oplog', '/no-such-dir/x.log'], /--oplog \/no-such-dir\/x\.log: directory \/no-such-dir does not exist/],
    [['run', '--png', '/dev/null'], /--png \/dev\/null: is not a directory/],
    [
      ['run', '--workload', 'trace:x', '--format', 'elf'],
      /--format expects one of wee, valgrind, ftrace, trace-cmd, perf, mtrace, malloclab, ops/,
    ],
    [['run', '--seed', '1', '--seed', '2'], /--seed given twice/],
  ])('%j is a usage error: message and usage on stderr, exit 2', (args, msg) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err).toContain('Usage: npm run -s cli --');
    expect(r.out).toBe('');
  });

  it('run --json on seed-fragmentation: four NTA failures, one per stage, and every metric', () => {
    const r = cli('run', '--allocators', 'nta,pow2', '--workload', 'seed-fragmentation', '--seed', '1', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      allocators: {
        name: string;
        failures: { op: number; bytes: number; max: number }[];
        metrics: Record<string, number>;
      }[];
    };
    expect(j.allocators.map((a) => a.name)).toEqual(['nta', 'pow2']);
    const nta = j.allocators[0];
    expect(nta.failures.map((f) => f.max)).toEqual([4096, 2048, 1024, 512]);
    for (const f of nta.failures) expect(f.bytes).toBeLessThanOrEqual(f.max);
    for (const k of [
      'requestedBytes',
      'allocatedBytes',
      'heldBytes',
      'freeBytes',
      'largestFreeBytes',
      'internalFragmentation',
      'externalFragmentation',
      'utilisation',
    ]) {
      expect(typeof nta.metrics[k]).toBe('number');
    }
    expect(nta.metrics.utilisation).toBeGreaterThan(j.allocators[1].metrics.utilisation!); // NTA wastes less than pow2
    expect(r.out).not.toMatch(/time|elapsed|perSec/i);
  });

  it("compare-seed puts four stages beside the seed's published failures", () => {
    const r = cli('compare-seed', '--seeds', '3', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      stages: {
        max: number;
        seedBytes: number;
        allocators: Record<string, { bytes: number[]; utilisation: number[] }>;
      }[];
    };
    expect(j.stages.map((s) => [s.max, s.seedBytes])).toEqual([
      [4096, 1912],
      [2048, 968],
      [1024, 504],
      [512, 252],
    ]);
    for (const s of j.stages) {
      expect(Object.keys(s.allocators)).toEqual(['nta:blog', 'slab:2.6.18-x86_64', 'slub:3.6-i386', 'pow2']);
      expect(s.allocators['nta:blog'].bytes).toHaveLength(3);
      for (const b of s.allocators['nta:blog'].bytes) expect(b).toBeGreaterThan(s.max / 2); // uniform sizes fail above MAX/2 (docs/models.md 1.9)
      // Every kind fails once per stage, its utilisation a share.
      for (const c of Object.values(s.allocators)) {
        expect(c.bytes).toHaveLength(3);
        for (const u of c.utilisation) expect(u > 0 && u <= 1).toBe(true);
      }
    }
  });

  it('lockstep workers print exactly what the inline run prints', () => {
    const args = [
      'run',
      '--workload',
      'churn',
      '--cpus',
      '4',
      '--schedule',
      'lockstep',
      '--seed',
      '7',
      '--ops',
      '4000',
      '--json',
    ];
    const inline = cli(...args, '--threads', 'inline');
    const workers = cli(...args, '--threads', 'workers');
    expect(inline.code).toBe(0);
    expect(workers.code).toBe(0);
    expect(workers.out).toBe(inline.out);
  });

  it('free-running producer-consumer: remote frees are pushed by consumers and drained by their owner', () => {
    const r = cli(
      'run',
      '--allocators',
      'nta',
      '--workload',
      'producer-consumer',
      '--cpus',
      '2',
      '--threads',
      'workers',
      '--schedule',
      'free',
      '--ops',
      '20000',
      '--json',
    );
    expect(r.code).toBe(0);
    const nta = (
      JSON.parse(r.out) as {
        allocators: { metrics: { pendingBytes: number }; remoteFrees: { pushed: number[]; drained: number[] } }[];
      }
    ).allocators[0];
    expect(nta.remoteFrees.pushed[1]).toBeGreaterThan(0); // CPU 1 frees CPU 0's buffers
    expect(nta.remoteFrees.drained[0]).toBe(nta.remoteFrees.pushed[1]); // and CPU 0, their owner, drains them
    expect(nta.metrics.pendingBytes).toBe(0);
  });

  it('replays an op file and writes the golden op log', () => {
    const dir = tmp.make();
    const r = cli(
      'run',
      '--allocators',
      'nta,pow2',
      '--workload',
      `ops:${here('./testdata/small.ops')}`,
      '--cpus',
      '2',
      '--oplog',
      join(dir, 'o.log'),
      '--json',
    );
    expect(r.code).toBe(0);
    // The log starts with the import summary, which names the file as given.
    const log = readFileSync(join(dir, 'o.log'), 'utf8').replace(
      here('./testdata/small.ops'),
      'engine/cli/testdata/small.ops',
    );
    expect(log).toBe(readFileSync(here('./testdata/small.oplog.golden'), 'utf8'));
  });

  it('rejects a bad op file with file and line before anything runs or is written', () => {
    const dir = tmp.make();
    const r = cli(
      'run',
      '--workload',
      `ops:${here('./testdata/bad.ops')}`,
      '--oplog',
      join(dir, 'o.log'),
      '--png',
      join(dir, 'png'),
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.ops:3: expected 'f ID' with ID of a live allocation, got 'f 1'/);
    expect(existsSync(join(dir, 'o.log'))).toBe(false);
    expect(existsSync(join(dir, 'png'))).toBe(false);
  });

  it('--png writes one 4094 x 128 picture per allocator, one pixel per chunk', () => {
    const dir = tmp.make();
    const r = cli('run', '--allocators', 'nta,pow2', '--workload', 'seed-example', '--ops', '3', '--png', dir);
    expect(r.code).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['seed-example-nta-op3.png', 'seed-example-pow2-op3.png']);
    const png = PNG.sync.read(readFileSync(join(dir, files[0])));
    expect([png.width, png.height]).toEqual([4094, 128]);
    const px = (x: number, y: number) =>
      (png.data[(y * png.width + x) * 4] << 16) |
      (png.data[(y * png.width + x) * 4 + 1] << 8) |
      png.data[(y * png.width + x) * 4 + 2];
    expect(px(0, 0)).toBe(PALETTE[ChunkState.Used]); // 120 + 200 + 70 bytes = chunks 0..13 of page 0
    expect(px(0, 13)).toBe(PALETTE[ChunkState.Used]);
    expect(px(0, 14)).toBe(PALETTE[ChunkState.Free]);
    expect(px(1, 0)).toBe(PALETTE[ChunkState.Free]);
    const pow2 = PNG.sync.read(readFileSync(join(dir, files[1])));
    // pow2's pages come from the buddy zone, smallest block first: 4094 pages end with an order-1
    // block, so class 128 gets page 4092 and class 256 page 4093.
    const wasteAt =
      (pow2.data[(7 * pow2.width + 4093) * 4] << 16) |
      (pow2.data[(7 * pow2.width + 4093) * 4 + 1] << 8) |
      pow2.data[(7 * pow2.width + 4093) * 4 + 2];
    expect(wasteAt).toBe(PALETTE[ChunkState.Waste]); // 200 B in a 256-byte object on page 4093: chunk 7 is rounding waste
  });
});

/** Write `text` to `name` in a fresh temporary directory; returns its path. */
function file(name: string, text: string): string {
  const path = join(tmp.make(), name);
  writeFileSync(path, text);
  return path;
}

const SCHED =
  '          <idle>-0       [001] d..2.   100.000100: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=bash next_pid=2101 next_prio=120';
const kmalloc = (ptr: string, fields: string) =>
  `            bash-2101    [001] .....   100.000200: kmalloc: call_site=f+0x1/0x2 ptr=${ptr} ${fields}`;

describe('cli: output files', () => {
  it('a failed run leaves nothing: neither its op log nor the PNGs of its failures', () => {
    const dir = tmp.make();
    // 4 pages fail at once; the op log's write to /dev/full fails at its end, after the failure PNGs.
    const r = cli(
      ...['run', '--allocators', 'pow2', '--pow2', 'pages=4', '--workload', 'seed-fragmentation'],
      ...['--png', join(dir, 'png'), '--png-failures', '--oplog', '/dev/full'],
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: --oplog \/dev\/full: cannot write \(ENOSPC/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a run writes its files under their names only, and replaces an older op log', () => {
    const dir = tmp.make();
    writeFileSync(join(dir, 'o.log'), 'old\n');
    const r = cli(
      ...['run', '--allocators', 'pow2', '--pow2', 'pages=4', '--workload', 'seed-fragmentation'],
      ...['--png', join(dir, 'png'), '--png-failures', '--oplog', join(dir, 'o.log'), '--json'],
    );
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['o.log', 'png']);
    expect(readFileSync(join(dir, 'o.log'), 'utf8')).toMatch(/^pow2 0 cpu 0 alloc 0 /);
    const pngs = readdirSync(join(dir, 'png'));
    expect(pngs.filter((n) => /-fail\d+-/.test(n)).length).toBeGreaterThan(0);
    expect(pngs.filter((n) => !n.endsWith('.png'))).toEqual([]);
  });

  it('--oplog /dev/stdout | head -2 stops quietly, as a closed stdout does', () => {
    const main = here('./main.ts');
    const r = spawnSync(
      'bash',
      ['-c', `set -o pipefail; "${process.execPath}" --import tsx "${main}" run --oplog /dev/stdout | head -2`],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'nta 0 cpu 0 alloc 0 2147 -> page 0 chunk 0 (2176 B)',
      'pow2 0 cpu 0 alloc 0 2147 -> page 4092 chunk 0 (4096 B)', // the zone's smallest block first
      '',
    ]);
  });
});

describe('cli: trace input', () => {
  it('refuses an empty or comment-only op file with the same message inline and on workers', () => {
    for (const [kind, text] of [
      ['ops', ''],
      ['ops', '# nothing\n\n'],
      ['wee', '// nothing\n'],
    ]) {
      const path = file(`e.${kind}`, text);
      const msg = `error: ${path}:1: no allocation events found (the file is empty or has only comments)\n`;
      for (const threads of ['inline', 'workers']) {
        const r = cli('run', '--workload', `${kind}:${path}`, '--threads', threads, '--json');
        expect([r.code, r.err, r.out]).toEqual([1, msg, '']);
      }
    }
  });

  it('--format reads a file as the format named, inline and on workers alike', () => {
    // The program's output looks like an op file (3 event lines against valgrind's 1): read as valgrind, one malloc.
    const path = file('mixed.txt', 'a 0 100\na 1 200\nf 0\n--7-- malloc(8) = 0x10\n');
    const ops = (out: string) => (JSON.parse(out) as { allocators: { ops: number }[] }).allocators[0].ops;
    const base = ['run', '--allocators', 'nta', '--workload', `trace:${path}`, '--json'];
    // Recognised, it is an op file with a bad line 4.
    expect(cli(...base).err).toMatch(/mixed\.txt:4: expected one of 'a ID BYTES'/);
    const inline = cli(...base, '--format', 'valgrind');
    const workers = cli(...base, '--format', 'valgrind', '--threads', 'workers');
    expect(ops(inline.out)).toBe(1);
    expect(workers.out).toBe(inline.out);
  });

  it('recognises ftrace after many scheduler events, and warns about a last line cut mid-number', () => {
    const path = file(
      'cut.ftrace',
      [
        ...Array<string>(40).fill(SCHED),
        kmalloc('ffff1', 'bytes_req=28 bytes_alloc=32'),
        kmalloc('ffff2', 'bytes_req=20'),
      ].join('\n'),
    );
    const r = cli('run', '--allocators', 'nta', '--workload', `trace:${path}`, '--cpus', '2', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `warning: ${path}:42: the last line has no newline at its end, so the file may be cut short: '...0200: kmalloc: call_site=f+0x1/0x2 ptr=ffff2 bytes_req=20'\n`,
    );
    expect((JSON.parse(r.out) as { allocators: { ops: number }[] }).allocators[0].ops).toBe(2);
  });

  it('escapes control characters of the input in its error messages', () => {
    const path = file('esc.ops', 'a 1 8\n\u001b[2J\u001b[Hgotcha\n');
    const r = cli('run', '--workload', `ops:${path}`);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path}:2: expected one of`);
    expect(r.err).toContain("got '\\x1b[2J\\x1b[Hgotcha'");
    expect(r.err).not.toContain('\u001b');
  });
});

describe('cli: network workloads', () => {
  interface RunJson {
    allocators: { name: string; ops: number; failureCount: number; failures: { bytes: number; reason: string }[] }[];
  }

  it.each(['nic-rx', 'tcp-stream', 'web-server'])('run %s on nta,pow2 with --json', (workload) => {
    const r = cli('run', '--allocators', 'nta,pow2', '--workload', workload, '--cpus', '3', '--ops', '20000', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out) as RunJson;
    expect(j.allocators.map((a) => [a.name, a.ops])).toEqual([
      ['nta', 20000],
      ['pow2', 20000],
    ]);
    expect(j.allocators[1].failureCount).toBe(0);
  });

  it('jumbo frames on 2.6.18 need 16760-byte buffers: one-page NTA regions fail them as too large, NTA with order-3 regions and pow2 (32 KiB blocks, as size-32768) serve them', () => {
    const args = ['run', '--workload', 'nic-rx', '--param', 'mtu=9000', '--ops', '2000', '--json'];
    const r = cli(...args, '--allocators', 'nta,pow2');
    expect(r.code).toBe(0);
    const [nta, pow2] = (JSON.parse(r.out) as RunJson).allocators;
    expect(nta.failureCount).toBeGreaterThan(0);
    expect(nta.failures[0]).toMatchObject({ bytes: 16760, reason: 'too-large' });
    expect(pow2.failureCount).toBe(0);
    const big = cli(...args, '--allocators', 'nta', '--nta', 'regionOrder=3');
    expect((JSON.parse(big.out) as RunJson).allocators[0].failureCount).toBe(0);
  });

  it('a bad network parameter is a usage error naming it', () => {
    const r = cli('run', '--workload', 'tcp-stream', '--param', 'appCpu=4', '--cpus', '2');
    expect(r.code).toBe(2);
    expect(r.err).toContain("parameter 'appCpu' must be a CPU below cpus (2) or -1, got 4");
  });
});

const fixture = (name: string) => here(`../data/traces/${name}`);

describe('cli: trace import', () => {
  it("prints the import summary before the run, and --json carries it; --cpus defaults to the trace's count", () => {
    const path = fixture('kmem-6.x.ftrace.txt');
    const text = cli('run', '--allocators', 'nta', '--workload', `trace:${path}`);
    expect(text.code).toBe(0);
    expect(text.out.startsWith(`import: ${path} read as ftrace: 49 lines`)).toBe(true);
    expect(text.out).toContain('  events 21: 9 allocations, 7 frees, 0 reallocs, 1 page allocations, 1 page frees\n');
    expect(text.out).toContain('  NULL frees 1, frees of unknown pointers 1, failed allocations in the trace 1\n');
    expect(text.out).toContain(`workload trace:${path}, seed 1, cpus 4, inline`);
    expect(text.out.indexOf('import:')).toBeLessThan(text.out.indexOf('NTA (blog):'));
    const json = cli('run', '--allocators', 'nta', '--workload', `trace:${path}`, '--json');
    const j = JSON.parse(json.out) as { import: Record<string, unknown> };
    expect(j.import).toMatchObject({
      format: 'ftrace',
      allocations: 9,
      frees: 7,
      cpus: 4,
      nullFrees: 1,
      unknownFrees: 1,
    });
  });

  it('--cpus below the CPUs the trace names is a usage error saying so', () => {
    const path = fixture('kmem-6.x.ftrace.txt');
    const r = cli('run', '--workload', `trace:${path}`, '--cpus', '2');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`error: ${path} has events on CPUs 0 to 3: --cpus 2 is too few; give --cpus 4 or more`);
  });

  it('skips an unreadable line with a warning and counts it; --strict makes it an error with file:line', () => {
    const bad = '           bash-1 [000] ....  1.5: kmalloc: call_site=f ptr=zz bytes_req=8';
    const good = (n: number) => `           bash-1 [000] ....  1.${n}: kmalloc: call_site=f ptr=ff${n} bytes_req=8`;
    const path = file('bad.ftrace', [good(1), bad, good(2), ''].join('\n'));
    const r = cli('run', '--allocators', 'nta', '--workload', `trace:${path}`);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`warning: ${path}:2: kmalloc with ptr=zz, not a pointer (skipped): '${bad.trim()}'\n`);
    expect(r.out).toContain(
      `  unreadable lines 1 (skipped; --strict makes them errors), the first:\n    line 2: kmalloc with ptr=zz, not a pointer: '${bad.trim()}'`,
    );
    const strict = cli('run', '--allocators', 'nta', '--workload', `trace:${path}`, '--strict');
    expect([strict.code, strict.err]).toEqual([
      1,
      `error: ${path}:2: kmalloc with ptr=zz, not a pointer (--strict), got '${bad.trim()}'\n`,
    ]);
  });

  it('--callers N prints the call-site table sorted by bytes, and --json carries its rows', () => {
    const path = fixture('kmem-6.x.ftrace.txt');
    const r = cli('run', '--workload', `trace:${path}`, '--callers', '2');
    expect(r.code).toBe(0);
    const table = r.out.slice(r.out.indexOf('call sites: '));
    const rows = table.split('\n').slice(2, 4);
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual([
      '__kvmalloc_node_range+0x4d/0xf0',
      'seq_read_iter+0x2c1/0x4a0',
    ]);
    const j = JSON.parse(cli('run', '--workload', `trace:${path}`, '--callers', '--json').out) as {
      callers: { site: string; allocations: number; crossCpuFrees: number; lanes: { handedOut: number }[] }[];
    };
    expect(j.callers.length).toBe(6);
    expect(j.callers.reduce((s, c) => s + c.allocations, 0)).toBe(9);
    expect(j.callers.reduce((s, c) => s + c.crossCpuFrees, 0)).toBe(5);
    expect(j.callers[0].lanes).toHaveLength(2);
  });

  it('valgrind --trace-children logs run as one heap on CPU 0, with every process counted', () => {
    const r = cli('run', '--allocators', 'pow2', '--workload', `trace:${fixture('pipeline.valgrind.txt')}`, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { import: { processes: number; inheritedFrees: number; cpus: number } };
    expect(j.import).toMatchObject({ processes: 4, inheritedFrees: 6, cpus: 1 });
  });
});

describe('cli: workloads', () => {
  it('prints one parameter a line, in aligned columns', () => {
    const r = cli('workloads');
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => l.startsWith('  ') && l.includes(' default '));
    expect(rows.map((l) => l.trim().split(/\s+/)[0])).toEqual(
      expect.arrayContaining(['max', 'minMax', 'dist', 'liveLimit', 'target', 'sizes', 'inflight']),
    );
    expect(new Set(rows.map((l) => l.indexOf(' default '))).size).toBe(1);
    expect(r.out).toMatch(/\n {2}dist +uniform\|small +default uniform +size distribution/);
  });
});
