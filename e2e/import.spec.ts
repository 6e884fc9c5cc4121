import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { type BigTrace, writeBigTrace } from './big-trace';
import { openApp, opCursor, settledHash } from './helpers';

const BIG_BYTES = 50 * 1000 * 1000;
let dir = '';
let bigPath = '';
let big: BigTrace;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fragscope-import-'));
  bigPath = join(dir, 'big.ftrace.txt');
  big = await writeBigTrace(bigPath, BIG_BYTES);
});
test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Proportional set size (KiB) of this test worker's descendants: the browser, its renderers and
 * workers (PSS, so pages shared between them count once).
 */
function browserPssKiB(): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of rows)
      if (mine.has(ppid) && !mine.has(pid)) {
        mine.add(pid);
        grew = true;
      }
  }
  let kib = 0;
  for (const pid of mine) {
    if (pid === process.pid) continue;
    try {
      const m = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      kib += Number(m?.[1] ?? 0);
    } catch {
      // The process ended between ps and the read.
    }
  }
  return kib;
}

/** Record every value the import progress bar takes (a MutationObserver in the page). */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { progress: number[][] };
    w.progress = [];
    new MutationObserver(() => {
      const p = document.querySelector<HTMLProgressElement>('[data-testid=import-progress] progress');
      if (p) w.progress.push([p.value, p.max]);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

const summaryValue = (page: Page, key: string) => page.locator(`[data-testid=import-summary] tr[data-key=${key}] td`);
const n = (x: number) => x.toLocaleString('en');

test('a 50 MB trace streams in through the file input: the progress bar moves, then its summary', async ({ page }) => {
  test.setTimeout(120000);
  await openApp(page);
  await recordProgress(page);
  const rss0 = browserPssKiB();
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, browserPssKiB())), 100);
  const t0 = Date.now();
  await page.getByTestId('trace-file').setInputFiles(bigPath);
  await expect(page.getByTestId('import-progress')).toBeVisible();
  await expect(page.getByTestId('import-summary')).toBeVisible({ timeout: 90000 });
  const ms = Date.now() - t0;
  clearInterval(sampler);
  await expect(page.getByTestId('import-progress')).toHaveCount(0);

  const seen = await page.evaluate(() => (window as unknown as { progress: number[][] }).progress);
  const partial = seen.filter(([v, max]) => v > 0 && v < max && max === seen[seen.length - 1][1]);
  expect(new Set(partial.map(([v]) => v)).size).toBeGreaterThanOrEqual(2);

  await expect(summaryValue(page, 'format')).toHaveText('ftrace');
  await expect(summaryValue(page, 'allocations')).toHaveText(n(big.allocations));
  await expect(summaryValue(page, 'frees')).toHaveText(n(big.frees));
  await expect(summaryValue(page, 'nullFrees')).toHaveText(n(big.nullFrees));
  await expect(summaryValue(page, 'events')).toHaveText(n(big.allocations + big.frees + big.nullFrees));
  await expect(summaryValue(page, 'failedAllocations')).toHaveText('0');
  await expect(summaryValue(page, 'cpus')).toHaveText(String(big.cpus));
  await expect(summaryValue(page, 'largestRequest')).toHaveText(`${n(big.largest)} B`);
  await expect(page.getByLabel('workload')).toHaveValue('trace:local:big.ftrace.txt');
  // The run gets the trace's CPU count, and the panel says so.
  await expect(page.getByLabel('CPUs')).toHaveValue(String(big.cpus));
  await expect(page.getByTestId('trace-cpus')).toContainText(`${big.cpus} CPUs in the trace: the run uses as many`);
  if (process.env.SHOTS_DIR)
    await page.getByLabel('run setup').screenshot({ path: `${process.env.SHOTS_DIR}/import-summary.png` });
  console.log(
    `import of ${(big.bytes / 1e6).toFixed(1)} MB, ${n(big.lines)} lines: ${ms} ms, ` +
      `${(big.bytes / 1e3 / ms).toFixed(1)} MB/s, ${n(Math.round((big.lines * 1000) / ms))} lines/s; ` +
      `browser PSS ${Math.round(rss0 / 1024)} MiB before, peak ${Math.round(peak / 1024)} MiB`,
  );

  await page.getByRole('button', { name: 'Apply changes' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('t')).toBe('local:big.ftrace.txt');
  const tApplied = Date.now();
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBe(100);
  // The call-site table of the whole trace (a run of its own in the control worker).
  await expect(page.getByTestId('callsite-row')).toHaveCount(big.sites.length, { timeout: 60000 });
  await expect(page.getByTestId('callsite-total').locator('td').nth(1)).toHaveText(n(big.allocations));
  console.log(`call-site table of ${n(big.allocations + big.frees)} ops ready ${Date.now() - tApplied} ms after Apply`);
  await expect(page.getByTestId('worker-error')).toHaveCount(0);
});

