import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Relative imports of a source file (values and types, static only), as paths under src/. */
function importsOf(file: string): string[] {
  const code = readFileSync(path.join(src, file), 'utf8');
  const specifiers = [...code.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.{1,2}\/[^']+)'/gms)].map((match) => match[1] ?? '');
  return specifiers.map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)));
}

/** The import cycles among `files` (each as the path that closes it). */
function cycles(files: readonly string[]): string[][] {
  const found: string[][] = [];
  const visit = (file: string, trail: string[]): void => {
    const at = trail.indexOf(file);
    if (at >= 0) return void found.push([...trail.slice(at), file]);
    if (!files.includes(file)) return;
    for (const next of importsOf(file)) visit(next, [...trail, file]);
  };
  for (const file of files) visit(file, []);
  return found;
}

const clientFiles = readdirSync(path.join(src, 'client')).map((name) => `client/${name}`);

describe('module graph', () => {
  it('has no import cycle among the client modules, type-only imports included', () => {
    expect(cycles(clientFiles)[0]).toBeUndefined();
  });

  it('takes no public type from the store: the worker contract and the progress module import none of it', () => {
    for (const file of ['rpc/contract.ts', 'progress.ts', 'types.ts', 'index.ts', ...clientFiles])
      expect(
        importsOf(file).filter((imported) => imported.startsWith('store/')),
        file,
      ).toEqual([]);
  });
});
