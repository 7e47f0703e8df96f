import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildLibrary } from '../../scripts/build.ts';
import { writeFixtures } from '../fixtures/generate.ts';

/** Builds the library and the fixture models once for every packaging test file (each packs `dist/`). */
// eslint-disable-next-line no-restricted-syntax -- Vitest calls a global setup file's default export.
export default async function setup(): Promise<void> {
  buildLibrary();
  const modelsDir = fileURLToPath(new URL('../fixtures/models/', import.meta.url));
  if (!existsSync(modelsDir)) await writeFixtures(modelsDir);
}
