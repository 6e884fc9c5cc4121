import { expect, test, type Page } from '@playwright/test';
import { openApp, opCursor, settledHash } from './helpers';

const searchParam = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

async function importTrace(page: Page, name: string, text: string): Promise<void> {
  await page.getByTestId('trace-file').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
}

test('an imported trace replays on the allocators', async ({ page }) => {
  await openApp(page);
  await importTrace(page, 'tiny.ops', 'a 1 120\na 2 200\nf 1\n');
  await expect(page.getByTestId('trace-info')).toContainText('trace tiny.ops (ops, 3 ops)');
  await expect(page.getByLabel('workload')).toHaveValue('trace:local:tiny.ops');
  if (process.env.SHOTS_DIR)
    await page.getByLabel('run setup').screenshot({ path: `${process.env.SHOTS_DIR}/trace-imported.png` });
  await page.getByRole('button', { name: 'Apply changes' }).click();
  // The link names the local file (it cannot carry it) once the new run has its first summary.
  await expect.poll(() => searchParam(page, 't')).toBe('local:tiny.ops');
  await expect(page.getByRole('button', { name: 'Apply', exact: true })).toBeVisible();
  const before = await settledHash(page, 'map-0');
  for (let i = 1; i <= 3; i++) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(() => opCursor(page)).toBe(i);
  }
  await expect.poll(() => page.getByTestId('map-0').getAttribute('data-hash'), { timeout: 10000 }).not.toBe(before);
  // The op list shows the replayed ops (120 and 200 bytes, then the free).
  await expect(page.locator('.oplist')).toContainText('200');
});

test('a bad trace file is refused with file:line and leaves the setup and the run alone', async ({ page }) => {
  await openApp(page, '?w=churn&seed=3&a=nta:blog,pow2');
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBe(100);
  const hash = await settledHash(page, 'map-0');
  const url = page.url();
  await importTrace(page, 'bad.ops', 'a 1 120\nf 9\n');
  const msg = page.getByTestId('trace-msg');
  await expect(msg).toContainText('bad.ops:2');
  await expect(msg).toContainText("expected 'f ID'");
  await expect(msg).toContainText('unchanged');
  if (process.env.SHOTS_DIR)
    await page.getByLabel('run setup').screenshot({ path: `${process.env.SHOTS_DIR}/trace-error.png` });
  await expect(page.getByLabel('workload')).toHaveValue('churn');
  await expect(page.getByTestId('trace-info')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Apply', exact: true })).toBeEnabled();
  expect(await opCursor(page)).toBe(100);
  expect(await settledHash(page, 'map-0')).toBe(hash);
  expect(page.url()).toBe(url);
  // The run still steps on.
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => opCursor(page)).toBe(101);
});

test('a bundled sample runs, is in the shared link, and the link restores the same op', async ({ page, browser }) => {
  await openApp(page);
  await page.getByLabel('workload').selectOption({ label: 'sample: ls (wee_alloc)' });
  await expect(page.getByTestId('trace-info')).toContainText(/trace ls\.trace \(wee, \d+ ops\)/);
  if (process.env.SHOTS_DIR)
    await page.getByLabel('run setup').screenshot({ path: `${process.env.SHOTS_DIR}/trace-sample.png` });
  await page.getByRole('button', { name: 'Apply changes' }).click();
  await expect.poll(() => searchParam(page, 't')).toBe('wee_alloc/ls.trace');
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBeGreaterThan(0);
  const op = await opCursor(page);
  await expect.poll(() => searchParam(page, 'op')).toBe(String(op));
  expect(page.url()).toContain('w=trace');
  expect(decodeURIComponent(page.url())).toContain('t=wee_alloc/ls.trace');
  const hash = await settledHash(page, 'map-0');

  const other = await browser.newPage();
  await openApp(other, new URL(page.url()).search);
  await expect.poll(() => opCursor(other)).toBe(op);
  await expect(other.getByLabel('workload')).toHaveValue('trace:wee_alloc/ls.trace');
  await expect(other.getByTestId('trace-info')).toContainText(/trace ls\.trace \(wee, \d+ ops\)/);
  expect(await settledHash(other, 'map-0')).toBe(hash);
  await other.close();
});

test('a link to a local trace asks to import it again and falls back to the defaults', async ({ page }) => {
  await openApp(page, '?w=trace&t=local%3Atiny.ops&op=3');
  const banner = page.getByTestId('url-errors');
  await expect(banner).toContainText("'t=local:tiny.ops'");
  await expect(banner).toContainText("import 'tiny.ops' again");
  await expect(page.getByLabel('workload')).toHaveValue('seed-fragmentation');
  expect(await opCursor(page)).toBe(0);
});

test('the Import trace button sits beside the picker; a file of no known format is named', async ({ page }) => {
  await openApp(page);
  await expect(page.getByRole('button', { name: 'Import trace…' })).toBeVisible();
  await importTrace(page, 'notes.txt', 'hello world\n');
  await expect(page.getByTestId('trace-msg')).toContainText('notes.txt:1: not a trace format Fragscope reads');
  await expect(page.getByLabel('workload')).toHaveValue('seed-fragmentation');
});

test('a trace file dropped on the setup panel is imported', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('run setup').evaluate((el) => {
    const dt = new DataTransfer();
    dt.items.add(new File(['Alloc(64),\nAlloc(32),\nFree(0),\n'], 'dropped.trace', { type: 'text/plain' }));
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('trace-info')).toContainText('trace dropped.trace (wee, 3 ops)');
});

test('a file whose format is not recognised is imported in the format chosen, and replays', async ({ page }) => {
  await openApp(page);
  // A valgrind log whose program printed lines that look like another format's (op-file lines):
  // the format sniffing counts more of those and gets it wrong.
  const chatter = Array.from({ length: 25 }, (_, i) => `a ${i} 10`).join('\n');
  const trace = '--1-- malloc(120) = 0x1000\n--1-- malloc(200) = 0x2000\n--1-- free(0x1000)\n--1-- free(0x2000)\n';
  const text = `${chatter}\n${trace}`;
  await importTrace(page, 'chatty.log', text);
  await expect(page.getByTestId('trace-msg')).toContainText(/chatty\.log:26: /);
  const format = page.getByLabel('trace format');
  await expect(format).toHaveValue('auto');
  // auto, then each format the engine reads.
  const choices = await format.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(choices[0]).toBe('auto');
  expect(choices).toEqual(expect.arrayContaining(['wee', 'valgrind', 'ftrace', 'mtrace', 'malloclab', 'ops']));
  await format.selectOption('valgrind');
  await importTrace(page, 'chatty.log', text);
  await expect(page.getByTestId('trace-info')).toContainText('trace chatty.log (valgrind, 4 ops)');
  if (process.env.SHOTS_DIR)
    await page.getByLabel('run setup').screenshot({ path: `${process.env.SHOTS_DIR}/trace-format.png` });
  await page.getByRole('button', { name: 'Apply changes' }).click();
  await expect.poll(() => searchParam(page, 't')).toBe('local:chatty.log');
  for (let i = 1; i <= 4; i++) {
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(() => opCursor(page)).toBe(i);
  }
  await expect(page.getByTestId('worker-error')).toHaveCount(0);
  // The op list shows the replayed ops: both allocations, then their frees.
  await expect(page.locator('.oplist tbody tr')).toHaveCount(4);
  await expect(page.locator('.oplist')).toContainText('200');
});
