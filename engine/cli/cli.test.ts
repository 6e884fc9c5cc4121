/** The CLI as users run it: a child process, its stdout, stderr, exit code and files. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { PALETTE } from '../core/palette';
import { ChunkState } from '../core/types';

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
    [['run', '--cpus', '99'], /--cpus expects an integer from 1 to 16/],
    [['run', '--threads', 'fibers'], /--threads expects one of inline, workers/],
    [['run', '--workload', 'nope'], /unknown workload 'nope'/],
    [['run', '--allocators', 'slob'], /unknown allocator 'slob'/],
    [['run', '--param', 'bogus=1'], /bogus/],
    [['run', '--seed'], /--seed needs a value/],
    [['run', '--nta', 'bogus=1'], /--nta expects KEY=VALUE with KEY one of chunkBytes/],
    [['run', '--nta', 'chunkBytes=48'], /invalid NTA parameter: chunkBytes=48, expected a power of two/],
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
      stages: { max: number; seedBytes: number; nta: { bytes: number[] }; pow2: { utilisation: number[] } }[];
    };
    expect(j.stages.map((s) => [s.max, s.seedBytes])).toEqual([
      [4096, 1912],
      [2048, 968],
      [1024, 504],
      [512, 252],
    ]);
    for (const s of j.stages) {
      expect(s.nta.bytes).toHaveLength(3);
      for (const b of s.nta.bytes) expect(b).toBeGreaterThan(s.max / 2); // uniform sizes fail above MAX/2 (allocators.md 1.6)
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
    const dir = mkdtempSync(join(tmpdir(), 'fragscope-'));
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
    expect(readFileSync(join(dir, 'o.log'), 'utf8')).toBe(readFileSync(here('./testdata/small.oplog.golden'), 'utf8'));
  });

  it('rejects a bad op file with file and line before anything runs or is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fragscope-'));
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
    const dir = mkdtempSync(join(tmpdir(), 'fragscope-'));
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
    const wasteAt =
      (pow2.data[(7 * pow2.width + 1) * 4] << 16) |
      (pow2.data[(7 * pow2.width + 1) * 4 + 1] << 8) |
      pow2.data[(7 * pow2.width + 1) * 4 + 2];
    expect(wasteAt).toBe(PALETTE[ChunkState.Waste]); // 200 B in a 256-byte object on page 1: chunk 7 is rounding waste
  });
});
