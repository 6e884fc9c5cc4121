// `npm test`: unit tests then e2e tests (the second runs even if the first
// fails), then one summary line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { PLAYWRIGHT_JSON, ROOT, VITEST_JSON, formatSummary, summarize } from './summarize.mjs';

// Stale reports must never count.
rmSync(VITEST_JSON, { force: true });
rmSync(PLAYWRIGHT_JSON, { force: true });

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const codes = ['test:unit', 'test:e2e'].map((script) => {
  const r = spawnSync(npm, ['run', '-s', script], { cwd: ROOT, stdio: 'inherit' });
  if (r.error) console.error(`npm run ${script}: ${r.error.message}`);
  return r.status ?? 1;
});

const result = summarize();
console.log(formatSummary(result));
process.exit(codes.some((c) => c !== 0) || result.failed > 0 ? 1 : 0);
