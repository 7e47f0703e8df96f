/**
 * A throwaway consumer app for the packaging test: `npm pack` of the repo, installed into a Vite
 * app in `os.tmpdir()` whose config has nothing inpage-specific.
 *
 * Installing is offline and fast on purpose: the tarball is unpacked into `node_modules/inpage`
 * (what `npm install <tarball>` does, minus fetching dependencies), and each dependency the packed
 * `package.json` declares, plus each bundler under test, is a symlink to the repo's own `node_modules` (present
 * after `npm ci`). Only declared dependencies are linked, so an undeclared import fails the test.
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The bundlers (and what their test apps need) the app gets besides inpage's own dependencies. */
const bundlerPackages = [
  'vite',
  'webpack',
  'webpack-cli',
  'esbuild',
  'rollup',
  '@rollup/plugin-node-resolve',
  'next',
  'react',
  'react-dom',
];

/** The repo root (where `npm pack` runs and whose `node_modules` the app links to). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The installed scratch app. */
export interface ScratchApp {
  /** The app folder (root of `vite`). */
  readonly dir: string;
  /** `node_modules/inpage` of the app: the unpacked tarball. */
  readonly packageDir: string;
  /** The packed tarball's file names (as listed by `npm pack --json`). */
  readonly packedFiles: readonly string[];
  /** Removes the app folder. */
  remove(): Promise<void>;
}

interface PackResult {
  filename: string;
  files: { path: string }[];
}

/** The consumer's `vite.config.ts`: only the cross-origin isolation headers (so WASM can use threads). */
const plainConfig = `import { defineConfig } from 'vite';

const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
export default defineConfig({ server: { headers }, preview: { headers } });
`;

/** A second config with the \`inpage/vite\` plugin, used only to check its headers. */
const pluginConfig = `import { defineConfig } from 'vite';
import { inpage } from 'inpage/vite';

export default defineConfig({ plugins: [inpage()] });
`;

const indexHtml = `<!doctype html>
<html>
  <head><meta charset="utf-8" /><link rel="icon" href="data:," /><title>inpage packaging</title></head>
  <body><p id="result">loading</p><script type="module" src="/main.ts"></script></body>
</html>
`;

function mainTs(hubUrl: string): string {
  return `import { createClient, isInpageError } from 'inpage';

const result = document.getElementById('result') as HTMLElement;

async function main(): Promise<string> {
  const client = createClient({ hub: { endpoint: ${JSON.stringify(hubUrl)} } });
  const sentiment = await client.load('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');
  const [top] = await sentiment.run('I love this wonderful movie');
  return top?.label ?? 'no label';
}

main().then(
  (label) => (result.textContent = label),
  (error: unknown) => (result.textContent = \`ERROR \${isInpageError(error) ? error.code : ''} \${String(error)}\`),
);
`;
}

const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2023', 'DOM'],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: [],
  },
  include: ['main.ts'],
};

/** Packs the repo (which must be built) into `destination`; returns the tarball path and its files. */
async function pack(destination: string): Promise<{ tarball: string; files: string[] }> {
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: repoRoot });
  const [result] = JSON.parse(stdout.slice(stdout.indexOf('['))) as PackResult[];
  if (!result) throw new Error('npm pack printed no result.');
  return { tarball: path.join(destination, result.filename), files: result.files.map((file) => file.path) };
}

/** Links `node_modules/<name>` of the app to the repo's copy. */
async function linkFromRepo(appModules: string, name: string): Promise<void> {
  const target = path.join(repoRoot, 'node_modules', name);
  if (!existsSync(target)) throw new Error(`${name} is not installed in the repo: run \`npm ci\` first.`);
  const link = path.join(appModules, name);
  await mkdir(path.dirname(link), { recursive: true });
  await symlink(target, link, 'dir');
}

/**
 * Packs the built repo and installs it into a fresh Vite app in `os.tmpdir()` whose `main.ts`
 * loads the sentiment fixture from `hubUrl` and writes the label into `#result`.
 * @example
 * const app = await createScratchApp(hub.url);
 */
export async function createScratchApp(hubUrl: string): Promise<ScratchApp> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inpage-packaging-'));
  const { tarball, files } = await pack(dir);
  const appModules = path.join(dir, 'node_modules');
  await mkdir(appModules, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', appModules]);
  const packageDir = path.join(appModules, 'inpage');
  await rename(path.join(appModules, 'package'), packageDir);

  const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of [...Object.keys(manifest.dependencies ?? {}), ...bundlerPackages]) await linkFromRepo(appModules, name);

  await writeFile(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'inpage-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  await writeFile(path.join(dir, 'vite.config.ts'), plainConfig);
  await writeFile(path.join(dir, 'vite.plugin.config.ts'), pluginConfig);
  await writeFile(path.join(dir, 'index.html'), indexHtml);
  await writeFile(path.join(dir, 'main.ts'), mainTs(hubUrl));
  await writeFile(path.join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  return { dir, packageDir, packedFiles: files, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Type-checks the app's `main.ts` against the installed package's declarations (repo's `tsc`).
 * @returns tsc's output (empty when clean).
 */
export async function typecheckApp(app: ScratchApp): Promise<string> {
  const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
  try {
    await run(process.execPath, [tsc, '-p', path.join(app.dir, 'tsconfig.json')], { cwd: app.dir });
    return '';
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}` || String(error);
  }
}

/**
 * The runtime export names of `inpage` as Node resolves the installed package from the app.
 * @example
 * expect(await exportNamesInNode(app, 'inpage/vite')).toContain('inpage');
 */
export async function exportNamesInNode(app: ScratchApp, specifier: string): Promise<string[]> {
  const script = `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app.dir });
  return JSON.parse(stdout) as string[];
}
