// `npm run bench:ui [-- --json] [-- --no-build] [-- --seeks N] [-- --runs N] [-- --only churn|pages]`: the UI's
// figures in the production build, in system Chromium (scripts/find-browser.mjs), on this machine.
//   churn: a 10-million-op churn run of NTA and pow2 on 1 CPU and on 2 CPUs: Play at max speed to
//          the end (op indices/s, page and map frame times while playing), seek latency from scrubber
//          release to every map showing that op (N random targets), Run to next failure (op indices/s);
//   pages: 262,144- and 4,194,304-page pools of NTA and pow2: time to the first picture (navigation to
//          every map drawn, and the map worker's own part), map frame times while panning and zooming;
//   and the memory: JS heap of the page and its workers (measureUserAgentSpecificMemory) and the
//   proportional set size (PSS) of the browser's processes.
// --runs N repeats every scenario N times in rounds and reports the median run (by Play op
// indices/s, by time to the first picture), with every run's figure beside it: on 2 shared cores
// one run can be twice as slow as the next.
// A script, not a test: it prints figures and asserts nothing. The machine's load is printed too.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { findBrowser, NO_BROWSER } from './find-browser.mjs';
import {
  waitMapsAt,
  jsMemory,
  mapFrames,
  openRun,
  panZoom,
  playToEnd,
  runToFailure,
  seekLatency,
  stats,
} from './bench-ui-page.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : def;
};
const USAGE =
  'usage: npm run bench:ui [-- --json] [-- --no-build] [-- --seeks N] [-- --runs N] [-- --only churn|pages] [-- --port N]';
const known = new Set(['--json', '--no-build', '--seeks', '--only', '--port', '--runs']);
for (const a of args)
  if (a.startsWith('--') && !known.has(a)) {
    console.error(`bench:ui: unknown flag ${a}\n${USAGE}`);
    process.exit(2);
  }
const json = flag('--json');
const seeks = Number(value('--seeks', '20'));
const runs = Number(value('--runs', '1'));
const only = value('--only', 'all');
const port = Number(value('--port', process.env.FRAGSCOPE_PORT || '5798'));
if (
  !Number.isInteger(seeks) ||
  seeks < 1 ||
  !Number.isInteger(runs) ||
  runs < 1 ||
  !['all', 'churn', 'pages'].includes(only) ||
  !(port > 0)
) {
  console.error(`bench:ui: bad value\n${USAGE}`);
  process.exit(2);
}
const log = (...a) => console.error('bench:ui:', ...a);

const executablePath = findBrowser();
if (!executablePath) {
  console.error(NO_BROWSER);
  process.exit(1);
}
if (!flag('--no-build')) {
  log('building (vite build)');
  if (spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0)
    process.exit(1);
}

/** The preview server: one process of ours, ended by its pid. */
const server = spawn(
  process.execPath,
  ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
  {
    cwd: ROOT,
    stdio: 'ignore',
  },
);
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(base)).ok) break;
  } catch {
    /* not up yet */
  }
  if (i > 100 || server.exitCode !== null) {
    console.error(`bench:ui: the preview server did not start on port ${port} (in use? pass --port N)`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}

/**
 * Memory of the browser: every Chromium process descending from this script (Linux ps and
 * /proc/PID/smaps_rollup), in bytes. `pss` (proportional set size) is the total to read: a page
 * shared by n processes counts 1/n in each, so the sum is what the browser really holds. `rss`
 * summed over the processes counts every shared page (the zygote's, libraries, shared memory)
 * once per process: an idle Chromium with one page already sums to about 1 GB that way.
 */
function browserMemory() {
  const r = spawnSync('ps', ['-eo', 'pid=,ppid=,rss=,comm='], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  const kids = new Map();
  for (const [p, pp] of rows) kids.set(Number(pp), [...(kids.get(Number(pp)) ?? []), Number(p)]);
  const info = new Map(rows.map(([p, , k, c]) => [Number(p), { rss: Number(k), comm: c ?? '' }]));
  let rss = 0;
  let pss = 0;
  const todo = [...(kids.get(process.pid) ?? [])];
  while (todo.length) {
    const p = todo.pop();
    const i = info.get(p);
    if (i && /chrom/i.test(i.comm)) {
      rss += i.rss;
      try {
        pss += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
      } catch {
        /* the process ended meanwhile */
      }
    }
    todo.push(...(kids.get(p) ?? []));
  }
  return { rss: rss * 1024, pss: pss * 1024 };
}

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--enable-blink-features=ForceEagerMeasureMemory'],
});
/**
 * JS memory by agent (page, control, CPU and map workers) as the browser measures it; each agent's
 * figure counts the SharedArrayBuffers it holds (allocator state: reserved, mostly not resident),
 * so the browser's resident memory is the figure to read for a big pool.
 */
