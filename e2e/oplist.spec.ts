import { expect, test } from '@playwright/test';
import { openApp, opCursor } from './helpers';

test('a lane whose workload has ended says where it ended, greyed, instead of FAIL errorNaN', async ({ page }) => {
  // seed-fragmentation: pow2 ends its four MAX stages near op 6,160, NTA goes on to about 8,060.
  await openApp(page, '?w=seed-fragmentation&a=nta:blog,pow2&op=7000');
  await expect.poll(() => opCursor(page)).toBe(7000);
  const list = page.locator('.oplist');
  await expect(list).not.toContainText('NaN');
  const pow2 = page.getByTestId('outcome-6999-1');
  await expect(pow2).toHaveText(/^ended at op [\d,]+$/);
  await expect(pow2).toHaveClass(/\bended\b/);
  const endedAt = Number(((await pow2.textContent()) ?? '').replace(/[^0-9]/g, ''));
  expect(endedAt).toBeGreaterThan(5000);
  expect(endedAt).toBeLessThan(7000);
  // NTA is still running: its column holds an address.
  await expect(page.getByTestId('outcome-6999-0')).toHaveText(/^0x[0-9a-f]+$/);
  if (process.env.SHOTS_DIR) await list.screenshot({ path: `${process.env.SHOTS_DIR}/oplist-ended.png` });
});
