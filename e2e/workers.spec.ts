import { expect, test } from '@playwright/test';
import { attr, openApp, opCursor } from './helpers';

// Issue 3: the engine runs in browser Web Workers, one per simulated CPU, over SharedArrayBuffer.
test('free-running on two CPU workers: generations advance, the map changes, remote frees show as pending', async ({
  page,
}) => {
  await openApp(page, '?w=producer-consumer&cpus=2&sched=free&ops=300000&a=nta:blog');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const gen0 = Number(await attr(page, 'map-0', 'data-generation'));
  const hash0 = await attr(page, 'map-0', 'data-hash');
  await page.getByRole('button', { name: 'Play' }).click();
  // While it runs, buffers freed on CPU 1 wait in CPU 0's queue: pending remote frees on the map.
  await expect
    .poll(async () => Number(await attr(page, 'map-0', 'data-pending')), { timeout: 30000 })
    .toBeGreaterThan(0);
  await expect.poll(async () => Number(await attr(page, 'map-0', 'data-generation'))).toBeGreaterThan(gen0 + 3);
  await expect.poll(() => attr(page, 'map-0', 'data-hash')).not.toBe(hash0);
  await expect.poll(() => opCursor(page), { timeout: 60000 }).toBeGreaterThan(290000); // the run ends
  await expect(page.getByRole('button', { name: 'Pause' })).toBeDisabled({ timeout: 10000 });
  // The control worker and the CPU workers it started (nested workers may not be listed by every browser).
  expect(page.workers().length).toBeGreaterThanOrEqual(1);
});
