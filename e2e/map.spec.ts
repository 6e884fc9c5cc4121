import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { attr, openApp, opCursor, pngSize, settledHash } from './helpers';

const BIG = '?w=churn&a=nta:blog,pow2&a0.regions=262144&a1.pages=262144';

/** Open a large run (it asks first) and wait for both maps. */
async function openBig(page: Page): Promise<void> {
  await page.goto(`/${BIG}`);
  await page.getByTestId('confirm-run').getByRole('button', { name: 'Start the run' }).click();
  for (const m of ['map-0', 'map-1'])
    await expect(page.getByTestId(m)).toHaveAttribute('data-hash', /.+/, { timeout: 60000 });
}

/** The map's pixels as the page shows them (the worker draws them; the page cannot read them). */
async function pixels(page: Page, testId: string): Promise<PNG> {
  return PNG.sync.read(await page.getByTestId(testId).screenshot());
}

const colours = (p: PNG): Set<number> => {
  const s = new Set<number>();
  for (let i = 0; i < p.data.length; i += 4) s.add(p.data.readUInt32BE(i));
  return s;
};

const differing = (a: PNG, b: PNG): number => {
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) if (a.data.readUInt32BE(i) !== b.data.readUInt32BE(i)) n++;
  return n;
};

test('a 262,144-page map is drawn, not blank, and Step changes it', async ({ page }) => {
  await openBig(page);
  await expect(page.getByText('262,144 pages x 128 chunks of 32 B in 16 bands of 16,384 pages').first()).toBeVisible();
  await expect(page.getByTestId('map-status-0')).toHaveCount(0);
  const before = [await pixels(page, 'map-0'), await pixels(page, 'map-1')];
  // NTA's pool is all free (green), pow2's all unheld: each map is its colours, band lines between.
  const green = 0x22b14cff;
  expect(colours(before[0]).has(green)).toBe(true);
  expect(colours(before[1]).size).toBeGreaterThan(1);
  const hashes = [await settledHash(page, 'map-0'), await settledHash(page, 'map-1')];
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBe(100);
  await expect.poll(() => attr(page, 'map-1', 'data-op')).toBe('100');
  await expect.poll(() => attr(page, 'map-0', 'data-hash')).not.toBe(hashes[0]);
  await expect.poll(() => attr(page, 'map-1', 'data-hash')).not.toBe(hashes[1]);
  // And the picture: the first pages used by the churn show at the top left.
  await expect.poll(async () => differing(before[0], await pixels(page, 'map-0'))).toBeGreaterThan(0);
  await expect.poll(async () => differing(before[1], await pixels(page, 'map-1'))).toBeGreaterThan(0);
});

test('hover at every zoom: pages and totals zoomed out, the chunk and its block zoomed in', async ({ page }) => {
  await openBig(page);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => attr(page, 'map-0', 'data-op')).toBe('1');
  const map = page.getByTestId('map-0');
  const box = (await map.boundingBox())!;
  await page.mouse.move(box.x + 0.5, box.y + 0.5);
  const tip = page.getByTestId('map-tip-0');
  await expect(tip).toContainText(/^pages 0\.\.\d+ \(\d+ pages\) from 0x2554000/);
  await expect(tip).toContainText(/free: [\d,]+ chunks/);
  await expect(tip).toContainText('under the pointer: page 0, chunk');
  // Zoom in at the top-left corner until one pixel is one chunk (or less).
  for (let i = 0; i < 12 && !((await attr(page, 'map-0', 'data-scale')) ?? '').match(/^0\.\d+x0\.\d+$/); i++) {
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(50);
  }
  expect(await attr(page, 'map-0', 'data-scale')).toMatch(/^0\.\d+x0\.\d+$/);
  await page.mouse.move(box.x + 1.5, box.y + 1.5);
  await expect(tip).toContainText(/^page 0, chunk \d \(of 128\)state: used/);
  await expect(tip).toContainText(/allocation 0x2554000: \d+ B requested, \d+ B rounded/);
  await expect(tip).toContainText('owner CPU: 0');
});

test('keys move the focused map (+ zooms, 0 fits) and do not step the run', async ({ page }) => {
  await openApp(page, '?w=churn&a=nta:blog');
  const host = page.locator('.map-host').first();
  const fit = await attr(page, 'map-0', 'data-scale');
  await host.focus();
  await page.keyboard.press('+');
  // A smooth move: it ends 1.5 times closer on both axes.
  const [p0, r0] = (fit ?? '').split('x').map(Number);
  const ratio = async () => {
    const [p1, r1] = ((await attr(page, 'map-0', 'data-scale')) ?? '').split('x').map(Number);
    return [Math.round((p0 / p1) * 100) / 100, Math.round((r0 / r1) * 100) / 100];
  };
  await expect.poll(ratio).toEqual([1.5, 1.5]);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('0');
  await expect.poll(() => attr(page, 'map-0', 'data-scale')).toBe(fit);
  expect(await opCursor(page)).toBe(0);
});

test('Reset shows the picture of op 0 again', async ({ page }) => {
  await openApp(page, '?w=seed-fragmentation&a=nta:blog');
  const start = await settledHash(page, 'map-0');
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => attr(page, 'map-0', 'data-hash')).not.toBe(start);
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect.poll(() => opCursor(page)).toBe(0);
  await expect.poll(() => attr(page, 'map-0', 'data-op')).toBe('0');
  expect(await settledHash(page, 'map-0')).toBe(start);
});

test('the worst-state mode shows what the blend hides', async ({ page }) => {
  await openBig(page);
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => attr(page, 'map-1', 'data-op')).toBe('100');
  const blend = await pixels(page, 'map-1');
  await page.getByLabel('pixel shows').selectOption('worst');
  await expect.poll(async () => differing(blend, await pixels(page, 'map-1'))).toBeGreaterThan(0);
  // The pages pow2 dedicated show red (used) at the top left, whatever their share.
  const worst = await pixels(page, 'map-1');
  expect(worst.data.readUInt32BE((2 * worst.width + 2) * 4)).toBe(0xe02020ff);
});

test('Export PNG of 262,144 pages is one 16384 x 2048 image; Export view is the canvas', async ({ page }) => {
  await openBig(page);
  const one = page.waitForEvent('download', { timeout: 60000 });
  await page.getByRole('button', { name: 'Export PNG' }).click();
  const d = await one;
  expect(d.suggestedFilename()).toBe('fragscope_churn_nta_blog_op0.png');
  expect(pngSize(await readFile((await d.path())!))).toEqual({ width: 16384, height: 2048 });
  const view = page.waitForEvent('download', { timeout: 30000 });
  await page.getByRole('button', { name: 'Export view' }).click();
  const v = await view;
  expect(v.suggestedFilename()).toBe('fragscope_churn_nta_blog_op0_view.png');
  const box = (await page.getByTestId('map-0').boundingBox())!;
  expect(pngSize(await readFile((await v.path())!)).width).toBe(Math.round(box.width));
});

test('a map that cannot be drawn says why', async ({ page }) => {
  await page.addInitScript(() => {
    delete (HTMLCanvasElement.prototype as { transferControlToOffscreen?: unknown }).transferControlToOffscreen;
  });
  await page.goto('/');
  await expect(page.getByTestId('map-status-0')).toHaveText(
    'The map cannot be drawn: this browser cannot hand a canvas to a worker (no OffscreenCanvas), so the map cannot be drawn.',
  );
});
