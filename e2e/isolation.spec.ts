import { expect, test } from '@playwright/test';

test('page is cross-origin isolated and has SharedArrayBuffer', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Fragscope' })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
  await expect(page.getByTestId('isolation')).toHaveText(/Cross-origin isolated: yes/);
});

test('without cross-origin isolation the page says what is missing and how to fix it', async ({ page }) => {
  // Serve the same build, minus the COOP/COEP headers.
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  const line = page.getByTestId('isolation');
  await expect(line).toContainText('Cross-origin isolated: no');
  await expect(line).toContainText('Cross-Origin-Opener-Policy: same-origin');
  await expect(line).toContainText('Cross-Origin-Embedder-Policy: require-corp');
  await expect(page.getByRole('button', { name: 'Play' })).toHaveCount(0); // it does not half-work
});
