import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { AliasOptions, Plugin } from 'vite';
import { demoCsp, demoServiceWorker } from './demo/build-plugins.ts';
import { inpage } from './src/vite.ts';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * Aliases shared by the demo, the tests and the benchmarks: `inpage` (and `inpage/worker`)
 * resolve to the sources.
 */
export const repoAliases: AliasOptions = [
  { find: /^inpage$/, replacement: fromRoot('./src/index.ts') },
  { find: /^inpage\/worker$/, replacement: fromRoot('./src/worker.ts') },
];

/**
 * In the repo the worker's runtime references (`new URL('../ort/…', import.meta.url)`, which the
 * library build satisfies by copying the files into `dist/ort/`) point at onnxruntime-web's own
 * files instead, so dev, tests and the demo build all serve them same-origin.
 */
export function runtimeFromNodeModules(): Plugin {
  const runtimeFiles = fromRoot('./src/worker/runtime-files.ts');
  return {
    name: 'inpage-repo-runtime-files',
    enforce: 'pre',
    transform(code, id) {
      if (id.split('?')[0] !== runtimeFiles) return null;
      return code.replaceAll("'../ort/", "'../../node_modules/onnxruntime-web/dist/");
    },
  };
}

/** Pre-bundle the small deps; never the runtime (Vite would reload mid-test when it discovers them). */
export const repoOptimizeDeps = {
  include: ['comlink', 'idb-keyval', 'hash-wasm'],
  exclude: ['@huggingface/transformers', 'onnxruntime-web'],
};

/** The demo app (`npm run demo`, `npm run demo -- --preview`, `vite build`). */
export default defineConfig({
  root: fromRoot('./demo'),
  publicDir: false,
  plugins: [inpage(), runtimeFromNodeModules(), demoCsp(), demoServiceWorker()],
  resolve: { alias: repoAliases },
  optimizeDeps: repoOptimizeDeps,
  // The worker is bundled by its own plugin pipeline in builds: it needs the runtime paths too.
  worker: { format: 'es', plugins: () => [runtimeFromNodeModules()] },
  build: { outDir: fromRoot('./demo/dist'), emptyOutDir: true, target: 'es2022' },
  server: { host: '127.0.0.1', fs: { allow: [fromRoot('.')] } },
  preview: { host: '127.0.0.1' },
});
