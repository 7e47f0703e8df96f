import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The `packaging` project (`npm run test:packaging`): builds and packs the library, then runs it
 * from a scratch Vite app. Node only; it drives Chromium itself. One file, so it runs alone.
 */
// eslint-disable-next-line no-restricted-syntax -- Vitest loads a config file's default export.
export default defineConfig({
  test: {
    name: 'packaging',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
