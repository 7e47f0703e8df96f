import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import { chromiumArgs, findChromium } from './tests/setup/chromium.ts';
import { tabCommands, tabPagePlugin } from './tests/setup/tab-commands.ts';
import { inpage, isolationHeaders } from './src/vite.ts';
import { repoAliases, repoOptimizeDeps, runtimeFromNodeModules } from './vite.config.ts';

type BrowserProject = 'webgpu' | 'wasm-only';

/**
 * Store tests whose subject does not depend on the device (downloads, IndexedDB, tabs, quota,
 * migration): they run in the wasm-only project only. The store tests that plan or fall back by
 * device (file plans, fit, offline revisions) and every other browser test run in both.
 */
const deviceIndependentStoreTests = [
  'cache-admin',
  'content-addressed',
  'hub-access',
  'integrity',
  'migration',
  'multi-tab',
  'no-web-locks',
  'pending-revision',
  'progress',
  'quota',
  'resume',
  'storage-faults',
].map((name) => `tests/browser/store/${name}.test.ts`);

function browserProject(name: BrowserProject): TestProjectInlineConfiguration {
  const args = name === 'webgpu' ? [...chromiumArgs, '--enable-unsafe-webgpu'] : [...chromiumArgs];
  return {
    extends: true,
    test: {
      name,
      include: ['tests/browser/**/*.test.ts'],
      exclude: name === 'webgpu' ? deviceIndependentStoreTests : [],
      globalSetup: ['tests/setup/global-browser.ts'],
      setupFiles: ['tests/browser/support/isolation.ts'],
      provide: { project: name },
      testTimeout: 60_000,
      hookTimeout: 60_000,
      // One file at a time: the files share one local Hub server, whose faults, offline switch and
      // commits are global.
      fileParallelism: false,
      // No retries: a call whose worker died rejects with WORKER_CRASHED within seconds now, so a
      // hang is a bug to see, not to hide.
      retry: 0,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({
          launchOptions: { executablePath: findChromium() ?? '/usr/bin/chromium', args },
        }),
        instances: [{ browser: 'chromium' }],
        commands: tabCommands,
      },
    },
  };
}

export default defineConfig({
  plugins: [inpage(), runtimeFromNodeModules(), tabPagePlugin()],
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
