import { expect, test } from '@playwright/test';

test('page is cross-origin isolated and has SharedArrayBuffer', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Fragscope' })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
  await expect(page.getByTestId('isolation')).toHaveText(/Cross-origin isolated: yes/);
});
