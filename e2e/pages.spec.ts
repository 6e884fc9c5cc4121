import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { PNG } from 'pngjs';
import { attr, opCursor, pngSize } from './helpers';

// The pools of issue 8: 4,194,304 pages each (NTA's growth capacity, pow2's buddy zone), virtual
// until touched. Both maps must draw (from the virgin states, without reading every page), and
// hover and export must work zoomed out over millions of pages and zoomed in to a chunk.
const HUGE = '?w=churn&a=nta:patch2,pow2&a0.maxPages=4194304&a1.pages=4194304';

test('4,194,304-page maps draw, change with Step, and hover and export at every zoom', async ({ page }) => {
  test.setTimeout(120000);
  await page.goto(`/${HUGE}`);
  await page.getByTestId('confirm-run').getByRole('button', { name: 'Start the run' }).click();
  for (const m of ['map-0', 'map-1'])
    await expect(page.getByTestId(m)).toHaveAttribute('data-hash', /.+/, { timeout: 60000 });
  await expect(page.getByTestId('map-status-0')).toHaveCount(0);
  // Never blank: each map shows more than its background.
  for (const m of ['map-0', 'map-1']) {
    const png = PNG.sync.read(await page.getByTestId(m).screenshot());
    const seen = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) seen.add(png.data.readUInt32BE(i));
    expect(seen.size).toBeGreaterThan(1);
  }
  const hash = await attr(page, 'map-1', 'data-hash');
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBe(100);
  await expect.poll(() => attr(page, 'map-1', 'data-op')).toBe('100');
  await expect.poll(() => attr(page, 'map-1', 'data-hash')).not.toBe(hash);

  // Zoomed out: a pixel covers many pages.
  const map = page.getByTestId('map-1');
  const box = (await map.boundingBox())!;
  await page.mouse.move(box.x + 0.5, box.y + 0.5);
  const tip = page.getByTestId('map-tip-1');
  await expect(tip).toContainText(/^pages 0\.\.\d+ \(\d+ pages\)/);
  await expect(tip).toContainText('under the pointer: page 0, chunk');
  // Zoomed in at the top-left corner until one pixel is one chunk (or less).
  for (let i = 0; i < 16 && !((await attr(page, 'map-1', 'data-scale')) ?? '').match(/^0\.\d+x0\.\d+$/); i++) {
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(50);
  }
  expect(await attr(page, 'map-1', 'data-scale')).toMatch(/^0\.\d+x0\.\d+$/);
  await page.mouse.move(box.x + 1.5, box.y + 1.5);
  await expect(tip).toContainText(/^page 0, chunk \d+ \(of \d+\)state: /);

  const view = page.waitForEvent('download', { timeout: 30000 });
  await page.getByRole('button', { name: 'Export view' }).first().click();
  const v = await view;
  expect(v.suggestedFilename()).toMatch(/^fragscope_churn_nta_patch2_op100_view\.png$/);
  const shown = (await page.getByTestId('map-0').boundingBox())!;
  expect(pngSize(await readFile((await v.path())!)).width).toBe(Math.round(shown.width));
});
