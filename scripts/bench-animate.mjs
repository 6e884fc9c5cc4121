// `npm run bench:animate [-- --no-build] [-- --port N] [-- --frames N]`: how long an animated export
// of N frames (default 1000) of two 4094 x 128 maps (churn on nta:blog and pow2, a frame every 10
// ops) takes here, headless in the CLI (`run --animate FILE.gif`, timed with the process's start)
// and in the production build in system Chromium (Export animation: Export clicked to the file
// downloaded). A script, not a test: it prints figures and asserts nothing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { findBrowser, NO_BROWSER } from './find-browser.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const value = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : def;
};
const known = new Set(['--no-build', '--port', '--frames']);
for (const a of args)
  if (a.startsWith('--') && !known.has(a)) {
    console.error(
      `bench:animate: unknown flag ${a}\nusage: npm run bench:animate [-- --no-build] [-- --port N] [-- --frames N]`,
    );
    process.exit(2);
  }
const frames = Number(value('--frames', '1000'));
const port = Number(value('--port', process.env.FRAGSCOPE_PORT || '5873'));
const every = 10;
const to = (frames - 1) * every;
const ops = to + 1000;
const log = (...a) => console.error('bench:animate:', ...a);
const results = { frames, every, machine: { loadBefore: loadavg() } };

const dir = mkdtempSync(join(tmpdir(), 'fragscope-bench-animate-'));
try {
  log(`CLI: ${frames} frames`);
  const file = join(dir, 'cli.gif');
  const t0 = performance.now();
  const cliRun = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'engine/cli/main.ts',
      'run',
      '--workload',
      'churn',
      '--allocators',
      'nta,pow2',
      '--ops',
      String(ops),
      '--animate',
      file,
      '--from',
      '0',
      '--to',
      String(to),
      '--every',
      String(every),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (cliRun.status !== 0) throw new Error(`the CLI failed: ${cliRun.stderr}`);
  results.cli = {
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    bytes: statSync(file).size,
    said: cliRun.stdout.trim(),
  };

  const executablePath = findBrowser();
  if (!executablePath) throw new Error(NO_BROWSER);
  if (!args.includes('--no-build')) {
    log('building (vite build)');
    if (spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0)
      throw new Error('vite build failed');
  }
  const server = spawn(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(base)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i > 100 || server.exitCode !== null) throw new Error(`the preview server did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(`${base}/?w=churn&ops=${ops}&a=nta:blog,pow2`);
      await page.getByTestId('map-0').waitFor({ timeout: 60000 });
      await page.getByTestId('animate-open').click();
      await page.getByTestId('animate-from').fill('0');
      await page.getByTestId('animate-to').fill(String(to));
      await page.getByTestId('animate-every').fill(String(every));
      log(`browser: ${frames} frames`);
      const download = page.waitForEvent('download', { timeout: 600000 });
      const t1 = performance.now();
      await page.getByTestId('animate-go').click();
      const d = await download;
      const seconds = Math.round((performance.now() - t1) / 100) / 10;
      const saved = join(dir, 'browser.gif');
      await d.saveAs(saved);
      results.browser = {
        seconds,
        bytes: statSync(saved).size,
        status: await page.getByTestId('animate-status').textContent(),
      };
    } finally {
      await browser.close();
    }
  } finally {
    server.kill();
  }
} catch (e) {
  results.error = e instanceof Error ? e.message : String(e);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
results.machine.loadAfter = loadavg();
console.log(JSON.stringify(results, null, 2));
