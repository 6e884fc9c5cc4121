// `npm test`: static checks (typecheck; lint with the formatter's check), unit tests,
// then end-to-end tests in Chromium (found or installed by find-browser.mjs), then one
// summary line "N passed, N failed" over every runner (each static check counts as one test).
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

const statics = ['typecheck', 'lint'].map((script) => ({ script, code: runScript(script) }));
for (const s of statics) if (s.code !== 0) console.error(`npm run ${s.script} failed`);
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
for (const s of statics) result[s.code === 0 ? 'passed' : 'failed'] += 1;
console.log(formatSummary(result));
process.exit([...codes, ...statics.map((s) => s.code)].some((c) => c !== 0) || result.failed > 0 ? 1 : 0);
