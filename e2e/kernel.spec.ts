import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { attr, openApp, opCursor } from './helpers';

/** NTA, SLAB 2.6.18, SLUB 3.6 and pow2 side by side on one cursor (issue 9's comparison). */
const FOUR = '?w=seed-fragmentation&cpus=2&a=nta:blog,slab:2.6.18-x86_64,slub:3.6-i386,pow2';
const shots = process.env.SHOTS_DIR;

async function openFour(page: Page, extra = ''): Promise<void> {
  await openApp(page, FOUR + extra);
  for (const m of ['map-0', 'map-1', 'map-2', 'map-3'])
    await expect(page.getByTestId(m)).toHaveAttribute('data-hash', /.+/, { timeout: 30000 });
}

const pixels = async (page: Page, testId: string): Promise<PNG> =>
  PNG.sync.read(await page.getByTestId(testId).screenshot());

const differing = (a: PNG, b: PNG): number => {
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) if (a.data.readUInt32BE(i) !== b.data.readUInt32BE(i)) n++;
  return n;
};

test('four maps, the slabinfo tables and the buddy charts run live on one cursor', async ({ page }) => {
  await openFour(page);
  const slab = page.getByTestId('slabinfo-1'),
    slub = page.getByTestId('slabinfo-2');
  await expect(slab.locator('th')).toContainText(['cache', 'objsize', 'active_objs', 'num_objs', 'objperslab']);
  await expect(slab.locator('th')).toContainText(['limit', 'batchcount', 'cpu avail', 'sharedavail']);
  await expect(slub.locator('th')).not.toContainText(['limit']);
  await expect(page.getByTestId('slabinfo-0')).toHaveCount(0); // NTA has no caches
  await expect(page.getByTestId('buddyinfo-1')).toHaveAttribute('title', /^Node 0, zone {3}Normal( +\d+){11} $/);
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBe(100);
  await expect(slab).toHaveAttribute('data-op', '100');
  const before = {
    slab: await slab.locator('tbody').textContent(),
    slub: await slub.locator('tbody').textContent(),
    buddy: await page.getByTestId('buddyinfo-1').textContent(),
  };
  const maps = await Promise.all([0, 1, 2, 3].map((i) => attr(page, `map-${i}`, 'data-hash')));

  await page.getByRole('button', { name: 'Play' }).click();
  // While it plays: the tables and the buddyinfo line change, the cursor moves.
  await expect.poll(() => slab.locator('tbody').textContent(), { timeout: 15000 }).not.toBe(before.slab);
  await expect.poll(() => slub.locator('tbody').textContent(), { timeout: 15000 }).not.toBe(before.slub);
  await expect.poll(() => page.getByTestId('buddyinfo-1').textContent(), { timeout: 15000 }).not.toBe(before.buddy);
  // The seed's run may end before the tables are seen to change: pause only while it plays.
  const pauseButton = page.getByRole('button', { name: 'Pause' });
  if (await pauseButton.isEnabled()) await pauseButton.click();
  await expect(pauseButton).toBeDisabled();
  const op = await opCursor(page);
  expect(op).toBeGreaterThan(100);
  // One cursor: every map draws the op the controls show, and every map changed.
  for (let i = 0; i < 4; i++) {
    await expect.poll(() => attr(page, `map-${i}`, 'data-op')).toBe(String(op));
    expect(await attr(page, `map-${i}`, 'data-hash')).not.toBe(maps[i]);
  }
  await expect(slab).toHaveAttribute('data-op', String(op));
  await expect(page.getByTestId('array-bytes-1')).toContainText(
    /CPU 0 [\d.]+ ?k?B, CPU 1 [\d.]+ ?k?B; shared arrays [\d.]+ ?k?B/,
  );
  await expect(page.getByTestId('array-bytes-2')).toHaveCount(0); // SLUB has no array caches
  // The per-order indices of SLAB's and SLUB's zones, as the kernel prints them.
  const extfrag = page.getByTestId('extfrag-1');
  await expect(extfrag.locator('tr').nth(1)).toHaveAttribute(
    'title',
    /^unusable_index: Node 0, zone {3}Normal( +-?\d\.\d{3}){11} $/,
  );
  await expect(extfrag.locator('tr').nth(2)).toHaveAttribute(
    'title',
    /^extfrag_index: Node 0, zone {3}Normal( +-?\d\.\d{3}){11} $/,
  );
  // Sorting: by objsize ascending puts the smallest cache first.
  await slab.getByRole('button', { name: 'objsize' }).click();
  const sizes = (await slab.locator('tbody tr td:nth-child(2)').allTextContents()).map((t) =>
    Number(t.replace(/,/g, '')),
  );
  expect(sizes.length).toBeGreaterThan(1);
  expect(sizes).toEqual([...sizes].sort((a, b) => b - a)); // first click on a number column: largest first
  await slab.getByRole('button', { name: /objsize/ }).click();
  const up = (await slab.locator('tbody tr td:nth-child(2)').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
  expect(up).toEqual([...up].sort((a, b) => a - b));
  if (shots) {
    await page
      .locator('.maps')
      .first()
      .screenshot({ path: `${shots}/kernel-maps.png` });
    await page.getByTestId('slab-caches').screenshot({ path: `${shots}/kernel-slabinfo.png` });
    await page.getByTestId('chart-buddy-free-blocks-per-order').screenshot({ path: `${shots}/kernel-buddyinfo.png` });
    await page
      .getByTestId('chart-fragmentation-index-per-order')
      .screenshot({ path: `${shots}/kernel-order-index.png` });
    await page.getByTestId('chart-pending-remote-frees').screenshot({ path: `${shots}/kernel-pending.png` });
  }
});

test('hover over a slab page names its cache; colour-by-cache changes the map and names the caches', async ({
  page,
}) => {
  // A zone of 1024 pages is one order-10 block: the first slab is page 0, at the map's top left
  // (4094 pages start with smaller blocks at the end, which the buddy allocator splits first).
  await openFour(page, '&a1.pages=1024');
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => attr(page, 'map-1', 'data-op')).toBe('100');
  const map = page.getByTestId('map-1');
  await map.scrollIntoViewIfNeeded();
  const box = (await map.boundingBox())!;
  await page.mouse.move(box.x + 1.5, box.y + 1.5);
  const tip = page.getByTestId('map-tip-1');
  await expect(tip).toBeVisible();
  for (let i = 0; i < 12 && !((await attr(page, 'map-1', 'data-scale')) ?? '').match(/^0\.\d+x0\.\d+$/); i++) {
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(50);
  }
  await page.mouse.move(box.x + 2.5, box.y + 2.5);
  await expect(tip).toContainText(/cache: size-\d+/);
  if (shots) await page.screenshot({ path: `${shots}/kernel-hover.png` });
  await page.mouse.move(box.x - 20, box.y - 20);
  await page.keyboard.press('0');

  const slub = page.getByTestId('map-2');
  const before = await pixels(page, 'map-2');
  await page.getByTestId('colour-by-cache').check();
  await expect(page.getByTestId('cache-legend')).toContainText(/size-\d+/);
  await expect(page.getByTestId('cache-legend')).toContainText(/kmalloc-\d+/);
  await expect(slub).toHaveAttribute('data-overlay', /cache:kmalloc-\d+:[1-9]/);
  await expect(map).toHaveAttribute('data-overlay', /cache:size-\d+:[1-9]/);
  await expect(page.getByTestId('map-0')).not.toHaveAttribute('data-overlay', /cache:/);
  await expect.poll(async () => differing(before, await pixels(page, 'map-2'))).toBeGreaterThan(50);
  if (shots)
    await page
      .locator('.maps')
      .first()
      .screenshot({ path: `${shots}/kernel-colour-by-cache.png` });
  await page.getByTestId('colour-by-cache').uncheck();
  await expect(slub).not.toHaveAttribute('data-overlay', /cache:/);
});
