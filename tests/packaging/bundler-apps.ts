/**
 * The same small app (sentiment of one sentence into `#result`) built by webpack 5, esbuild and
 * Rollup, each with the configuration the README shows, inside the scratch app. Each bundler runs
 * through its own CLI or build script, in a child process, as a consumer would.
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A bundler with a test app. */
export type BundlerName = 'webpack' | 'esbuild' | 'rollup';

/** The app code (plain JavaScript, so that no bundler needs a TypeScript loader). */
export function appJs(hubUrl: string): string {
  return `import { createClient, isInpageError } from 'inpage';

const result = document.getElementById('result');

async function main() {
  const client = createClient({ hub: { endpoint: ${JSON.stringify(hubUrl)} } });
  const sentiment = await client.load('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');
  const [top] = await sentiment.run('I love this wonderful movie');
  return top?.label ?? 'no label';
}

main().then(
  (label) => (result.textContent = label),
  (error) => (result.textContent = \`ERROR \${isInpageError(error) ? error.code : ''} \${String(error?.message ?? error)}\`),
);
`;
}

/** The page: `main.js` relative to the page, so one build serves at the root and under a sub-path. */
function indexHtml(script: string): string {
  return `<!doctype html>
<html>
  <head><meta charset="utf-8" /><link rel="icon" href="data:," /><title>inpage packaging</title></head>
  <body><p id="result">loading</p>${script}</body>
</html>
`;
}

/** The README's webpack 5 configuration: nothing inpage-specific. */
const webpackConfig = `import path from 'node:path';

export default {
  mode: 'production',
  entry: { main: './web/app.js' },
  output: {
    path: path.resolve('out/webpack'),
    filename: '[name].js',
    chunkFilename: '[name].[contenthash].js',
    assetModuleFilename: '[name].[contenthash][ext]',
    clean: true,
  },
  performance: { hints: false },
};
`;

/** The README's esbuild build script. */
const esbuildScript = `import * as esbuild from 'esbuild';
import { inpage } from 'inpage/esbuild';

await esbuild.build({
  entryPoints: { main: 'web/app.js' },
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  outdir: 'out/esbuild',
  plugins: [inpage()],
});
`;

/** The README's Rollup configuration. */
const rollupConfig = `import { nodeResolve } from '@rollup/plugin-node-resolve';
import { inpage } from 'inpage/rollup';

export default {
  input: { main: 'web/app.js' },
  output: { dir: 'out/rollup', format: 'es' },
  plugins: [nodeResolve({ browser: true }), inpage()],
};
`;

/** Each bundler's command (run with Node in the app folder) and page script tag. */
const bundlers: Record<BundlerName, { args: string[]; script: string }> = {
  // webpack's automatic public path reads document.currentScript, which module scripts do not set.
  webpack: {
    args: ['node_modules/webpack-cli/bin/cli.js', '--config', 'webpack.config.mjs'],
    script: '<script defer src="./main.js"></script>',
  },
  esbuild: { args: ['esbuild.mjs'], script: '<script type="module" src="./main.js"></script>' },
  rollup: {
    args: ['node_modules/rollup/dist/bin/rollup', '--config', 'rollup.config.mjs'],
    script: '<script type="module" src="./main.js"></script>',
  },
};

/** Writes the shared app code and every bundler's configuration into the scratch app. */
export async function writeBundlerApps(appDir: string, hubUrl: string): Promise<void> {
  await mkdir(path.join(appDir, 'web'), { recursive: true });
  await writeFile(path.join(appDir, 'web/app.js'), appJs(hubUrl));
  await writeFile(path.join(appDir, 'webpack.config.mjs'), webpackConfig);
  await writeFile(path.join(appDir, 'esbuild.mjs'), esbuildScript);
  await writeFile(path.join(appDir, 'rollup.config.mjs'), rollupConfig);
}

/**
 * Builds the app with `bundler` into `out/<bundler>/` (plus its `index.html`).
 * @returns the output folder and what the bundler printed.
 */
export async function buildWith(appDir: string, bundler: BundlerName): Promise<{ outDir: string; log: string }> {
  const outDir = path.join(appDir, 'out', bundler);
  await rm(outDir, { recursive: true, force: true });
  const { stdout, stderr } = await run(process.execPath, bundlers[bundler].args, {
    cwd: appDir,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    maxBuffer: 16 * 1024 * 1024,
  });
  await writeFile(path.join(outDir, 'index.html'), indexHtml(bundlers[bundler].script));
  return { outDir, log: `${stdout}${stderr}` };
}
