import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { attr, openApp, opCursor, pngSize, settledHash } from './helpers';

test('Step changes the map', async ({ page }) => {
  await openApp(page);
  const before = await settledHash(page, 'map-0');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => opCursor(page)).toBe(1);
  await expect.poll(() => attr(page, 'map-0', 'data-hash'), { timeout: 10000 }).not.toBe(before);
  // The keyboard steps too.
  await page.locator('body').press('ArrowRight');
  await expect.poll(() => opCursor(page)).toBe(2);
});

test('Play then Pause', async ({ page }) => {
  await openApp(page, '?w=churn&a=nta:blog,pow2');
  const gen0 = Number(await attr(page, 'map-0', 'data-generation'));
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled();
  await expect.poll(async () => Number(await attr(page, 'map-0', 'data-generation'))).toBeGreaterThan(gen0 + 3);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
  const op = await opCursor(page);
  expect(op).toBeGreaterThan(0);
  const gen = await attr(page, 'map-0', 'data-generation');
  await page.evaluate(
    () =>
      new Promise((r) => {
        let n = 0;
        const f = () => (++n > 10 ? r(null) : requestAnimationFrame(f));
        f();
      }),
  );
  expect(await attr(page, 'map-0', 'data-generation')).toBe(gen);
  expect(await opCursor(page)).toBe(op);
  // Space toggles play.
  await page.locator('body').press(' ');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled();
  await page.locator('body').press(' ');
  await expect(page.getByRole('button', { name: 'Play' })).toBeEnabled();
});

test('Run to next failure on seed-fragmentation shows the failure and its size', async ({ page }) => {
  await openApp(page, '?w=seed-fragmentation&a=nta:blog,pow2');
  await page.getByRole('button', { name: 'Run to next failure' }).click();
  const failure = page.getByTestId('last-failure').first();
  await expect(failure).toBeVisible({ timeout: 30000 });
  const text = (await failure.textContent()) ?? '';
  const bytes = Number(/(\d+) bytes/.exec(text)?.[1]);
  expect(bytes).toBeGreaterThan(0);
  expect(bytes).toBeLessThanOrEqual(4096);
  expect(await opCursor(page)).toBeGreaterThan(100);
  // The op list names the failed allocation and why.
  await expect(page.locator('.oplist td.fail').first()).toBeVisible();
});

test('Export PNG downloads a 4094 x 128 PNG for the blog preset', async ({ page }) => {
  await openApp(page, '?w=seed-fragmentation&a=nta:blog,pow2');
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBe(100);
  const download = page.waitForEvent('download', { timeout: 30000 });
  await page.getByRole('button', { name: 'Export PNG' }).click();
  const d = await download;
  expect(d.suggestedFilename()).toMatch(/^fragscope_seed-fragmentation_nta_blog_op100.*\.png$/);
  const bytes = await readFile((await d.path())!);
  expect(pngSize(bytes)).toEqual({ width: 4094, height: 128 });
});

test('a shared link restores the same op and picture', async ({ page, browser }) => {
  await openApp(page, '?w=churn&seed=7&a=nta:blog,pow2');
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBe(300);
  await expect.poll(() => new URL(page.url()).searchParams.get('op')).toBe('300');
  const url = page.url();
  const hashes = [await settledHash(page, 'map-0'), await settledHash(page, 'map-1')];
  const other = await browser.newPage();
  await openApp(other, new URL(url).search);
  await expect.poll(() => opCursor(other)).toBe(300);
  expect([await settledHash(other, 'map-0'), await settledHash(other, 'map-1')]).toEqual(hashes);
  await other.close();
});

test('an invalid shared link says which part is wrong and falls back to defaults', async ({ page }) => {
  await openApp(page, '?w=nope&cpus=99&op=x');
  const banner = page.getByTestId('url-errors');
  await expect(banner).toContainText("'w=nope'");
  await expect(banner).toContainText("'cpus=99'");
  await expect(banner).toContainText("'op=x'");
  await expect(page.getByLabel('workload')).toHaveValue('seed-fragmentation');
});

test('the map stays responsive while playing (two allocators, 4094 pages)', async ({ page }) => {
  // Long enough to be still playing at full speed when the test pauses it (it runs millions of ops a second).
  await openApp(page, '?w=churn&ops=20000000&a=nta:blog,pow2');
  await page.getByLabel('speed').fill('5');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled();
  const gen0 = Number(await attr(page, 'map-0', 'data-generation'));
  const stats = await page.evaluate(
    () =>
      new Promise<{ median: number; p95: number; max: number; frames: number }>((resolve) => {
        const t: number[] = [];
        const f = (now: number) => {
          t.push(now);
          if (now - t[0] < 2000) requestAnimationFrame(f);
          else {
            const d = t
              .slice(1)
              .map((x, i) => x - t[i])
              .sort((a, b) => a - b);
            resolve({
              median: d[Math.floor(d.length / 2)],
              p95: d[Math.floor(d.length * 0.95)],
              max: d[d.length - 1],
              frames: d.length,
            });
          }
        };
        requestAnimationFrame(f);
      }),
  );
  test.info().annotations.push({ type: 'frame-time', description: JSON.stringify(stats) });
  console.log('frame time while playing (ms):', JSON.stringify(stats));
  expect(Number(await attr(page, 'map-0', 'data-generation'))).toBeGreaterThan(gen0 + 10);
  expect(stats.median).toBeLessThan(50);
  // Hover works while playing.
  const box = (await page.getByTestId('map-0').boundingBox())!;
  await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
  await expect(page.getByTestId('map-tip-0')).toContainText(/page \d+, chunk \d+/);
  await page.getByRole('button', { name: 'Pause' }).click();
});

test('hovering an allocation shows its address, requested and rounded size and the owner CPU', async ({ page }) => {
  await openApp(page, '?w=seed-example&a=nta:blog,pow2');
  for (let i = 1; i <= 2; i++) {
    // the seed's first allocations: 120 and 200 bytes
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(() => opCursor(page)).toBe(i);
  }
  const map = page.getByTestId('map-0');
  await map.scrollIntoViewIfNeeded();
  const box = (await map.boundingBox())!;
  // Fit shows 4094 pages across the canvas (a page is a fraction of a pixel wide): zoom in with
  // the wheel anchored at the top-left corner, then drag right and down so page 0, chunk 0
  // (low addresses at the top) sits at the corner.
  await page.mouse.move(box.x + 1, box.y + 1);
  await page.mouse.wheel(0, -1000);
  await page.mouse.move(box.x + 10, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + 300, box.y + 200, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(box.x + 1.5, box.y + 1.5);
  const tip = page.getByTestId('map-tip-0');
  await expect(tip).toContainText('page 0, chunk 0 (of 128)');
  await expect(tip).toContainText('allocation 0x2554000: 120 B requested, 128 B rounded (4 chunks)');
  await expect(tip).toContainText('owner CPU: 0');
  if (process.env.SHOTS_DIR) await page.screenshot({ path: `${process.env.SHOTS_DIR}/tooltip.png` });
});