async function memory(page) {
  const m = await jsMemory(page).catch(() => null);
  const byAgent = {};
  for (const b of m?.breakdown ?? []) {
    const url = b.attribution?.[0]?.url ?? '';
    const k = /control\.worker/.test(url)
      ? 'control'
      : /cpu\.worker/.test(url)
        ? 'cpu'
        : /map\.worker/.test(url)
          ? 'map'
          : url
            ? 'page'
            : 'other';
    byAgent[k] = (byAgent[k] ?? 0) + b.bytes;
  }
  return { jsBytes: m?.bytes ?? null, byAgent, browser: browserMemory() };
}

/** A fresh page per scenario (its workers and memory go with it). */
async function withPage(fn) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    return await fn(page);
  } catch (e) {
    return { error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  } finally {
    await page.close();
  }
}

let seed = 12345;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;

const results = {
  machine: { cores: (await import('node:os')).cpus().length, loadBefore: loadavg() },
  churn: {},
  pages: {},
};

/**
 * With --runs N every scenario runs N times, in rounds (a change in the machine's load hits them
 * all), and the run reported is the median one by `key` (Play op indices/s, time to the first
 * picture); the key of every run is kept beside it (`runs`).
 */
function median(list, key) {
  const ok = list.filter((x) => !x.error && key(x) != null);
  if (ok.length === 0) return list[0];
  const sorted = [...ok].sort((a, b) => key(a) - key(b));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], runs: list.map((x) => (x.error ? null : key(x))) };
}
const churnRuns = { '1cpu': [], '2cpu': [] };
const pageRuns = {};

for (let round = 0; round < runs && only !== 'pages'; round++)
  for (const cpus of [1, 2]) {
    log(`churn, 10,000,000 ops, nta:blog + pow2, ${cpus} CPU(s)${runs > 1 ? `, run ${round + 1} of ${runs}` : ''}`);
    churnRuns[`${cpus}cpu`].push(
      await withPage(async (page) => {
        await openRun(page, base, `?w=churn&ops=10000000&cpus=${cpus}&a=nta:blog,pow2`);
        const play = await playToEnd(page, 600000);
        const targets = Array.from({ length: seeks }, () => Math.floor(random() * 10_000_000));
        const seekMs = [];
        for (const t of targets) seekMs.push(await seekLatency(page, t));
        const mem = await memory(page);
        const fail = await runToFailure(page, 600000);
        return {
          play: { ops: play.ops, ms: play.ms, opsPerSec: play.opsPerSec },
          frameWhilePlaying: {
            page: stats(play.raf),
            mapDraw: stats(play.maps.draw),
            mapInterval: stats(play.maps.interval),
          },
          seek: { targets, ...stats(seekMs) },
          runToFailure: fail,
          memory: mem,
        };
      }),
    );
  }
for (const [k, list] of Object.entries(churnRuns))
  if (list.length) results.churn[k] = median(list, (x) => x.play?.opsPerSec);

const POOLS = [
  { pages: 262_144, search: '?w=churn&a=nta:blog,pow2&a0.regions=262144&a1.pages=262144' },
  // NTA's blog preset takes its whole pool at start (every page written): at 4,194,304 pages that is
  // minutes of set-up before any map exists, so the NTA pool here is patch2's growth capacity.
  { pages: 4_194_304, search: '?w=churn&a=nta:patch2,pow2&a0.maxPages=4194304&a1.pages=4194304' },
];
for (let round = 0; round < runs && only !== 'churn'; round++)
  for (const pool of POOLS) {
    log(`${pool.pages.toLocaleString('en')} pages: ${pool.search}${runs > 1 ? `, run ${round + 1} of ${runs}` : ''}`);
    (pageRuns[pool.pages] ??= []).push(
      await withPage(async (page) => {
        const first = await openRun(page, base, pool.search, 300000);
        await page.getByRole('button', { name: 'Step 100' }).click();
        await waitMapsAt(page, 100);
        await mapFrames(page);
        const pz = await panZoom(page);
        return {
          search: pool.search,
          firstPicture: first,
          panZoom: {
            mapDraw: stats(pz.maps.draw),
            coarseFrames: pz.maps.coarse,
            mapInterval: stats(pz.maps.interval),
            page: stats(pz.raf),
          },
          memory: await memory(page),
        };
      }),
    );
  }
