/**
 * Bundle sizes (minified, gzipped) of inpage's main entry and worker, and of a minimal
 * transformers.js entry, bundled with esbuild (tsx's bundler; runtime .wasm files excluded).
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** One bundle's size. */
export interface BundleSize {
  name: string;
  bytes: number;
  gzipBytes: number;
}

async function measure(name: string, options: BuildOptions): Promise<BundleSize> {
  const result = await build({
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    absWorkingDir: repoRoot,
    // Node built-ins behind transformers.js's environment checks are never loaded in a browser.
    external: ['fs', 'path', 'url', 'sharp', 'onnxruntime-node', 'node:*'],
    ...options,
  });
  const js = (result.outputFiles ?? []).filter((file) => file.path.endsWith('.js'));
  const bytes = js.reduce((sum, file) => sum + file.contents.byteLength, 0);
  const gzipBytes = js.reduce((sum, file) => sum + gzipSync(file.contents, { level: 9 }).byteLength, 0);
  return { name, bytes, gzipBytes };
}

/**
 * The main entry as an app's bundler splits it: `src/index.ts` and the chunks it imports
 * statically (task modules and the start-up diagnosis are `import()`ed: chunks of their own, loaded
 * on demand), as `tests/unit/core/bundle-size.test.ts` measures it.
 */
async function mainEntry(): Promise<BundleSize> {
  const result = await build({
    entryPoints: ['src/index.ts'],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    splitting: true,
    outdir: 'out',
    metafile: true,
    write: false,
    logLevel: 'silent',
    absWorkingDir: repoRoot,
  });
  const outputs = Object.entries(result.metafile.outputs);
  const [entryPath, entry] = outputs.find(([, output]) => output.entryPoint === 'src/index.ts') ?? [];
  const statics = new Set([entryPath, ...(entry?.imports ?? []).filter((i) => i.kind === 'import-statement').map((i) => i.path)]);
  const js = result.outputFiles.filter((file) => [...statics].some((name) => name !== undefined && file.path.endsWith(name)));
  const code = Buffer.concat(js.map((file) => file.contents));
  return {
    name: 'inpage main entry (src/index.ts and its static chunks)',
    bytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
  };
}

/** Measures the three bundles. */
export async function bundleSizes(): Promise<BundleSize[]> {
  return [
    await mainEntry(),
    await measure('inpage worker (src/worker.ts, with transformers.js + ORT glue)', {
      entryPoints: ['src/worker.ts'],
      outfile: 'out/worker.js',
    }),
    await measure('transformers.js (import { pipeline, env })', {
      stdin: { contents: "export { pipeline, env } from '@huggingface/transformers';", resolveDir: repoRoot, loader: 'js' },
      outfile: 'out/transformers.js',
    }),
  ];
}