test('Cancel mid-way keeps the trace and the run loaded before, unchanged', async ({ page }) => {
  test.setTimeout(120000);
  await openApp(page);
  await page
    .getByTestId('trace-file')
    .setInputFiles({ name: 'tiny.ops', mimeType: 'text/plain', buffer: Buffer.from('a 1 120\na 2 200\nf 1\n') });
  await expect(page.getByTestId('trace-info')).toContainText('trace tiny.ops (ops, 3 ops)');
  await page.getByRole('button', { name: 'Apply changes' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('t')).toBe('local:tiny.ops');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => opCursor(page)).toBe(1);
  const hash = await settledHash(page, 'map-0');
  const url = page.url();

  // Cancel is pressed in the page as soon as the bar has moved (a click from here could come after the end).
  const cancelled = page.evaluate(
    () =>
      new Promise<number[]>((resolve) => {
        const obs = new MutationObserver(() => {
          const p = document.querySelector<HTMLProgressElement>('[data-testid=import-progress] progress');
          if (!p || p.value <= 0) return;
          obs.disconnect();
          const at = [p.value, p.max];
          [...document.querySelectorAll<HTMLButtonElement>('[data-testid=import-progress] button')]
            .find((b) => b.textContent === 'Cancel')
            ?.click();
          resolve(at);
        });
        obs.observe(document.body, { subtree: true, childList: true, attributes: true });
      }),
  );
  await page.getByTestId('trace-file').setInputFiles(bigPath);
  const [at, max] = await cancelled;
  expect(at).toBeGreaterThan(0);
  expect(at).toBeLessThan(max);
  await expect(page.getByTestId('trace-msg')).toContainText('Cancelled. The setup and the current run are unchanged.');
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  await expect(page.getByLabel('workload')).toHaveValue('trace:local:tiny.ops');
  await expect(page.getByTestId('trace-info')).toContainText('trace tiny.ops (ops, 3 ops)');
  await expect(page.getByLabel('workload').locator('option', { hasText: 'big.ftrace.txt' })).toHaveCount(0);
  expect(await opCursor(page)).toBe(1);
  expect(await settledHash(page, 'map-0')).toBe(hash);
  expect(page.url()).toBe(url);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => opCursor(page)).toBe(2);
});

test('a file dragged over the page shows the drop target; dropped on the maps, it is imported', async ({ page }) => {
  await openApp(page);
  const text = 'Alloc(64),\nAlloc(32),\nFree(0),\n';
  await page.getByTestId('map-0').evaluate((el, t) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], 'dropped.trace', { type: 'text/plain' }));
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, text);
  await expect(page.getByTestId('drop-target')).toBeVisible();
  await expect(page.getByTestId('drop-target')).toContainText('Drop a trace file');
  await page.getByTestId('map-0').evaluate((el, t) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], 'dropped.trace', { type: 'text/plain' }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, text);
  await expect(page.getByTestId('drop-target')).toHaveCount(0);
  await expect(page.getByTestId('trace-info')).toContainText('trace dropped.trace (wee, 3 ops)');
  await expect(summaryValue(page, 'allocations')).toHaveText('2');
  await expect(summaryValue(page, 'frees')).toHaveText('1');
});

test('unreadable lines are skipped, counted by reason and quoted with their line numbers in the summary', async ({
  page,
}) => {
  await openApp(page);
  const event = (i: number, rest: string) =>
    `     kworker/0:1-90  [000] d..1.  1.${String(i).padStart(6, '0')}: ${rest}`;
  const lines = Array.from({ length: 30 }, (_, i) =>
    event(
      i,
      `kmalloc: call_site=foo+0x1/0x2 ptr=ffff8881${(i * 64).toString(16).padStart(8, '0')} bytes_req=32 bytes_alloc=32 gfp_flags=GFP_KERNEL`,
    ),
  );
  lines.splice(
    5,
    0,
    event(5, 'kmalloc: call_site=foo+0x1/0x2 ptr=ffff888100000 bytes_req=abc bytes_alloc=32 gfp_flags=GFP_KERNEL'),
  );
  lines.splice(9, 0, event(9, 'kfree: call_site=foo+0x1/0x2'));
  await page
    .getByTestId('trace-file')
    .setInputFiles({ name: 'warn.ftrace.txt', mimeType: 'text/plain', buffer: Buffer.from(lines.join('\n') + '\n') });
  await expect(summaryValue(page, 'allocations')).toHaveText('30');
  await expect(summaryValue(page, 'skipped')).toHaveText('2: unreadable 2');
  const warnings = page.getByTestId('import-warnings');
  await expect(warnings).toContainText('2 unreadable lines were skipped; the first 2:');
  await expect(warnings.locator('li').nth(0)).toContainText('line 6: kmalloc without a readable bytes_req=');
  await expect(warnings.locator('li').nth(0)).toContainText('bytes_req=abc');
  await expect(warnings.locator('li').nth(1)).toContainText('line 10: kfree without ptr=');
});

