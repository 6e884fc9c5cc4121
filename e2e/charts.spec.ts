import { expect, test } from '@playwright/test';
import { openApp, opCursor } from './helpers';

const bytesOf = (text: string | null): number => {
  const m = /^([\d.]+)\s*([kMG]?)B$/.exec((text ?? '').trim());
  if (!m) return NaN;
  return Number(m[1]) * ({ '': 1, k: 1e3, M: 1e6, G: 1e9 } as Record<string, number>)[m[2]];
};

test("producer-consumer on 2 CPUs: NTA's remote frees pile up on CPU 0 (Pending remote frees chart)", async ({
  page,
}) => {
  await openApp(page, '?w=producer-consumer&cpus=2&sched=lockstep&a=nta:blog,pow2');
  const chart = page.getByTestId('chart-pending-remote-frees');
  await expect(chart).toContainText('Pending: bytes freed on a foreign CPU');
  for (let i = 1; i <= 3; i++) {
    await page.getByRole('button', { name: 'Step 100' }).click();
    await expect.poll(() => opCursor(page)).toBe(100 * i);
  }
  await expect
    .poll(async () => bytesOf(await chart.getByTestId('value-pendingBytes-0').textContent()))
    .toBeGreaterThan(0);
  await expect(chart.getByTestId('value-pendingBytes-1')).toHaveText('0 B'); // pow2 frees at once
  await expect(chart.locator('path')).toHaveCount(2); // no postponed frees: pending only
  // The fragmentation index of a 1500-byte request: a suitable block exists at this load.
  const fi = page.getByTestId('chart-fragmentation-index');
  await expect(fi.getByTestId('value-fragIndex-0')).toHaveText('-1.000');
  await expect(fi).toContainText('near 1: it fails due to fragmentation');
  // Charts redraw a few times a second: wait until both show op 300 before the picture.
  for (const c of [chart, fi]) await expect(c.locator('svg text').filter({ hasText: /^300$/ })).toHaveCount(1);
  await page.locator('.charts').screenshot({ path: '/tmp/shots/charts-pending.png' });
});

test('the fragmentation index follows the request size', async ({ page }) => {
  await openApp(page, '?w=seed-fragmentation&a=nta:blog,pow2');
  await page.getByRole('button', { name: 'Run to next failure' }).click();
  await expect(page.getByTestId('last-failure').first()).toBeVisible({ timeout: 30000 });
  const fi = page.getByTestId('chart-fragmentation-index');
  const input = fi.getByLabel('request (bytes)');
  await expect(input).toHaveValue('1500');
  await input.fill('8192'); // larger than any page: no suitable block anywhere
  await expect.poll(async () => Number(await fi.getByTestId('value-fragIndex-0').textContent())).toBeGreaterThan(0.5);
  await input.fill('0'); // invalid: marked, the last valid request is kept
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(fi.locator('svg[role=img]')).toHaveAttribute('aria-label', /8192-byte request/);
});

test("seed-fragmentation on the blog NTA shows the seed's published failure sizes beside the model's", async ({
  page,
}) => {
  await openApp(page, '?w=seed-fragmentation&a=nta:blog,pow2');
  const seed = page.getByTestId('seed-figures');
  await expect(seed).toHaveCount(1); // the NTA lane only
  await expect(seed).toContainText('seed (6 Aug 2006): 1912, 968, 504, 252 B at MAX 4096, 2048, 1024, 512');
  await expect(seed).toContainText('did not say how it drew sizes');
  // At the end of the run (a link with an op cursor past it), NTA has failed: its sizes come first.
  await openApp(page, '?w=seed-fragmentation&a=nta:blog,pow2&op=100000');
  await expect(seed).toContainText(/model: \d+, \d+, \d+, \d+ B at MAX 4096, 2048, 1024, 512 · seed/, {
    timeout: 30000,
  });
  // Not for another workload.
  await openApp(page, '?w=churn&a=nta:blog,pow2');
  await expect(page.getByTestId('seed-figures')).toHaveCount(0);
});

test('drainOnAlloc is in the setup form and the link; only 0 or 1', async ({ page }) => {
  await openApp(page, '?w=producer-consumer&cpus=2&a=nta:blog,pow2&a0.drainOnAlloc=1');
  await expect(page.getByTestId('url-errors')).toHaveCount(0);
  const field = page.locator('.alloc-row').first().getByLabel('drainOnAlloc');
  await expect(field).toHaveValue('1');
  await field.fill('2');
  await expect(page.locator('.setup .error')).toContainText('drainOnAlloc=2');
  await expect(page.getByRole('button', { name: /^Apply/ })).toBeDisabled();
  await field.fill('0');
  await expect(page.locator('.setup .error')).toHaveCount(0);
  await openApp(page, '?a=nta:blog,pow2&a0.drainOnAlloc=3');
  await expect(page.getByTestId('url-errors')).toContainText('drainOnAlloc=3');
});
