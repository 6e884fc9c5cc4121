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

const engineOnlyPaths = [
  { name: 'react', message: `${noDomMessage}; UI code belongs in app/` },
  { name: 'react-dom', message: `${noDomMessage}; UI code belongs in app/` },
  { name: 'comlink', message: `${noDomMessage}; worker plumbing belongs in app/` },
  { name: 'zustand', message: `${noDomMessage}; UI state belongs in app/` },
];
const engineOnlyPatterns = [
  { group: ['react/*', 'react-dom/*', 'zustand/*'], message: `${noDomMessage}; UI code belongs in app/` },
  { group: ['d3', 'd3-*', 'd3/*'], message: `${noDomMessage}; d3 belongs in app/` },
  { group: ['**/app/**', '**/app', '../app/*', '../../app/*'], message: 'engine/ must not import from app/' },
];
/** A kind's own folder (engine/allocators/<kind>/...): reach it through engine/allocators/registry.ts. */
const allocatorInternals = {
  group: ['**/allocators/*/**', 'allocators/*/**'],
  message:
    "import allocators through engine/allocators/registry.ts (types: engine/allocators/kind.ts), not a kind's folder",
};

/**
 * The layers, lowest first; a layer imports only from layers listed before it (and engine/data):
 *   engine/core  <-  engine/render (frames), engine/allocators, engine/workloads + engine/import  <-  engine/runtime  <-  engine/cli, engine/bench, app
 * (engine/import is the workloads' other half: the trace readers in engine/workloads write into its
 * sink, and it drives them over a stream. Neither may reach an allocator.)
 * `deny`: the engine folders a layer must not import (matched on the import path).
 */
const engineLayers = [
  { folder: 'core', deny: ['allocators', 'workloads', 'import', 'runtime', 'cli', 'bench'] },
  { folder: 'data', deny: ['allocators', 'workloads', 'import', 'runtime', 'cli', 'bench'] },
  // Animation frames and their encoding (shared by the CLI and the app): above core only.
  { folder: 'render', deny: ['allocators', 'workloads', 'import', 'runtime', 'cli', 'bench'] },
  { folder: 'allocators', deny: ['workloads', 'import', 'runtime', 'cli', 'bench'] },
  { folder: 'workloads', deny: ['allocators', 'runtime', 'cli', 'bench'] },
  { folder: 'import', deny: ['allocators', 'runtime', 'cli', 'bench'] },
  { folder: 'runtime', deny: ['cli', 'bench'] },
  { folder: 'cli', deny: ['bench'] },
  { folder: 'bench', deny: ['cli'] },
];
const layerPattern = (folder, deny) => ({
  group: deny.flatMap((d) => [`**/${d}/**`, `**/${d}`, `../${d}/*`]),
  message: `engine/${folder} is below ${deny.map((d) => `engine/${d}`).join(', ')} in the layers (see eslint.config.js): it must not import them`,
});

/**
 * The app's layers: render (pure drawing and the map's geometry) lowest, then url-state and
 * run-limits, store, runtime and export, below the UI folders (map, charts, controls, setup, callers),
 * which never import each other (App.tsx composes them); worker entries (app/workers) host
 * a layer's worker code; nothing in app/ imports the CLI or the bench.
 */
const uiFolders = ['map', 'charts', 'controls', 'setup', 'callers', 'animate', 'diff'];
const appLayers = [
  {
    files: ['app/render/**'],
    deny: ['store', 'runtime', 'export', 'workers', ...uiFolders, 'url-state', 'run-limits'],
  },
  {
    files: ['app/url-state.ts', 'app/run-limits.ts'],
    deny: ['store', 'runtime', 'export', 'workers', ...uiFolders],
  },
  { files: ['app/store/**'], deny: ['runtime', 'export', 'workers', ...uiFolders] },
  { files: ['app/runtime/**'], deny: ['export', 'workers', 'render', ...uiFolders] },
  { files: ['app/export/**'], deny: ['store', 'runtime', 'workers', ...uiFolders] },
  // A worker entry only hosts the code of the layer it serves (map.worker.ts: app/map's map-worker-core;
  // animate.worker.ts: app/export's animate-worker-core).
  {
    files: ['app/workers/animate.worker.ts'],
    deny: ['store', 'runtime', 'render', ...uiFolders, 'url-state', 'run-limits'],
  },
  {
    files: ['app/workers/**'],
    ignores: ['app/workers/animate.worker.ts'],
    deny: ['store', 'runtime', 'export', 'render', ...uiFolders.filter((f) => f !== 'map'), 'url-state', 'run-limits'],
  },
  ...uiFolders.map((f) => ({ files: [`app/${f}/**`], deny: uiFolders.filter((g) => g !== f) })),
];
// Relative paths from app/ or one folder down, so that app/runtime is not confused with engine/runtime.
const appFiles = new Set(['url-state', 'run-limits']);
const appPattern = (deny) => ({
  group: deny.flatMap((d) =>
    appFiles.has(d) ? [`./${d}`, `../${d}`, `../../${d}`] : [`./${d}/*`, `../${d}/*`, `../../${d}/*`],
  ),
  message: `this app layer must not import ${deny.join(', ')} (the app's layers: see eslint.config.js)`,
});
const appEngineBan = {
  group: ['**/engine/cli/**', '**/engine/bench/**'],
  message: 'the app must not import the CLI or the bench',
};

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
      'no-restricted-imports': ['error', { paths: engineOnlyPaths, patterns: engineOnlyPatterns }],
      'no-restricted-globals': ['error', ...domGlobals.map((name) => ({ name, message: noDomMessage }))],
    },
  },
  // The engine's layers, and one way into the allocators: outside engine/allocators/, only
  // registry.ts (and the types in kind.ts) may be imported, never a kind's own folder.
  ...engineLayers.map(({ folder, deny }) => ({
    files: [`engine/${folder}/**/*.{ts,tsx,mts,js,mjs}`],
    // Tests may drive a layer with what sits above it (a metric tested on real allocators).
    ignores: ['**/*.test.ts', '**/test-*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: engineOnlyPaths,
          patterns: [
            ...engineOnlyPatterns,
            layerPattern(folder, deny),
            ...(folder === 'allocators' ? [] : [allocatorInternals]),
          ],
        },
      ],
    },
  })),
  {
    files: ['e2e/**/*.ts', 'scripts/**/*.{js,mjs,ts}', '*.config.{js,mjs,ts}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [allocatorInternals] }] },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [allocatorInternals, appEngineBan] }] },
  },
  ...appLayers.map(({ files, ignores, deny }) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: { 'no-restricted-imports': ['error', { patterns: [allocatorInternals, appEngineBan, appPattern(deny)] }] },
  })),
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
