import { defineConfig } from '@playwright/test';
// npm test finds (or installs) the browser and passes it in CHROMIUM_PATH; run alone, look for one.
import { findBrowser } from './scripts/find-browser.mjs';

// FRAGSCOPE_PORT: another checkout's preview may already hold 5792 (it would be reused, with its own build).
const port = Number(process.env.FRAGSCOPE_PORT || 5792);

export default defineConfig({
  testDir: 'e2e',
  // Playwright wipes its outputDir at start; keep it off test-results/ itself so
  // test-results/vitest.json from the unit run survives.
  outputDir: 'test-results/playwright-artifacts',
  timeout: 60000,
  retries: 0,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    launchOptions: {
      executablePath: findBrowser() ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 120000,
  },
});