/** The map's pixels as the page shows them (the worker draws them; the page cannot read them). */
async function pixels(page: Page, testId: string): Promise<PNG> {
  return PNG.sync.read(await page.getByTestId(testId).screenshot());
}
const differing = (a: PNG, b: PNG): number => {
  let d = 0;
  for (let i = 0; i < a.data.length; i += 4) if (a.data.readUInt32BE(i) !== b.data.readUInt32BE(i)) d++;
  return d;
};
const siteCount = async (page: Page, testId: string): Promise<number> => {
  const o = (await page.getByTestId(testId).getAttribute('data-overlay')) ?? '';
  const m = /(?:^|,)site:(\d+)/.exec(o);
  return m ? Number(m[1]) : -1;
};

test('selecting a call site tints its live blocks on every map, follows the cursor, and clears', async ({ page }) => {
  const small = join(dir, 'sites.ftrace.txt');
  const s = await writeBigTrace(small, 300_000);
  await openApp(page);
  await page.getByTestId('trace-file').setInputFiles(small);
  await expect(summaryValue(page, 'allocations')).toHaveText(n(s.allocations));
  await page.getByRole('button', { name: 'Apply changes' }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('t')).toBe('local:sites.ftrace.txt');
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBe(100);
  const table = page.getByTestId('call-sites');
  const rows = table.getByTestId('callsite-row');
  await expect(rows).toHaveCount(s.sites.length);
  // The totals row sums the generator's allocations.
  await expect(table.getByTestId('callsite-total').locator('td').nth(1)).toHaveText(n(s.allocations));
  // Sortable: by allocations ascending, then descending.
  await table.getByRole('button', { name: /^allocs/ }).click();
  await expect(table.locator('th[aria-sort=descending]')).toHaveText(/allocs/);
  await table.getByRole('button', { name: /^allocs/ }).click();
  await expect(table.locator('th[aria-sort=ascending]')).toHaveText(/allocs/);

  const maps = ['map-0', 'map-1'];
  for (const m of maps) await settledHash(page, m);
  const before = await Promise.all(maps.map((m) => pixels(page, m)));
  const site = s.sites[0];
  await rows.filter({ hasText: site }).click();
  await expect(rows.filter({ hasText: site })).toHaveAttribute('aria-selected', 'true');
  // 100 ops: 100 allocations (the first free comes after 200), 20 at each of the 5 sites, all live.
  for (const m of maps) await expect.poll(() => siteCount(page, m)).toBe(20);
  for (const [i, m] of maps.entries())
    await expect.poll(async () => differing(before[i], await pixels(page, m))).toBeGreaterThan(0);
  if (process.env.SHOTS_DIR)
    await page.locator('.main').screenshot({ path: `${process.env.SHOTS_DIR}/call-sites.png` });
  // The cursor moves: the marks follow it.
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBe(200);
  for (const m of maps) await expect.poll(() => siteCount(page, m)).toBe(40);
  // Deselected: nothing marked.
  await rows.filter({ hasText: site }).click();
  for (const m of maps) await expect.poll(() => siteCount(page, m)).toBe(-1);
});

test('screenshot of an import under way (SHOTS_DIR only)', async ({ page }) => {
  test.skip(!process.env.SHOTS_DIR, 'screenshots only');
  await openApp(page);
  const cdp = await page.context().newCDPSession(page);
  const box = await page.getByLabel('run setup').boundingBox();
  await page.getByTestId('trace-file').setInputFiles(bigPath);
  await expect(page.getByTestId('import-progress')).toContainText(/lines\/s/);
  // CDP's own capture: fast enough to catch the bar of a one-second import.
  const shot = (await cdp.send('Page.captureScreenshot', {
    format: 'png',
    clip: { x: box?.x ?? 0, y: box?.y ?? 0, width: box?.width ?? 400, height: 260, scale: 1 },
  })) as { data: string };
  writeFileSync(`${process.env.SHOTS_DIR}/import-progress.png`, Buffer.from(shot.data, 'base64'));
});
