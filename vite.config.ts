import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { AliasOptions } from 'vite';
import { inpage } from './src/vite.ts';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * Aliases shared by the demo, the tests and the benchmarks:
 * - `inpage` (and `inpage/worker`) resolve to the sources;
 * - the worker's `new URL('../ort/…', import.meta.url)` runtime references resolve to
 *   onnxruntime-web's own files (the library build copies them into `dist/ort/` instead).
 */
export const repoAliases: AliasOptions = [
  { find: /^inpage$/, replacement: fromRoot('./src/index.ts') },
  { find: /^inpage\/worker$/, replacement: fromRoot('./src/worker.ts') },
  { find: /^\.\.\/ort\/(ort-wasm-simd-threaded\.asyncify\.(?:wasm|mjs))$/, replacement: fromRoot('./node_modules/onnxruntime-web/dist/$1') },
];

/** Pre-bundle the small deps; never the runtime (Vite would reload mid-test when it discovers them). */
export const repoOptimizeDeps = {
  include: ['comlink', 'idb-keyval', 'hash-wasm'],
  exclude: ['@huggingface/transformers', 'onnxruntime-web'],
};

/** The demo app (`npm run demo`, `vite build`). */
export default defineConfig({
  root: fromRoot('./demo'),
  publicDir: false,
  plugins: [inpage()],
  resolve: { alias: repoAliases },
  optimizeDeps: repoOptimizeDeps,
  worker: { format: 'es' },
  build: { outDir: fromRoot('./demo/dist'), emptyOutDir: true, target: 'es2022' },
  server: { host: '127.0.0.1', fs: { allow: [fromRoot('.')] } },
  preview: { host: '127.0.0.1' },
});