for (const [k, list] of Object.entries(pageRuns)) results.pages[k] = median(list, (x) => x.firstPicture?.totalMs);

results.machine.loadAfter = loadavg();
await browser.close();
server.kill();

if (json) console.log(JSON.stringify(results, null, 2));
else printTable(results);

function printTable(r) {
  const mb = (b) => (b == null ? '-' : `${Math.round(b / 2 ** 20)} MiB`);
  const mem = (m) =>
    `browser PSS ${mb(m.browser?.pss)} (RSS summed over its processes ${mb(m.browser?.rss)}); JS by agent (with the shared buffers each holds): ${Object.entries(
      m.byAgent,
    )
      .map(([a, b]) => `${a} ${mb(b)}`)
      .join(', ')}`;
  // With --runs: the run shown is the median one; every run's key figure follows.
  const all = (v) => (v.runs && v.runs.length > 1 ? `; the median of ${v.runs.length} runs: ${v.runs.join(', ')}` : '');
  const ms = (s) => (s && s.p50 != null ? `${s.p50} / ${s.p95} / ${s.max} ms (${s.n})` : '-');
  const rows = [];
  for (const [k, v] of Object.entries(r.churn)) {
    if (v.error) {
      rows.push([`churn ${k}`, `error: ${v.error}`]);
      continue;
    }
    rows.push([
      `churn ${k}: Play at max, op indices/s`,
      `${v.play.opsPerSec.toLocaleString('en')} (${v.play.ops.toLocaleString('en')} ops in ${v.play.ms} ms)${all(v)}`,
    ]);
    rows.push([`churn ${k}: page frame while playing p50/p95/max`, ms(v.frameWhilePlaying.page)]);
    rows.push([`churn ${k}: map draw while playing`, ms(v.frameWhilePlaying.mapDraw)]);
    rows.push([`churn ${k}: map frame interval while playing`, ms(v.frameWhilePlaying.mapInterval)]);
    rows.push([`churn ${k}: seek, release to every map at the op`, ms(v.seek)]);
    rows.push([
      `churn ${k}: Run to next failure, op indices/s`,
      `${v.runToFailure.opsPerSec.toLocaleString('en')} (to op ${v.runToFailure.ops.toLocaleString('en')} in ${v.runToFailure.ms} ms)`,
    ]);
    rows.push([`churn ${k}: memory`, mem(v.memory)]);
  }
  for (const [k, v] of Object.entries(r.pages)) {
    const n = Number(k).toLocaleString('en');
    if (v.error) {
      rows.push([`${n} pages`, `error: ${v.error}`]);
      continue;
    }
    rows.push([
      `${n} pages: first picture (navigation / map worker)`,
      `${v.firstPicture.totalMs} ms / ${v.firstPicture.mapFirstMs} ms${all(v)}`,
    ]);
    rows.push([
      `${n} pages: map draw while panning and zooming`,
      `${ms(v.panZoom.mapDraw)}, ${v.panZoom.coarseFrames} drawn coarse`,
    ]);
    rows.push([`${n} pages: map frame interval while panning and zooming`, ms(v.panZoom.mapInterval)]);
    rows.push([`${n} pages: page frame while panning and zooming`, ms(v.panZoom.page)]);
    rows.push([`${n} pages: memory`, mem(v.memory)]);
  }
  const w = Math.max(...rows.map((x) => x[0].length));
  console.log(
    `machine: ${r.machine.cores} cores, load average ${r.machine.loadBefore.map((x) => x.toFixed(2)).join(' ')} before, ${r.machine.loadAfter.map((x) => x.toFixed(2)).join(' ')} after`,
  );
  for (const [a, b] of rows) console.log(`${a.padEnd(w)}  ${b}`);
}
