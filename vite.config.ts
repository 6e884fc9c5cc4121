/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// SharedArrayBuffer requires cross-origin isolation: COOP same-origin + COEP require-corp.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Content-Security-Policy of the built app (`vite preview`): everything from this origin and
 * nothing else. Scripts are the bundled module files (Vite's build emits no inline script and
 * nothing calls eval or new Function), the control and CPU module workers are same-origin files
 * (worker-src; each worker gets this policy from its own response), the sample traces are
 * fetched from this origin (connect-src). Exports need nothing: PNG, SVG, CSV and JSON are
 * saved through <a download> on a blob: URL, a download rather than a load, which no fetch
 * directive governs. React sets element styles through the CSSOM, which style-src allows.
 */
const productionCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The dev server (`vite`) gets the same policy plus 'unsafe-inline' for scripts and styles:
 * the React plugin injects an inline module script (the Fast Refresh preamble) and Vite
 * injects CSS as <style> elements for hot reload. Nonces cannot help here: a static nonce in
 * a config file protects nothing. Keeping everything else identical means a worker, fetch or
 * download that the strict policy would block fails in dev too, not first in production.
 * The HMR websocket is same-origin, which 'self' covers (CSP 3 matches ws: on the same host).
 * Never 'unsafe-eval', in either.
 */
const devCsp = productionCsp
  .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
  .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5791,
    strictPort: true,
    headers: { ...isolationHeaders, 'Content-Security-Policy': devCsp },
  },
  preview: {
    port: 5792,
    strictPort: true,
    headers: { ...isolationHeaders, 'Content-Security-Policy': productionCsp },
  },
  worker: { format: 'es' },
  test: {
    include: ['engine/**/*.test.ts', 'app/**/*.test.ts'],
    environment: 'node',
    passWithNoTests: true,
    testTimeout: 60000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
