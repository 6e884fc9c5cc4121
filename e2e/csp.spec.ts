import { expect, test, type Page } from '@playwright/test';
import { openApp, opCursor } from './helpers';

/** The policy's directives by name: 'script-src' -> ["'self'"]. */
function directives(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

/** Records the document's CSP violations (read with pageViolations); returns the console and page errors seen. */
async function watchViolations(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}`),
    );
  });
  return errors;
}

const pageViolations = (page: Page) =>
  page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

test('the built app sends a strict Content-Security-Policy, also on its worker scripts', async ({ page }) => {
  const workerUrls: string[] = [];
  page.on('worker', (w) => workerUrls.push(w.url()));
  const response = await page.goto('/');
  const policy = response?.headers()['content-security-policy'];
  expect(policy, 'Content-Security-Policy header on /').toBeTruthy();
  const d = directives(policy ?? '');
  expect(d.get('default-src')).toEqual(["'self'"]);
  expect(d.get('script-src')).toEqual(["'self'"]);
  expect(d.get('worker-src')).toEqual(["'self'"]);
  expect(d.get('object-src')).toEqual(["'none'"]);
  expect(policy).not.toContain('unsafe-eval');
  expect(policy).not.toContain('unsafe-inline');
  // No remote origin, scheme wildcard or '*' anywhere.
  for (const values of d.values()) for (const v of values) expect(v, `source ${v}`).toMatch(/^'(self|none)'$/);
  // Each module worker is governed by the policy of its own response.
  await expect(page.getByTestId('map-0')).toHaveAttribute('data-hash', /.+/, { timeout: 30000 });
  expect(workerUrls.length).toBeGreaterThan(0);
  for (const url of workerUrls) {
    const r = await page.request.get(url);
    expect(r.headers()['content-security-policy'], url).toBe(policy);
  }
});

test('under the policy the app runs on its workers, loads a sample trace and exports, with no violation', async ({
  page,
}) => {
  const errors = await watchViolations(page);
  await openApp(page, '?w=producer-consumer&cpus=2&a=nta:blog,pow2');
  // The listener works and the policy is enforced: an injected inline script is refused.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.append(s);
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => pageViolations(page)).toEqual(['script-src-elem blocked inline']);
  await page.evaluate(() => {
    (window as unknown as { __cspViolations: string[] }).__cspViolations = [];
  });
  errors.length = 0; // the refused inline script was logged as an error on purpose

  // Steps run on the two CPU workers; the map hover tooltip is positioned through styles.
  await page.getByRole('button', { name: 'Step 100' }).click();
  await expect.poll(() => opCursor(page)).toBe(100);
  await page.getByTestId('map-0').hover({ position: { x: 20, y: 20 } });
  await expect(page.getByTestId('map-tip-0')).toBeVisible();

  // Every export: PNG per map, a chart's SVG, the metric history as CSV and JSON.
  const saved: string[] = [];
  for (const [name, count] of [
    ['Export PNG', 2],
    ['Export CSV', 1],
    ['Export JSON', 1],
  ] as const) {
    const downloads: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++)
      downloads.push(page.waitForEvent('download', (d) => !saved.includes(d.suggestedFilename())));
    page.on('download', (d) => saved.push(d.suggestedFilename()));
    await page.getByRole('button', { name }).click();
    await Promise.all(downloads);
    page.removeAllListeners('download');
  }
  const svg = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export SVG' }).first().click();
  saved.push((await svg).suggestedFilename());
  expect(saved.filter((n) => n.endsWith('.png'))).toHaveLength(2);
  expect(saved.some((n) => n.endsWith('.csv'))).toBe(true);
  expect(saved.some((n) => n.endsWith('.json'))).toBe(true);
  expect(saved.some((n) => n.endsWith('.svg'))).toBe(true);

  // A bundled sample trace is fetched from this origin.
  await page.getByLabel('workload').selectOption({ label: 'sample: ls (wee_alloc)' });
  await expect(page.getByTestId('trace-info')).toContainText(/trace ls\.trace \(wee, \d+ ops\)/);
  await page.getByRole('button', { name: 'Apply changes' }).click();
  await expect(page.getByRole('button', { name: 'Apply', exact: true })).toBeVisible();
  await expect.poll(() => new URL(page.url()).searchParams.get('t')).toBe('wee_alloc/ls.trace');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => opCursor(page)).toBe(1);

  expect(await pageViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});
