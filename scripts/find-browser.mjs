// Where the end-to-end tests find Chromium. Playwright may not download browsers
// here, so the tests use a browser the machine already has, or one this script
// installs from Debian's packages (see ensureBrowser).
//
// Order: $CHROMIUM_PATH, /usr/bin/chromium, chromium-browser and chromium on PATH,
// Google Chrome, then Playwright's own cache (~/.cache/ms-playwright) if the user
// filled it on another occasion.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

const isExecutable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

function playwrightCache() {
  const root = process.env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  if (!existsSync(root)) return [];
  // Newest build first: chromium-1234 sorts by its number.
  const dirs = readdirSync(root)
    .filter((d) => /^chromium-\d+$/.test(d))
    .sort((a, b) => Number(b.split('-')[1]) - Number(a.split('-')[1]));
  return dirs.flatMap((d) => [join(root, d, 'chrome-linux', 'chrome'), join(root, d, 'chrome-linux64', 'chrome')]);
}

/** Every place looked at, in order, with a label for messages. */
export function browserCandidates() {
  const env = process.env.CHROMIUM_PATH;
  return [
    ...(env ? [{ label: '$CHROMIUM_PATH', file: env }] : []),
    { label: '/usr/bin/chromium', file: '/usr/bin/chromium' },
    { label: 'chromium-browser on PATH', file: onPath('chromium-browser') },
    { label: 'chromium on PATH', file: onPath('chromium') },
    { label: 'google-chrome on PATH', file: onPath('google-chrome') ?? onPath('google-chrome-stable') },
    { label: 'Google Chrome', file: '/opt/google/chrome/chrome' },
    ...playwrightCache().map((file) => ({ label: "Playwright's cache", file })),
  ].filter((c) => c.file);
}

/**
 * The first runnable browser, or null. $CHROMIUM_PATH, when set, must be right:
 * a wrong one is not silently replaced by another browser.
 */
export function findBrowser() {
  const env = process.env.CHROMIUM_PATH;
  if (env) return isExecutable(env) ? env : null;
  for (const c of browserCandidates()) if (isExecutable(c.file)) return c.file;
  return null;
}

/** The one line printed when no browser can be had. */
export const NO_BROWSER =
  'e2e: no Chromium found and it could not be installed: run `sudo apt-get install -y chromium` ' +
  '(Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium or Chrome binary, then `npm test` again';

/**
 * A browser, installing Debian's chromium when there is none and we may: as root,
 * or through `sudo -n` (never a password prompt). Returns the path or null.
 * `log` receives progress lines. FRAGSCOPE_NO_INSTALL=1 skips the install (tests of this path).
 */
export function ensureBrowser(log = (line) => console.error(line)) {
  const found = findBrowser();
  if (found || process.env.CHROMIUM_PATH) return found;
  if (process.env.FRAGSCOPE_NO_INSTALL === '1' || process.platform !== 'linux' || !onPath('apt-get')) return null;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = !root && onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!root && !sudo) return null;
  const run = (args) => {
    const [cmd, ...rest] = sudo ? ['sudo', '-n', ...args] : args;
    log(`e2e: no Chromium found; running: ${[cmd, ...rest].join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    return spawnSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env }).status === 0;
  };
  if (!run(['apt-get', 'update']) || !run(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium']))
    return null;
  return findBrowser();
}

if (process.argv[1] && process.argv[1].endsWith('find-browser.mjs')) {
  const b = findBrowser();
  console.log(b ?? NO_BROWSER);
  process.exitCode = b ? 0 : 1;
}
