import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests of the demo (`npm run test:e2e`): Node drives the system Chromium through
 * Playwright against `vite build` + `vite preview`, with the local Hub on the fixtures.
 */
// eslint-disable-next-line no-restricted-syntax -- Vitest loads the config's default export.
export default defineConfig({
  test: {
    name: 'e2e',
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
