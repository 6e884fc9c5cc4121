/**
 * Why did this fail: f / Shift+f and a click on a failed op go to a failure; the maps show the
 * overlay (the canvas's data-overlay names its layers) and the panel the paragraph, whose
 * numbers are the CLI's --json for the same run.
 */
import { spawnSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { attr, openApp, opCursor } from './helpers';

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
