import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { PNG } from 'pngjs';
import { DIFF_PALETTE } from '../engine/render/diff';
import { openApp, opCursor } from './helpers';

test('the diff view compares two maps at the op and exports them as a PNG', async ({ page }) => {
  await openApp(page, '?w=seed-fragmentation&a=nta:blog,pow2');
  for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBe(500);
  await page.getByTestId('diff-open').click();
  const cv = page.getByTestId('diff-canvas');
  await expect(cv).toHaveAttribute('data-op', '500');
  const counts = ((await cv.getAttribute('data-counts')) ?? '').split(',').map(Number);
  // Every byte of the two 4094-page pools is in one class; each allocator has memory free where the other has not.
  expect(counts.reduce((a, b) => a + b, 0)).toBe(4094 * 4096);
  expect(counts[2]).toBeGreaterThan(0);
  expect(counts[3]).toBeGreaterThan(0);
  await page.getByTestId('diff-view').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/diff-view.png' });

  const download = page.waitForEvent('download', { timeout: 30000 });
  await page.getByTestId('diff-export').click();
  const d = await download;
  expect(d.suggestedFilename()).toBe(
    'fragscope_seed-fragmentation_nta-blog-vs-pow2_diff_nta-blog-vs-pow2-slab-like_op500.png',
  );
  const png = PNG.sync.read(await readFile((await d.path())!));
  expect(png.width).toBe(4094);
  // The caption band (16 rows) over 128 rows of 32-byte cells.
  expect(png.height).toBe(16 + 128);
  // The picture's blue and orange pixels are the bytes free in one allocator only (32 B a pixel).
  const px = (c: readonly number[]) => {
    let n = 0;
    for (let i = 16 * png.width * 4; i < png.data.length; i += 4)
      if (png.data[i] === c[0] && png.data[i + 1] === c[1] && png.data[i + 2] === c[2]) n++;
    return n;
  };
  expect(px(DIFF_PALETTE[2]) * 32).toBe(counts[2]);
  expect(px(DIFF_PALETTE[3]) * 32).toBe(counts[3]);
});
