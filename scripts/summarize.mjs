// Sums test results from the JSON reports written by vitest and Playwright.
// Used by scripts/test-all.mjs and, when run directly, by .ci/run:
//   node scripts/summarize.mjs   -> prints "N passed, N failed"
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const VITEST_JSON = join(ROOT, 'test-results', 'vitest.json');
export const PLAYWRIGHT_JSON = join(ROOT, 'test-results', 'playwright.json');

function readJson(file) {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // present but unreadable
  }
}

/** vitest json reporter: numPassedTests / numFailedTests. */
export function countVitest(json) {
  const passed = Number(json.numPassedTests ?? 0);
  let failed = Number(json.numFailedTests ?? 0);
  // A test file that fails to load fails its suite without failing any test.
  if (failed === 0 && json.success === false) failed = Math.max(1, Number(json.numFailedTestSuites ?? 0));
  return { passed, failed };
}

/** Playwright json reporter: stats.expected passed, stats.flaky counts as passed, stats.unexpected failed. */
export function countPlaywright(json) {
  const stats = json.stats ?? {};
  const passed = Number(stats.expected ?? 0) + Number(stats.flaky ?? 0);
  let failed = Number(stats.unexpected ?? 0);
  // Global errors (web server did not start, config error...) fail no individual test.
  const errors = Array.isArray(json.errors) ? json.errors.length : 0;
  if (failed === 0 && errors > 0) failed = errors;
  return { passed, failed };
}

/**
 * Reads both reports and sums them. A missing or unreadable report counts as
 * 1 failed, and so does `e2eMissing` (no browser, so no e2e run); if neither report exists (e.g. `npm ci` failed) the result is
 * 0 passed, 1 failed.
 */
export function summarize({ vitestFile = VITEST_JSON, playwrightFile = PLAYWRIGHT_JSON, e2eMissing = false } = {}) {
  // No browser: the e2e run was not started, and that is one failure (not one per spec).
  const sources = [
    [readJson(vitestFile), countVitest],
    [e2eMissing ? { stats: { unexpected: 1 } } : readJson(playwrightFile), countPlaywright],
  ];
  if (sources.every(([json]) => json === null)) return { passed: 0, failed: 1 };
  let passed = 0;
  let failed = 0;
  for (const [json, count] of sources) {
    if (json == null) {
      failed += 1;
      continue;
    }
    const r = count(json);
    passed += r.passed;
    failed += r.failed;
  }
  return { passed, failed };
}

export function formatSummary({ passed, failed }) {
  return `${passed} passed, ${failed} failed`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = summarize();
  console.log(formatSummary(result));
  process.exitCode = result.failed > 0 ? 1 : 0;
}
