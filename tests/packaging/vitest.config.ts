import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The `packaging` project (`npm run test:packaging`): builds and packs the library, then runs it
 * from scratch apps built by Vite, webpack 5, esbuild, Rollup and Next.js. Node only; it drives
 * Chromium itself. The library is built once (global setup); files run one after the other, as
 * each bundler already uses both cores.
 */
// eslint-disable-next-line no-restricted-syntax -- Vitest loads a config file's default export.
export default defineConfig({
  test: {
    name: 'packaging',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
