import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin } from 'rollup';
import { defaultWorkerFile, isFile, runtimeFilesFile, runtimeUrlLiterals, workerEntryFile, workerUrlLiteral } from './bundling.ts';

/**
 * Rollup plugin for apps that use inpage. Rollup bundles neither workers nor
 * `new URL(…, import.meta.url)` files, so the plugin does it for inpage's own: it emits the worker
 * (`inpage/worker`) as a chunk of the same build (its code shared with the page's through common
 * chunks) and the ONNX Runtime files (three builds) as content-hashed assets, and points inpage's
 * references at them. Use it together with `@rollup/plugin-node-resolve` (`browser: true`) and
 * `output.format: 'es'`; serve the output folder with the headers in the README.
 *
 * @returns a Rollup plugin.
 * @example
 * // rollup.config.mjs
 * import { nodeResolve } from '@rollup/plugin-node-resolve';
 * import { inpage } from 'inpage/rollup';
 * export default {
 *   input: 'src/main.js',
 *   output: { dir: 'dist', format: 'es' },
 *   plugins: [nodeResolve({ browser: true }), inpage()],
 * };
 */
export function inpage(): Plugin {
  return {
    name: 'inpage',
    async load(id) {
      if (isFile(id, defaultWorkerFile)) {
        const code = await readFile(defaultWorkerFile, 'utf8');
        const reference = this.emitFile({ type: 'chunk', id: workerEntryFile, name: 'inpage-worker' });
        return code.replace(workerUrlLiteral, `import.meta.ROLLUP_FILE_URL_${reference}`);
      }
      if (isFile(id, runtimeFilesFile)) {
        const code = await readFile(runtimeFilesFile, 'utf8');
        const sources = new Map<string, string>();
        for (const match of code.matchAll(runtimeUrlLiterals)) {
          const relative = match[2] ?? '';
          const source = await readFile(path.resolve(path.dirname(runtimeFilesFile), relative));
          sources.set(relative, this.emitFile({ type: 'asset', name: path.basename(relative), source }));
        }
        return code.replace(
          runtimeUrlLiterals,
          (_, _quote: string, relative: string) => `import.meta.ROLLUP_FILE_URL_${sources.get(relative)}`,
        );
      }
      return null;
    },
  };
}
