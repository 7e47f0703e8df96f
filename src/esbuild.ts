import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import {
  defaultWorkerFile,
  hashedFileName,
  isFile,
  runtimeFilesFile,
  runtimeUrlLiterals,
  workerEntryFile,
  workerUrlLiteral,
} from './bundling.ts';

/** The folder esbuild writes to: `outdir`, or the folder of `outfile`. */
function outputDir(options: BuildOptions): string {
  const dir = options.outdir ?? (options.outfile ? path.dirname(options.outfile) : undefined);
  if (!dir) throw new Error('inpage/esbuild: set `outdir` (or `outfile`): the plugin writes the worker and the runtime files there.');
  return path.resolve(options.absWorkingDir ?? process.cwd(), dir);
}

/** Copies the ONNX Runtime files (three builds, two files each) into `outdir` under content-hashed names; returns the new name of each `../ort/…` path. */
async function emitRuntimeFiles(outdir: string): Promise<Map<string, string>> {
  const code = await readFile(runtimeFilesFile, 'utf8');
  const names = new Map<string, string>();
  await mkdir(outdir, { recursive: true });
  for (const match of code.matchAll(runtimeUrlLiterals)) {
    const relative = match[2] ?? '';
    const bytes = await readFile(path.resolve(path.dirname(runtimeFilesFile), relative));
    const name = hashedFileName(path.basename(relative), bytes);
    await writeFile(path.join(outdir, name), bytes);
    names.set(relative, name);
  }
  return names;
}

/** Rewrites `'../ort/…'` in the worker's runtime-files module to the emitted names (next to the worker). */
function runtimeUrls(names: Map<string, string>): Plugin {
  return {
    name: 'inpage-runtime-urls',
    setup(build) {
      build.onLoad({ filter: /[\\/]worker[\\/]runtime-files\.js$/ }, async (args) => {
        if (!isFile(args.path, runtimeFilesFile)) return undefined;
        const code = await readFile(args.path, 'utf8');
        const contents = code.replace(
          runtimeUrlLiterals,
          (_, quote: string, relative: string) => `${quote}./${names.get(relative) ?? ''}${quote}`,
        );
        return { contents, loader: 'js' };
      });
    },
  };
}

/**
 * esbuild plugin for apps that use inpage. esbuild leaves `new Worker(new URL(…, import.meta.url))`
 * and `new URL(…, import.meta.url)` as they are, so the plugin builds inpage's worker
 * (`inpage/worker`) as its own ES module bundle, `inpage-worker-<hash>.js`, copies the ONNX
 * Runtime files next to it under content-hashed names, and points inpage's references at them.
 * All three land at the root of `outdir`, beside the chunk that starts the worker; use
 * `format: 'esm'` and keep that chunk at the root (the default for one entry, and for the shared
 * chunks of `splitting: true`). The worker inherits `minify`, `sourcemap` and `target`.
 *
 * @returns an esbuild plugin.
 * @throws Error (at build start) when neither `outdir` nor `outfile` is set; a build error unless `format: 'esm'`.
 * @example
 * // build.mjs
 * import * as esbuild from 'esbuild';
 * import { inpage } from 'inpage/esbuild';
 * await esbuild.build({
 *   entryPoints: ['src/main.js'],
 *   bundle: true,
 *   format: 'esm',
 *   outdir: 'dist',
 *   plugins: [inpage()],
 * });
 */
export function inpage(): Plugin {
  return {
    name: 'inpage',
    setup(build) {
      const options = build.initialOptions;
      let workerName = '';
      build.onStart(async () => {
        // `import.meta.url` is empty outside ES modules: the worker and runtime URLs could not resolve.
        if (options.format !== 'esm')
          return {
            errors: [{ text: "inpage/esbuild: set `format: 'esm'` (the worker and runtime files are found through import.meta.url)." }],
          };
        const outdir = outputDir(options);
        const names = await emitRuntimeFiles(outdir);
        const result = await build.esbuild.build({
          entryPoints: { 'inpage-worker': workerEntryFile },
          entryNames: '[name]-[hash]',
          bundle: true,
          format: 'esm',
          platform: 'browser',
          outdir,
          write: true,
          metafile: true,
          logLevel: 'silent',
          ...(options.minify !== undefined ? { minify: options.minify } : {}),
          ...(options.sourcemap !== undefined ? { sourcemap: options.sourcemap } : {}),
          ...(options.target !== undefined ? { target: options.target } : {}),
          plugins: [runtimeUrls(names)],
        });
        const output = Object.entries(result.metafile.outputs).find(([, meta]) => meta.entryPoint !== undefined);
        workerName = output ? path.basename(output[0]) : '';
        return { errors: result.errors, warnings: result.warnings };
      });
      build.onLoad({ filter: /[\\/]client[\\/]default-worker\.js$/ }, async (args) => {
        if (!isFile(args.path, defaultWorkerFile)) return undefined;
        const code = await readFile(args.path, 'utf8');
        return { contents: code.replace(workerUrlLiteral, (_, quote: string) => `${quote}./${workerName}${quote}`), loader: 'js' };
      });
    },
  };
}
