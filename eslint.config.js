// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const noDomMessage = 'engine/ is pure TS: no DOM';
const domGlobals = [
  'window',
  'document',
  'navigator',
  'HTMLElement',
  'HTMLCanvasElement',
  'OffscreenCanvas',
  'Worker',
  'requestAnimationFrame',
  'localStorage',
  'location',
];

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'out/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  {
    files: ['e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['engine/**/*.{ts,tsx,mts,js,mjs}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'react', message: `${noDomMessage}; UI code belongs in app/` },
            { name: 'react-dom', message: `${noDomMessage}; UI code belongs in app/` },
            { name: 'comlink', message: `${noDomMessage}; worker plumbing belongs in app/` },
            { name: 'zustand', message: `${noDomMessage}; UI state belongs in app/` },
          ],
          patterns: [
            { group: ['react/*', 'react-dom/*', 'zustand/*'], message: `${noDomMessage}; UI code belongs in app/` },
            { group: ['d3', 'd3-*', 'd3/*'], message: `${noDomMessage}; d3 belongs in app/` },
            { group: ['**/app/**', '**/app', '../app/*', '../../app/*'], message: 'engine/ must not import from app/' },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...domGlobals.map((name) => ({ name, message: noDomMessage }))],
    },
  },
  {
    files: ['scripts/**/*.{js,mjs,ts}', '*.config.{js,mjs,ts}', 'engine/cli/**/*.ts', 'engine/bench/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Its functions run in the page (Playwright page.evaluate).
    files: ['scripts/bench-ui-page.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
