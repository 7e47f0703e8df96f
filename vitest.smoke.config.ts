import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import { chromiumArgs, findChromium } from './tests/setup/chromium.ts';
import { inpage, isolationHeaders } from './src/vite.ts';
import { repoAliases, repoOptimizeDeps } from './vite.config.ts';

type BrowserProject = 'webgpu' | 'wasm-only';

function browserProject(name: BrowserProject): TestProjectInlineConfiguration {
  const args = name === 'webgpu' ? [...chromiumArgs, '--enable-unsafe-webgpu'] : [...chromiumArgs];
  return {
    extends: true,
    test: {
      name,
      include: ['tests/browser/**/*.test.ts'],

      provide: { project: name },
      testTimeout: 60_000,
      hookTimeout: 60_000,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({
          launchOptions: { executablePath: findChromium() ?? '/usr/bin/chromium', args },
        }),
        instances: [{ browser: 'chromium' }],
      },
    },
  };
}

export default defineConfig({
  plugins: [inpage()],
  resolve: { alias: repoAliases },
  optimizeDeps: repoOptimizeDeps,
  worker: { format: 'es' },
  server: { headers: { ...isolationHeaders } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['tests/unit/**/*.test.ts', 'tests/hub/**/*.test.ts', 'tests/fixtures/**/*.test.ts'],
        },
      },
      browserProject('webgpu'),
      browserProject('wasm-only'),
    ],
  },
});
