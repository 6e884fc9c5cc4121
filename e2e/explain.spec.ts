/**
 * Why did this fail: f / Shift+f and a click on a failed op go to a failure; the maps show the
 * overlay (the canvas's data-overlay names its layers) and the panel the paragraph, whose
 * numbers are the CLI's --json for the same run.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { attr, openApp, opCursor, pngSize } from './helpers';

interface CliFailure {
  op: number;
  explanation?: { paragraph: string };
}

/** The CLI's --json failures of the first allocator for the same setup. */
function cliFailures(...args: string[]): CliFailure[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'engine/cli/main.ts', 'run', ...args, '--json'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`cli failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { allocators: { failures: CliFailure[] }[] }).allocators[0].failures;
}

const overlay = (page: Page) => attr(page, 'map-0', 'data-overlay');

/** Keys act only once the run is ready (Step enabled). */
async function pressWhenReady(page: Page, key: string): Promise<void> {
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled({ timeout: 30000 });
  await page.locator('body').press(key);
}

test('NTA on producer-consumer: f explains the failure with the numbers of --json; a click and Shift+f come back', async ({
  page,
}) => {
  const cli = cliFailures('--allocators', 'nta:blog', '--workload', 'producer-consumer', '--cpus', '2', '--seed', '1');
  expect(cli.length).toBeGreaterThan(2);
  await openApp(page, '?w=producer-consumer&a=nta:blog&cpus=2&seed=1&sched=lockstep');
  await pressWhenReady(page, 'f');
  const para = page.getByTestId('explain-0');
  await expect(para).toBeVisible({ timeout: 60000 });
  expect(await opCursor(page)).toBe(cli[0].op + 1);
  await expect(para).toHaveText(cli[0].explanation?.paragraph ?? 'missing');
  await expect(para).toContainText('waits in its remote-free queue');
  await expect(page.getByTestId('explain-0-pending-remote')).toBeVisible();
  await expect.poll(() => overlay(page), { timeout: 15000 }).toMatch(/pending-remote:[1-9]/);
  expect(await overlay(page)).toMatch(/largest-free:[1-9]/);
  await page.getByTestId('failure-explain').screenshot({ path: 'test-results/explain-nta-paragraph.png' });
  await page.getByTestId('map-0').screenshot({ path: 'test-results/explain-nta-map.png' });

  // Leaving the failure clears both.
  await pressWhenReady(page, 'ArrowRight');
  await expect(page.getByTestId('failure-explain')).toHaveCount(0);
  await expect.poll(() => overlay(page), { timeout: 15000 }).not.toMatch(/pending-remote/);

  // A click on the failed op in the op list goes back to it.
  await page.getByTestId(`outcome-${cli[0].op}-0`).click();
  await expect(para).toHaveText(cli[0].explanation?.paragraph ?? 'missing');
  expect(await opCursor(page)).toBe(cli[0].op + 1);

  // f: the next failure; Shift+f: the previous one.
  await pressWhenReady(page, 'f');
  await expect.poll(() => opCursor(page), { timeout: 60000 }).toBe(cli[1].op + 1);
  await expect(para).toHaveText(cli[1].explanation?.paragraph ?? 'missing');
  await pressWhenReady(page, 'Shift+F');
  await expect.poll(() => opCursor(page), { timeout: 60000 }).toBe(cli[0].op + 1);
  await expect(para).toHaveText(cli[0].explanation?.paragraph ?? 'missing');
});

test('SLUB on seed-fragmentation: the cache, the zone and the refused new_slab, as --json says', async ({ page }) => {
  const cli = cliFailures('--allocators', 'slub:2.6.22', '--workload', 'seed-fragmentation', '--seed', '1');
  await openApp(page, '?w=seed-fragmentation&a=slub:2.6.22&seed=1');
  await pressWhenReady(page, 'f');
  const para = page.getByTestId('explain-0');
  await expect(para).toBeVisible({ timeout: 60000 });
  expect(await opCursor(page)).toBe(cli[0].op + 1);
  await expect(para).toHaveText(cli[0].explanation?.paragraph ?? 'missing');
  await expect(para).toContainText('new_slab of kmalloc-');
  await expect.poll(() => overlay(page), { timeout: 15000 }).toMatch(/other-classes:[1-9]/);
  await page.getByTestId('failure-explain').screenshot({ path: 'test-results/explain-slub-paragraph.png' });
  await page.getByTestId('map-0').screenshot({ path: 'test-results/explain-slub-map.png' });
});

test('Export report: each map at each failure with its explanation, and the charts, in one HTML page', async ({
  page,
}) => {
  const run = (a: string) => cliFailures('--allocators', a, '--workload', 'seed-fragmentation', '--seed', '1');
  const nta = run('nta:blog');
  const slab = run('slab:2.6.18-x86_64');
  const ops = [...new Set([...nta, ...slab].map((f) => f.op))].sort((x, y) => x - y);
  expect(ops.length).toBe(8);
  const end = ops[ops.length - 1] + 1;
  await openApp(page, `?w=seed-fragmentation&a=nta:blog,slab:2.6.18-x86_64&seed=1&op=${end}`);
  await expect.poll(() => opCursor(page), { timeout: 30000 }).toBe(end);
  const download = page.waitForEvent('download', { timeout: 60000 });
  await page.getByRole('button', { name: 'Export report' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`fragscope_report_seed-fragmentation_op${end}.html`);
  const html = await readFile((await file.path()) ?? '', 'utf8');
  // Eight failures, a map per allocator at each, every one the whole pool at one pixel per chunk.
  expect(html.match(/<section class="failure"/g)).toHaveLength(8);
  const imgs = [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)"/g)];
  expect(imgs).toHaveLength(16);
  for (const m of imgs) expect(pngSize(Buffer.from(m[1], 'base64'))).toEqual({ width: 4094, height: 128 });
  // Each failure's paragraph is the CLI's, and the charts are there as SVG.
  for (const f of [...nta, ...slab]) expect(html).toContain(escapeHtml(f.explanation?.paragraph ?? 'missing'));
  expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(4);
  // The cursor is back where it was.
  await expect.poll(() => opCursor(page), { timeout: 30000 }).toBe(end);
  await page.setContent(html);
  await page.screenshot({ path: 'test-results/explain-report.png', fullPage: false });
});

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
