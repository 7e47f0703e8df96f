/**
 * Packaging: packs the library (built once by the global setup), installs the tarball into a plain
 * Vite app in `os.tmpdir()`, and runs that app in `vite` dev, in a production build (`vite build` +
 * `vite preview`), and in a build for a sub-path served by a static host, in headless Chromium
 * against the local Hub server.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeFileNames } from '../../scripts/build.ts';
import { fixtureAliases } from '../fixtures/aliases.ts';
import { startHubServer } from '../hub/server.ts';
import type { HubServer } from '../hub/server.ts';
import { gatedRepos } from '../setup/hub-config.ts';
import { launchChromium, nonLocalRequests, visitApp } from './browser-run.ts';
import type { PageRun } from './browser-run.ts';
import { createScratchApp, exportNamesInNode, typecheckApp } from './scratch-app.ts';
import type { ScratchApp } from './scratch-app.ts';
import { startStaticHost } from './static-host.ts';
import { buildApp, startVite } from './vite-process.ts';

const modelsDir = fileURLToPath(new URL('../fixtures/models/', import.meta.url));

/** The main entry as an app bundles it, gzipped. The goal is 10 KB (issue 4); this guards regressions. */
const mainEntryBudgetBytes = 13 * 1024;
/** The public runtime surface of `inpage`. */
/** The built package exports what the source entry does (tests/unit/exports.test.ts guards that list). */
const publicExports = Object.keys(await import('../../src/index.ts')).sort();
/** Strings only transformers.js / onnxruntime-web bundles contain (checked against the worker too). */
const runtimeMarkers = ['InferenceSession', 'AutoTokenizer', 'ort-wasm-simd-threaded'];
const runtimeFile = /ort-wasm-simd-threaded(?:\.(?:jspi|asyncify))?(?:-[\w-]+)?\.(?:wasm|mjs)$/;
/** The build of a runtime file name: `plain`, `jspi` or `asyncify`. */
const buildOf = (name: string): string => /\.(jspi|asyncify)[-.]/.exec(name)?.[1] ?? 'plain';
const immutable = 'public, max-age=31536000, immutable';

let hub: HubServer;
let app: ScratchApp;
let browser: Browser;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  hub = await startHubServer({ root: modelsDir, aliases: fixtureAliases, gated: gatedRepos });
  closers.push(() => hub.close());
  app = await createScratchApp(hub.url);
  closers.push(() => app.remove());
  browser = await launchChromium();
  closers.push(() => browser.close());
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
});

/** The same-origin worker and runtime checks shared by dev and preview. */
function expectSameOriginRun(run: PageRun, origin: string): void {
  expect(run.result, `page errors: ${run.errors.join('\n')}`).toBe('POSITIVE');
  expect(run.crossOriginIsolated).toBe(true);
  expect(nonLocalRequests(run.requests)).toEqual([]);
  expect(run.workers.length).toBeGreaterThan(0);
  for (const worker of run.workers) expect(new URL(worker).origin).toBe(origin);
  const runtimeRequests = run.requests.filter((url) => runtimeFile.test(new URL(url).pathname));
  expect(runtimeRequests.map((url) => new URL(url).origin)).toEqual(runtimeRequests.map(() => origin));
  expect(runtimeRequests.some((url) => url.includes('.wasm'))).toBe(true);
  // Headless Chromium without WebGPU: the worker is a WASM worker, on the plain build only.
  expect(new Set(runtimeRequests.map((url) => buildOf(new URL(url).pathname)))).toEqual(new Set(['plain']));
}

async function headersOf(url: string): Promise<Headers> {
  const response = await fetch(url);
  await response.body?.cancel();
  expect(response.status, url).toBe(200);
  return response.headers;
}

