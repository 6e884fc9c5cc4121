import { expect, type Page } from '@playwright/test';

/** Open the app and wait until every map has drawn and fingerprinted a snapshot. */
export async function openApp(page: Page, search = ''): Promise<void> {
  await page.goto(`/${search}`);
  await expect(page.getByTestId('isolation')).toHaveText(/Cross-origin isolated: yes/);
  await expect(page.getByTestId('map-0')).toHaveAttribute('data-hash', /.+/, { timeout: 30000 });
}

export const attr = (page: Page, testId: string, name: string) => page.getByTestId(testId).getAttribute(name);

export async function opCursor(page: Page): Promise<number> {
  const t = (await page.getByTestId('op-cursor').textContent()) ?? '';
  return Number(t.replace(/[^0-9]/g, ''));
}

/** Wait for the map's fingerprint to settle at the current op (the hash is throttled). */
export async function settledHash(page: Page, testId: string): Promise<string> {
  let last = '';
  await expect
    .poll(
      async () => {
        const gen = await attr(page, testId, 'data-generation');
        const hash = await attr(page, testId, 'data-hash');
        const key = `${gen}:${hash}`;
        const same = key === last;
        last = key;
        return same;
      },
      { intervals: [300, 300, 300, 500], timeout: 15000 },
    )
    .toBe(true);
  return (await attr(page, testId, 'data-hash')) ?? '';
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  sig.forEach((b, i) => {
    if (bytes[i] !== b) throw new Error('not a PNG signature');
  });
  if (bytes.toString('ascii', 12, 16) !== 'IHDR') throw new Error('PNG without IHDR first');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
