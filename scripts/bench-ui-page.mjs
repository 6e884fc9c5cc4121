// What bench-ui.mjs does in the page: each function drives the production build through
// Playwright and returns plain figures. Times are taken in the page (performance.now) where
// the Playwright round trip would blur them; map draw times come from the map workers
// (window.fragscopeMapStats, app/map/map-client.ts).

/** Percentiles of a list of numbers (ms), rounded to 0.1. */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => (s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 10) / 10 : null);
  return { n: s.length, p50: q(0.5), p95: q(0.95), max: s.length ? Math.round(s[s.length - 1] * 10) / 10 : null };
}

/** Open a link, say yes to the large-run question, wait for every map's first picture. */
export async function openRun(page, base, search, timeoutMs = 120000) {
  const t0 = Date.now();
  await page.goto(`${base}/${search}`);
  const start = page.getByTestId('confirm-run').getByRole('button', { name: 'Start the run' });
  const first = await Promise.race([
    start.waitFor({ timeout: timeoutMs }).then(() => 'ask'),
    page
      .getByTestId('map-0')
      .waitFor({ timeout: timeoutMs })
      .then(() => 'map'),
  ]);
  if (first === 'ask') await start.click();
  await page.waitForFunction(
    () => {
      const maps = [...document.querySelectorAll('canvas[data-testid^="map-"]')];
      const err = document.querySelector('[data-testid="worker-error"]');
      if (err) throw new Error(err.textContent ?? 'run error');
      return maps.length > 0 && maps.every((c) => c.dataset.hash);
    },
    null,
    { timeout: timeoutMs, polling: 50 },
  );
  const totalMs = Date.now() - t0;
  const firstMs = await page.evaluate(() =>
    [...document.querySelectorAll('canvas[data-testid^="map-"]')].map((c) => Number(c.dataset.firstMs)),
  );
  return { totalMs, mapFirstMs: Math.max(...firstMs) };
}

/** Wait until every map shows op `op` (its data-op after a drawn frame). */
export function waitMapsAt(page, op, timeout = 120000) {
  return page.waitForFunction(
    (o) => {
      const maps = [...document.querySelectorAll('canvas[data-testid^="map-"]')];
      return maps.length > 0 && maps.every((c) => c.dataset.op === String(o));
    },
    op,
    { timeout },
  );
}

export const opCursor = async (page) =>
  Number(((await page.getByTestId('op-cursor').textContent()) ?? '').replace(/\D/g, ''));

/** Main-thread animation frame intervals over `ms`. */
export function rafIntervals(page, ms) {
  return page.evaluate(
    (dur) =>
      new Promise((resolve) => {
        const t = [];
        const f = (now) => {
          t.push(now);
          if (now - t[0] < dur) requestAnimationFrame(f);
          else resolve(t.slice(1).map((x, i) => x - t[i]));
        };
        requestAnimationFrame(f);
      }),
    ms,
  );
}

/** Every map worker's draw times and the intervals between its drawn frames since the last call. */
export async function mapFrames(page, clear = true) {
  const all = await page.evaluate(async (c) => {
    const out = [];
    for (let i = 0; i < 4; i++) {
      const s = await window.fragscopeMapStats(i, c);
      if (s) out.push(s);
    }
    return out;
  }, clear);
  const draw = all.flatMap((s) => s.renderMs);
  const interval = all.flatMap((s) => s.at.slice(1).map((t, i) => t - s.at[i]));
  const coarse = all.flatMap((s) => s.coarseness).filter((q) => q > 1).length;
  return { draw, interval, coarse };
}

/** Play at the fastest speed to the end: op indices per second, and frame times while it plays. */
export async function playToEnd(page, timeoutMs) {
  await page.getByLabel('speed').fill('5');
  const op0 = await opCursor(page);
  await mapFrames(page);
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Play' }).click();
  const raf = await rafIntervals(page, 3000);
  const maps = await mapFrames(page);
  await page.getByText('workload finished').waitFor({ timeout: timeoutMs });
  const ms = Date.now() - t0;
  const op = await opCursor(page);
  return { ops: op - op0, ms, opsPerSec: Math.round(((op - op0) / ms) * 1000), raf, maps };
}

