/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// SharedArrayBuffer requires cross-origin isolation: COOP same-origin + COEP require-corp.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { port: 5791, strictPort: true, headers: isolationHeaders },
  preview: { port: 5792, strictPort: true, headers: isolationHeaders },
  worker: { format: 'es' },
  test: {
    include: ['engine/**/*.test.ts', 'app/**/*.test.ts'],
    environment: 'node',
    passWithNoTests: true,
    testTimeout: 60000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