describe('the packed library', () => {
  it('holds dist (with declarations and the three runtime builds), README and package.json only', () => {
    const files = app.packedFiles;
    expect(files.filter((file) => !file.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(file))).toEqual([]);
    for (const entry of ['index', 'worker', 'vite', 'esbuild', 'rollup'])
      expect(files).toEqual(expect.arrayContaining([`dist/${entry}.js`, `dist/${entry}.d.ts`]));
    expect(files).toEqual(expect.arrayContaining(runtimeFileNames.map((name) => `dist/ort/${name}`)));
    expect(files.filter((file) => /(?:^|\/)(?:tests?|demo|bench|scripts)\/|\.test\.|\.config\./.test(file))).toEqual([]);
  });

  it('references the runtime in dist/ort, not in the repo', async () => {
    const runtimeFiles = await readFile(path.join(app.packageDir, 'dist/worker/runtime-files.js'), 'utf8');
    for (const name of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.jspi.wasm', 'ort-wasm-simd-threaded.asyncify.wasm'])
      expect(runtimeFiles).toContain(`'../ort/${name}'`);
    expect(runtimeFiles).not.toContain('node_modules');
  });

  it('resolves every entry in Node and exports exactly the public surface', async () => {
    expect(await exportNamesInNode(app, 'inpage')).toEqual(publicExports);
    for (const plugin of ['vite', 'esbuild', 'rollup']) expect(await exportNamesInNode(app, `inpage/${plugin}`)).toContain('inpage');
  });

  it('type-checks a consumer against the published declarations', async () => {
    expect(await typecheckApp(app)).toBe('');
  });
});

describe('a plain Vite app using the package', () => {
  it('runs the sentiment fixture under `vite` (dev, dependency optimizer on)', async () => {
    const dev = await startVite(app.dir, { mode: 'dev' });
    closers.push(() => dev.close());
    const run = await visitApp(browser, `${dev.url}/`);
    console.log(`packaging: dev → ${run.result} in ${run.ms} ms`);
    expectSameOriginRun(run, dev.url);
    // The entry was pre-bundled: its `new URL(…, import.meta.url)` worker still resolved.
    expect(run.requests.some((url) => new URL(url).pathname.startsWith('/node_modules/.vite/deps/inpage.js'))).toBe(true);
    await dev.close();
  });

  it('builds one .wasm and .mjs per runtime build, a worker file, a small main entry and runtime-free task chunks', async () => {
    await buildApp(app.dir);
    const assetsDir = path.join(app.dir, 'dist/assets');
    const assets = await readdir(assetsDir);
    for (const extension of ['.wasm', '.mjs']) {
      const files = assets.filter((name) => name.endsWith(extension));
      expect(files).toEqual(files.map(() => expect.stringMatching(runtimeFile)));
      expect(files.map(buildOf).sort()).toEqual(['asyncify', 'jspi', 'plain']);
    }

    const html = await readFile(path.join(app.dir, 'dist/index.html'), 'utf8');
    const mainName = /src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
    expect(mainName).toBeDefined();
    const diagnosis = assets.filter((name) => name.startsWith('worker-startup-diagnosis-'));
    // The start-up diagnosis is a chunk of its own, loaded only when a worker fails to start.
    expect(diagnosis).toEqual([expect.stringMatching(/\.js$/)]);
    const workerNames = assets.filter((name) => /^worker-.*\.js$/.test(name) && !diagnosis.includes(name));
    expect(workerNames).toHaveLength(1);
    // The page's other chunks: each task's main-thread half (loaded on demand) and what they share.
    const pageChunks = assets.filter(
      (name) => name.endsWith('.js') && name !== mainName && !diagnosis.includes(name) && !workerNames.includes(name),
    );
    expect(pageChunks).toContainEqual(expect.stringMatching(/^text-classification-/));

    const main = await readFile(path.join(assetsDir, mainName ?? ''), 'utf8');
    const worker = await readFile(path.join(assetsDir, workerNames[0] ?? ''), 'utf8');
    const chunks = await Promise.all(pageChunks.map((name) => readFile(path.join(assetsDir, name), 'utf8')));
    for (const marker of runtimeMarkers) {
      expect(main).not.toContain(marker);
      for (const chunk of chunks) expect(chunk).not.toContain(marker);
      expect(worker).toContain(marker);
    }
    const mainGzip = gzipSync(main).length;
    const workerGzip = gzipSync(worker).length;
    console.log(`packaging: main entry ${main.length} B min, ${mainGzip} B gzip; worker ${worker.length} B min, ${workerGzip} B gzip`);
    expect(mainGzip).toBeLessThan(mainEntryBudgetBytes);
  });

  it('runs the sentiment fixture from the production build (`vite preview`)', async () => {
    const preview = await startVite(app.dir, { mode: 'preview' });
    closers.push(() => preview.close());
    const run = await visitApp(browser, `${preview.url}/`);
    console.log(`packaging: preview → ${run.result} in ${run.ms} ms`);
    expectSameOriginRun(run, preview.url);
    for (const worker of run.workers) expect(new URL(worker).pathname).toMatch(/^\/assets\//);
    await preview.close();
  });
});

describe('a Vite build under a sub-path', () => {
  it('runs the sentiment fixture from `vite build --base /sub/` served at /sub/', async () => {
    await buildApp(app.dir, ['--base', '/sub/', '--outDir', 'dist-sub']);
    const host = await startStaticHost(path.join(app.dir, 'dist-sub'), '/sub/');
    closers.push(() => host.close());
    const run = await visitApp(browser, host.url);
    console.log(`packaging: vite build at /sub/ → ${run.result} in ${run.ms} ms`);
    expectSameOriginRun(run, host.origin);
    for (const worker of run.workers) expect(new URL(worker).pathname).toMatch(/^\/sub\/assets\//);
    for (const url of run.requests.filter((request) => runtimeFile.test(new URL(request).pathname)))
      expect(new URL(url).pathname).toMatch(/^\/sub\/assets\//);
    await host.close();
  });
});

describe('inpage/vite', () => {
  /** The runtime URLs as the dev server hands them to the worker (with the plugin's version query). */
  async function devRuntimeUrls(origin: string): Promise<string[]> {
    const moduleUrl = `${origin}/node_modules/inpage/dist/worker/runtime-files.js`;
    const code = await (await fetch(moduleUrl)).text();
    return [...code.matchAll(/new URL\("([^"]+)"/g)].map((match) => new URL(match[1] ?? '', moduleUrl).href);
  }

  it('sends the isolation headers and immutable caching of versioned runtime URLs from `vite` and `vite preview`', async () => {
    const assets = await readdir(path.join(app.dir, 'dist/assets'));
    for (const mode of ['dev', 'preview'] as const) {
      const server = await startVite(app.dir, { mode, config: 'vite.plugin.config.ts' });
      closers.push(() => server.close());
      const page = await headersOf(`${server.url}/`);
      expect(page.get('cross-origin-opener-policy'), mode).toBe('same-origin');
      expect(page.get('cross-origin-embedder-policy'), mode).toBe('require-corp');
      expect(page.get('cache-control') ?? '', mode).not.toContain('immutable');

      const runtimeUrls =
        mode === 'dev'
          ? await devRuntimeUrls(server.url)
          : assets.filter((name) => runtimeFile.test(name)).map((name) => `${server.url}/assets/${name}`);
      expect(runtimeUrls, mode).toHaveLength(6);
      for (const url of runtimeUrls) {
        if (mode === 'dev') expect(url).toMatch(/\?inpage-runtime=[0-9a-f]{12}$/);
        expect((await headersOf(url)).get('cache-control'), url).toBe(immutable);
      }
      if (mode === 'dev') {
        // The unversioned path would outlive an upgrade of inpage, so it is revalidated instead.
        const plain = `${server.url}/node_modules/inpage/dist/ort/${runtimeFileNames[0] ?? ''}`;
        expect((await headersOf(plain)).get('cache-control') ?? '').not.toContain('immutable');
      }
      await server.close();
    }
  });
});
