/**
 * The app's animated export against the CLI's: the same A/B/K on the same run gives the same
 * number of frames with the same pixels, the app's through a Controller (seek, shared buffers),
 * the CLI's inline (`run --animate FILE.gif` in a child process), both decoded by gifuct-js.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeGif } from '../../engine/render/test-gif';
import { Controller } from '../../engine/runtime/controller';
import { Engine } from '../../engine/runtime/engine';
import type { RunConfig } from '../../engine/runtime/api';
import {
  attachLanes,
  engineSource,
  ExportCancelled,
  gifSink,
  renderAnimation,
  type AnimationSource,
} from './animation';

// Every directory a test makes is removed after it.
const made: string[] = [];
const tmp = { make: () => (made.push(mkdtempSync(join(tmpdir(), 'fragscope-animate-test-'))), made[made.length - 1]) };
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

const main = new URL('../../engine/cli/main.ts', import.meta.url).pathname;
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const cfg: RunConfig = {
  workload: 'churn',
  params: {},
  allocators: [{ kind: 'nta', preset: 'blog' }, { kind: 'pow2' }],
  cpus: 2,
  schedule: 'lockstep',
  seed: 3,
  ops: 0,
};
const cliRun = ['run', '--workload', 'churn', '--allocators', 'nta,pow2', '--cpus', '2', '--seed', '3'];

async function appSource(c: Controller): Promise<AnimationSource> {
  const info = await c.configure(cfg);
  return { lanes: attachLanes(info.allocators), seek: async (op) => (await c.seek(op)).op };
}

const concat = (parts: Uint8Array[]) => Buffer.concat(parts.map((p) => Buffer.from(p)));

describe('animated export', () => {
  it('the app and the CLI make the same frames for the same from/to/every', async () => {
    const c = new Controller(null);
    const sink = gifSink(10);
    const seen: number[] = [];
    const r = await renderAnimation(await appSource(c), { from: 100, to: 2350, every: 250 }, sink, {
      progress: (p) => seen.push(p.done),
    });
    expect(r).toEqual({ frames: 10, lastOp: 2350 });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const app = decodeGif(concat(sink.finish()));
    await c.dispose();

    // The export worker's way: an engine of its own, stepped forward.
    const own = gifSink(10);
    await renderAnimation(
      engineSource(new Engine(cfg, { checkpoints: false })),
      { from: 100, to: 2350, every: 250 },
      own,
    );
    expect(concat(own.finish()).equals(concat(sink.parts))).toBe(true);

    const dir = tmp.make();
    const file = join(dir, 'run.gif');
    const out = cli(...cliRun, '--animate', file, '--from', '100', '--to', '2350', '--every', '250');
    expect(out.err).toBe('');
    expect(out.code).toBe(0);
    expect(out.out).toContain('wrote 10 frames (ops 100 to 2350 every 250)');
    const fromCli = decodeGif(readFileSync(file));
    expect(fromCli.length).toBe(app.length);
    fromCli.forEach((f, i) => {
      expect([f.width, f.height]).toEqual([app[i].width, app[i].height]);
      expect(Buffer.from(f.rgba).equals(Buffer.from(app[i].rgba))).toBe(true);
    });
    // Frames differ as the run goes on (a frozen picture would also be "identical").
    expect(Buffer.from(app[0].rgba).equals(Buffer.from(app[9].rgba))).toBe(false);

    // The numbered PNG frames of a directory hold the same pixels.
    const pngDir = join(dir, 'frames');
    expect(cli(...cliRun, '--animate', pngDir, '--from', '100', '--to', '2350', '--every', '250').code).toBe(0);
    const names = readdirSync(pngDir).sort();
    expect(names.length).toBe(10);
    expect(names[9]).toBe('frame-00009-op2350.png');
    const png = PNG.sync.read(readFileSync(join(pngDir, names[3])));
    expect(Buffer.from(png.data).equals(Buffer.from(app[3].rgba))).toBe(true);
  });

  it('stops at a cancel between frames', async () => {
    const c = new Controller(null);
    const ac = new AbortController();
    const sink = gifSink(10);
    const p = renderAnimation(await appSource(c), { from: 0, to: 5000, every: 100 }, sink, {
      signal: ac.signal,
      progress: (x) => x.done === 3 && ac.abort(),
    });
    await expect(p).rejects.toBeInstanceOf(ExportCancelled);
    expect(sink.parts.length).toBe(3);
    await c.dispose();
  });

  it('CLI: --animate flags are checked before anything runs', () => {
    expect(cli('run', '--from', '5').err).toMatch(/--from needs --animate/);
    const r = cli('run', '--animate', join(tmp.make(), 'x.gif'), '--from', '10');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--animate needs --to/);
    expect(cli('run', '--animate', 'x.gif', '--to', '10', '--png', 'd').err).toMatch(/leave out --png/);
    expect(cli('run', '--animate', 'x.gif', '--to', '100000', '--every', '1').err).toMatch(/at most 10000/);
  });
});
