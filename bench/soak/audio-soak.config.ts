/**
 * `npx vitest run --config bench/soak/audio-soak.config.ts`: the speech recognition soak (not part
 * of `npm test` nor `npm run bench`). One wasm-only Chromium project with precise memory figures;
 * the worker reports its own memory (`soak-worker.ts`).
 * @module
 */
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, findChromium } from '../../tests/setup/chromium.ts';
import { inpage, isolationHeaders } from '../../src/vite.ts';
import { repoAliases, repoOptimizeDeps, runtimeFromNodeModules } from '../../vite.config.ts';

const args = [...chromiumArgs, '--enable-precise-memory-info'];

// eslint-disable-next-line no-restricted-syntax -- Vitest loads the config's default export.
export default defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  plugins: [inpage(), runtimeFromNodeModules()],
  resolve: { alias: repoAliases },
  optimizeDeps: repoOptimizeDeps,
  worker: { format: 'es' },
  server: { headers: { ...isolationHeaders } },
  test: {
    name: 'audio-soak',
    include: ['bench/soak/*.test.ts'],
    globalSetup: ['tests/setup/global-browser.ts'],
    provide: { project: 'wasm-only' },
    testTimeout: 900_000,
    hookTimeout: 120_000,
    retry: 0,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({ launchOptions: { executablePath: findChromium() ?? '/usr/bin/chromium', args } }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