/**
 * Reset, then Run to next failure: op indices per second from the click to every map showing the
 * op it stopped at (right after the first failed allocation, or the end when none fails).
 */
export async function runToFailure(page, timeoutMs) {
  await page.getByRole('button', { name: 'Reset' }).click();
  await waitMapsAt(page, 0, timeoutMs);
  const run = page.getByRole('button', { name: 'Run to next failure' });
  await run.waitFor();
  const t0 = Date.now();
  await run.click();
  await Promise.race([
    page.getByTestId('last-failure').first().waitFor({ timeout: timeoutMs }),
    page.getByText('workload finished').waitFor({ timeout: timeoutMs }),
  ]);
  // The run stops right after the failure (a batch past it is replayed up to it): the time is when
  // every map first shows the op the cursor then keeps for 400 ms.
  let since = null;
  for (;;) {
    const { op, maps } = await page.evaluate(() => ({
      op: Number((document.querySelector('[data-testid="op-cursor"]')?.textContent ?? '').replace(/\D/g, '')),
      maps: [...document.querySelectorAll('canvas[data-testid^="map-"]')].map((c) => Number(c.dataset.op)),
    }));
    const now = Date.now();
    if (maps.every((m) => m === op)) {
      if (!since || since.op !== op) since = { op, at: now };
      else if (now - since.at >= 400) break;
    } else since = null;
    if (now - t0 > timeoutMs) throw new Error('Run to next failure did not settle');
    await page.waitForTimeout(20);
  }
  const ms = since.at - t0;
  return { ops: since.op, ms, opsPerSec: Math.round((since.op / ms) * 1000) };
}

/**
 * Seek with the scrubber as a user does (set the value, release the pointer) and time, in the
 * page, from the release to every map showing that op (its data-op after a drawn frame).
 */
export function seekLatency(page, target, timeoutMs = 60000) {
  return page.evaluate(
    ({ op, limit }) =>
      new Promise((resolve, reject) => {
        const input = document.querySelector('input[aria-label="op scrubber"]');
        if (!input) return reject(new Error('no scrubber'));
        const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
        set.call(input, String(op));
        input.dispatchEvent(new Event('input', { bubbles: true }));
        const t0 = performance.now();
        input.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
        const check = () => {
          const maps = [...document.querySelectorAll('canvas[data-testid^="map-"]')];
          if (maps.length && maps.every((c) => c.dataset.op === String(op))) return resolve(performance.now() - t0);
          if (performance.now() - t0 > limit) return reject(new Error(`maps never showed op ${op}`));
          requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    { op: target, limit: timeoutMs },
  );
}

/**
 * Pan and zoom the first map as a user does (wheel steps about the pointer, drags), and return
 * the map workers' draw times and frame intervals, and the page's frame intervals, meanwhile.
 */
export async function panZoom(page) {
  const map = page.getByTestId('map-0');
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  const cx = box.x + box.width / 2,
    cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await mapFrames(page);
  const raf = rafIntervals(page, 6000);
  const frame = () => page.waitForTimeout(16);
  for (let i = 0; i < 24; i++) {
    await page.mouse.wheel(0, -120);
    await frame();
  }
  await page.mouse.down();
  for (let i = 0; i < 40; i++) {
    await page.mouse.move(cx - i * 12, cy - (i % 10) * 3);
    await frame();
  }
  await page.mouse.up();
  for (let i = 0; i < 24; i++) {
    await page.mouse.wheel(0, 120);
    await frame();
  }
  const maps = await mapFrames(page);
  return { maps, raf: await raf };
}

/** The browser's JS memory breakdown of the page and its workers, or null where it does not say. */
export async function jsMemory(page) {
  return page.evaluate(async () => {
    if (typeof performance.measureUserAgentSpecificMemory !== 'function') return null;
    return performance.measureUserAgentSpecificMemory();
  });
}
