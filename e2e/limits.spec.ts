import { expect, test, type Page } from '@playwright/test';
import { openApp, opCursor } from './helpers';

/** Let a few animation frames pass (a run that was going to start would have started). */
const frames = (page: Page, n = 20) =>
  page.evaluate(
    (count) =>
      new Promise((r) => {
        let i = 0;
        const f = () => (++i > count ? r(null) : requestAnimationFrame(f));
        f();
      }),
    n,
  );

test('a link asking for unbounded work or memory is refused field by field, naming each limit', async ({ page }) => {
  await openApp(page, '?w=churn&ops=9007199254740991&op=9007199254740991&a=nta:blog&a0.regions=5000000');
  const banner = page.getByTestId('url-errors');
  await expect(banner).toContainText("'ops=9007199254740991' must be an integer from 0 to 100000000");
  await expect(banner).toContainText("op cursor 'op=9007199254740991' is past 100000000");
  await expect(banner).toContainText("'a0.regions=5000000' is more than 4194304, the largest a0.regions allowed");
  if (process.env.SHOTS_DIR) await banner.screenshot({ path: `${process.env.SHOTS_DIR}/limits-banner.png` });
  // The defaults are used instead, which need no question.
  await expect(page.getByTestId('confirm-run')).toBeHidden();
  expect(await opCursor(page)).toBe(0);
  await expect(page.getByTestId('map-0')).toHaveAttribute('data-hash', /.+/);
});

test('a large run asks first; Cancel (and Escape) start nothing', async ({ page }) => {
  await page.goto('/?w=churn&ops=30000000&a=nta:blog&a0.regions=262144');
  const dialog = page.getByTestId('confirm-run');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Start this large run?');
  await expect(dialog).toContainText('It runs up to 30,000,000 ops (more than 20,000,000)');
  await expect(dialog).toContainText(/estimated to need [\d.]+ (MiB|GiB) of memory \(more than 512 MiB\)/);
  if (process.env.SHOTS_DIR) await page.screenshot({ path: `${process.env.SHOTS_DIR}/limits-confirm.png` });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await frames(page);
  // No control worker was started, no map exists, nothing can be stepped.
  expect(page.workers()).toHaveLength(0);
  await expect(page.getByTestId('maps-empty')).toContainText('No run');
  await expect(page.getByTestId('map-0')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeDisabled();
  // The setup keeps the link's values: Apply asks again; Escape answers no.
  await expect(page.getByLabel('ops')).toHaveValue('30000000');
  await page.getByRole('button', { name: /^Apply/ }).click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await frames(page);
  expect(page.workers()).toHaveLength(0);
});

test('a large run starts when the user says so', async ({ page }) => {
  await page.goto('/?w=churn&ops=30000000&a=nta:blog&a0.regions=262144');
  const dialog = page.getByTestId('confirm-run');
  await dialog.getByRole('button', { name: 'Start the run' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('map-0')).toHaveAttribute('data-hash', /.+/, { timeout: 30000 });
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => opCursor(page)).toBe(1);
  expect(new URL(page.url()).searchParams.get('ops')).toBe('30000000');
});
