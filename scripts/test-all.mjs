// `npm test`: unit tests, then end-to-end tests in Chromium (found or installed by
// find-browser.mjs), then one summary line "N passed, N failed" over both runners.
// The e2e run goes ahead even when unit tests fail. With no browser to be had, the
// e2e run is not started: one line says what to install, and it counts as 1 failure.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { NO_BROWSER, ensureBrowser } from './find-browser.mjs';
import { PLAYWRIGHT_JSON, ROOT, VITEST_JSON, formatSummary, summarize } from './summarize.mjs';

// Stale reports must never count.
rmSync(VITEST_JSON, { force: true });
rmSync(PLAYWRIGHT_JSON, { force: true });

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const runScript = (script, env = process.env) => {
  const r = spawnSync(npm, ['run', '-s', script], { cwd: ROOT, stdio: 'inherit', env });
  if (r.error) console.error(`npm run ${script}: ${r.error.message}`);
  return r.status ?? 1;
};

const codes = [runScript('test:unit')];
const browser = ensureBrowser();
let e2eMissing = false;
if (browser) {
  console.error(`e2e: using ${browser}`);
  codes.push(runScript('test:e2e', { ...process.env, CHROMIUM_PATH: browser }));
} else {
  e2eMissing = true;
  console.error(NO_BROWSER);
  codes.push(1);
}

const result = summarize({ e2eMissing });
console.log(formatSummary(result));
process.exit(codes.some((c) => c !== 0) || result.failed > 0 ? 1 : 0);
