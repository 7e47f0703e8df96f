/**
 * Builds the published library into `dist/` (`npm run build`):
 * 1. `tsc -p tsconfig.build.json`: ES modules, declarations and source maps; relative `.ts`
 *    imports are rewritten to `.js` (`rewriteRelativeImportExtensions`).
 * 2. Declarations: TypeScript 5.9 rewrites imports in `.js` only, so `.d.ts` imports of `./x.ts`
 *    are rewritten to `./x.js` here (consumers on `moduleResolution: node16` need them), and so
 *    are the `./x.ts` specifiers of TSDoc examples the `.js` files keep.
 * 3. The ONNX Runtime files the worker references (three builds, two files each) with `new URL('../ort/…', import.meta.url)`
 *    are copied from onnxruntime-web into `dist/ort/`.
 * 4. Sanity checks: the five entries exist and no emitted file still imports a `.ts` path.
 *
 * Not Vite library mode on purpose: it would inline the 27 MB wasm as base64.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');

/** The ONNX Runtime files the worker loads (see src/worker/runtime-files.ts). */
export const runtimeFileNames: readonly string[] = ['', '.jspi', '.asyncify'].flatMap((build) => [
  `ort-wasm-simd-threaded${build}.wasm`,
  `ort-wasm-simd-threaded${build}.mjs`,
]);

/** The entries `package.json` exports, as built files. */
export const entryFiles: readonly string[] = ['index', 'worker', 'vite', 'esbuild', 'rollup'].flatMap((entry) => [
  `${entry}.js`,
  `${entry}.d.ts`,
]);

/** Relative import specifiers ending in `.ts`: `from './x.ts'`, `import './x.ts'`, `import('./x.ts')`. */
const relativeTsSpecifier = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"\n]*?)\.ts\2/g;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function compile(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`tsc failed (exit ${result.status ?? result.signal}).`);
}

/** Rewrites the `.ts` specifiers tsc leaves: in declarations, and in the TSDoc examples the `.js` files keep. */
function rewriteLeftoverImports(): number {
  let rewritten = 0;
  for (const file of filesUnder(dist).filter((name) => /\.(?:js|d\.ts)$/.test(name))) {
    const source = readFileSync(file, 'utf8');
    const output = source.replace(
      relativeTsSpecifier,
      (_, keyword: string, quote: string, specifier: string) => `${keyword}${quote}${specifier}.js${quote}`,
    );
    if (output !== source) {
      writeFileSync(file, output);
      rewritten++;
    }
  }
  return rewritten;
}

/** onnxruntime-web's folder (its `exports` hide `package.json`, so walk up from its entry). */
function onnxruntimeWebDir(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
  while (!existsSync(path.join(dir, 'package.json'))) {
    if (path.dirname(dir) === dir) throw new Error('build: onnxruntime-web is not installed.');
    dir = path.dirname(dir);
  }
  return dir;
}

function copyRuntime(): void {
  const ortDist = path.join(onnxruntimeWebDir(), 'dist');
  mkdirSync(path.join(dist, 'ort'), { recursive: true });
  for (const name of runtimeFileNames) copyFileSync(path.join(ortDist, name), path.join(dist, 'ort', name));
}

function check(): void {
  const missing = entryFiles.filter((name) => !existsSync(path.join(dist, name)));
  if (missing.length > 0) throw new Error(`build: missing ${missing.join(', ')} in dist/.`);
  const tsImport = new RegExp(relativeTsSpecifier.source);
  const leftovers = filesUnder(dist).filter((file) => /\.(?:js|d\.ts)$/.test(file) && tsImport.test(readFileSync(file, 'utf8')));
  if (leftovers.length > 0) throw new Error(`build: .ts imports left in ${leftovers.join(', ')}.`);
}

/**
 * Cleans `dist/` and builds the library into it.
 * @throws Error when tsc fails or the output is incomplete.
 */
export function buildLibrary(): void {
  rmSync(dist, { recursive: true, force: true });
  compile();
  const declarations = rewriteLeftoverImports();
  copyRuntime();
  check();
  console.log(`inpage: built dist/ (${declarations} files' .ts specifiers rewritten, ${runtimeFileNames.length} runtime files copied).`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) buildLibrary();
