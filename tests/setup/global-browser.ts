import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { writeFixtures } from '../fixtures/generate.ts';
import { startHubServer } from '../hub/server.ts';
import { fixtureAliases } from '../fixtures/aliases.ts';
import { chromiumInstallHint, findChromium } from './chromium.ts';
import { gatedRepos } from './hub-config.ts';

const modelsDir = fileURLToPath(new URL('../fixtures/models/', import.meta.url));

/**
 * Global setup of the browser projects: checks for Chromium, makes sure the fixtures exist,
 * and starts one local Hub server whose URLs the tests `inject()`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!findChromium()) {
    console.error(`\n${chromiumInstallHint}\n`);
    process.exit(1);
  }
  if (!existsSync(modelsDir)) await writeFixtures(modelsDir);
  const hub = await startHubServer({ root: modelsDir, aliases: fixtureAliases, gated: gatedRepos });
  project.provide('hubUrl', hub.url);
  project.provide('cdnUrl', hub.cdnUrl);
  return () => hub.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    hubUrl: string;
    cdnUrl: string;
    /** Which browser project runs the test: `webgpu` has a (software) adapter, `wasm-only` has none. */
    project: 'webgpu' | 'wasm-only';
  }
}
