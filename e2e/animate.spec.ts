import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { createAllocator } from '../engine/allocators/registry';
import { frameLane, frameLayout } from '../engine/render/frames';
import { decodeGif } from '../engine/render/test-gif';
import { openApp, opCursor } from './helpers';

/** The frame size the composer gives the blog NTA and pow2 (two 4094 x 128 maps, stacked). */
function expectedSize(): { width: number; height: number } {
  const lanes = [{ kind: 'nta' as const, preset: 'blog' as const }, { kind: 'pow2' as const }].map((s) => {
    const a = createAllocator(s, 1);
    return frameLane(a.label, a.geometry);
  });
  const l = frameLayout(lanes);
  return { width: l.width, height: l.height };
}

test('exports a GIF of 100 frames with a progress bar, and the run goes back to its op', async ({ page }) => {
  test.setTimeout(120000);
  await openApp(page, '?w=seed-fragmentation&a=nta:blog,pow2');
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBe(100);
  await page.getByTestId('animate-open').click();
  await page.getByTestId('animate-from').fill('0');
  await page.getByTestId('animate-to').fill('1980');
  await page.getByTestId('animate-every').fill('20');
  await expect(page.getByTestId('animate-count')).toHaveText(/^100 frames/);
  const download = page.waitForEvent('download', { timeout: 90000 });
  await page.getByTestId('animate-go').click();
  await expect(page.getByTestId('animate-progress')).toBeVisible();
  await expect(page.getByTestId('animate-cancel')).toBeVisible();
  await page.screenshot({ path: 'test-results/animate-dialog-progress.png' });
  const d = await download;
  expect(d.suggestedFilename()).toBe('fragscope_seed-fragmentation_nta-blog-vs-pow2_ops0-1980-every20.gif');
  const frames = decodeGif(new Uint8Array(await readFile((await d.path())!)));
  expect(frames.length).toBe(100);
  const size = expectedSize();
  expect(size.width).toBe(4094);
  for (const f of frames) expect({ width: f.width, height: f.height }).toEqual(size);
  await expect(page.getByTestId('animate-status')).toHaveText('Exported 100 frames (ops 0 to 1980).');
  await expect.poll(() => opCursor(page)).toBe(100);
});

test('Cancel stops an export between frames', async ({ page }) => {
  await openApp(page, '?w=seed-fragmentation&a=nta:blog,pow2');
  await page.getByTestId('animate-open').click();
  await page.getByTestId('animate-to').fill('50000');
  await page.getByTestId('animate-every').fill('10');
  await page.getByTestId('animate-go').click();
  await expect
    .poll(async () => Number(await page.getByTestId('animate-progress').getAttribute('value')))
    .toBeGreaterThan(2);
  await page.getByTestId('animate-cancel').click();
  await expect(page.getByTestId('animate-status')).toHaveText('Export cancelled.');
  await expect(page.getByTestId('animate-progress')).toHaveCount(0);
});

test('exports a WebM filmed from the frames', async ({ page }) => {
  await openApp(page, '?w=seed-fragmentation&a=nta:blog,pow2');
  await page.getByTestId('animate-open').click();
  await page.getByTestId('animate-to').fill('190');
  await page.getByTestId('animate-every').fill('10');
  await page.getByTestId('animate-fps').fill('20');
  await page.getByTestId('animate-format').selectOption('webm');
  const download = page.waitForEvent('download', { timeout: 30000 });
  await page.getByTestId('animate-go').click();
  const d = await download;
  expect(d.suggestedFilename()).toMatch(/_ops0-190-every10\.webm$/);
  const bytes = await readFile((await d.path())!);
  // An EBML header (WebM's container) and more than a header's worth of video.
  expect([...bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
  expect(bytes.length).toBeGreaterThan(1000);
  await expect(page.getByTestId('animate-status')).toHaveText('Exported 20 frames (ops 0 to 190).');
});
