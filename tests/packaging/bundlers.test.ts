/**
 * Packaging with the other bundlers the README names: the packed library in one scratch app,
 * built for production by webpack 5, esbuild (with `inpage/esbuild`) and Rollup (with
 * `inpage/rollup`), each build served by a static host with the README's headers at the site root
 * and under a sub-path, and a Next.js app (`next build` + `next start`, root and `basePath`); each
 * runs in headless Chromium against the local Hub server.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureAliases } from '../fixtures/aliases.ts';
import { startHubServer } from '../hub/server.ts';
import type { HubServer } from '../hub/server.ts';
import { gatedRepos } from '../setup/hub-config.ts';
import { launchChromium, nonLocalRequests, visitApp } from './browser-run.ts';
import type { PageRun } from './browser-run.ts';
import { buildWith, writeBundlerApps } from './bundler-apps.ts';
import type { BundlerName } from './bundler-apps.ts';
import { buildNext, startNext, writeNextApp } from './next-app.ts';
import { createScratchApp } from './scratch-app.ts';
import type { ScratchApp } from './scratch-app.ts';
import { startStaticHost } from './static-host.ts';
import type { Fault } from './static-host.ts';

const modelsDir = fileURLToPath(new URL('../fixtures/models/', import.meta.url));
/** Strings only transformers.js / onnxruntime-web bundles contain. */
const runtimeMarkers = ['InferenceSession', 'AutoTokenizer'];
/** A production build minifies transformers.js and onnxruntime-web: minutes on 2 busy cores. */
const buildTimeoutMs = 300_000;
const runtimeFile = /ort-wasm-simd-threaded(?:\.(?:jspi|asyncify))?[-.][\w]{8,}\.(?:wasm|mjs)$/;
/** The build of a runtime file name: `plain`, `jspi` or `asyncify`. */
const buildOf = (name: string): string => /\.(jspi|asyncify)[-.]/.exec(name)?.[1] ?? 'plain';

let hub: HubServer;
let app: ScratchApp;
let browser: Browser;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  hub = await startHubServer({ root: modelsDir, aliases: fixtureAliases, gated: gatedRepos });
  closers.push(() => hub.close());
  app = await createScratchApp(hub.url);
  closers.push(() => app.remove());
  await writeBundlerApps(app.dir, hub.url);
  await writeNextApp(app.dir, hub.url);
  browser = await launchChromium();
  closers.push(() => browser.close());
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
});

/** Every file of a build, relative to its folder. */
async function filesOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

/** The page ran the model in a worker and loaded the runtime, all from the app's own origin and base path. */
function expectRunUnder(run: PageRun, appUrl: string): void {
  expect(run.result, `page errors: ${run.errors.join('\n')}`).toBe('POSITIVE');
  expect(run.crossOriginIsolated).toBe(true);
  expect(nonLocalRequests(run.requests)).toEqual([]);
  expect(run.workers.length).toBeGreaterThan(0);
  for (const worker of run.workers) expect(worker.startsWith(appUrl), worker).toBe(true);
  const runtimeRequests = run.requests.filter((url) => runtimeFile.test(new URL(url).pathname));
  expect(runtimeRequests.some((url) => url.endsWith('.wasm'))).toBe(true);
  expect(runtimeRequests.some((url) => url.endsWith('.mjs'))).toBe(true);
  // Headless Chromium without WebGPU: the worker is a WASM worker, on the plain build only.
  expect(new Set(runtimeRequests.map((url) => buildOf(new URL(url).pathname)))).toEqual(new Set(['plain']));
  for (const url of runtimeRequests) expect(url.startsWith(appUrl), url).toBe(true);
}

describe.each<BundlerName>(['webpack', 'esbuild', 'rollup'])('%s', (bundler) => {
  let outDir = '';

  it(
    'builds one runtime .wasm and .mjs per build, a worker, and a main entry without the runtime',
    async () => {
      const started = Date.now();
      ({ outDir } = await buildWith(app.dir, bundler));
      const files = await filesOf(outDir);
      const wasm = files.filter((file) => file.endsWith('.wasm'));
      expect(wasm).toEqual(wasm.map(() => expect.stringMatching(runtimeFile)));
      expect(wasm.map(buildOf).sort()).toEqual(['asyncify', 'jspi', 'plain']);
      const scripts = files.filter((file) => /\.m?js$/.test(file));
      expect(
        scripts
          .filter((file) => runtimeFile.test(file))
          .map(buildOf)
          .sort(),
      ).toEqual(['asyncify', 'jspi', 'plain']);

      const main = await readFile(path.join(outDir, 'main.js'), 'utf8');
      for (const marker of runtimeMarkers) expect(main).not.toContain(marker);
      let workerBytes = 0;
      for (const file of scripts.filter((name) => name !== 'main.js' && !runtimeFile.test(name))) {
        const code = await readFile(path.join(outDir, file), 'utf8');
        if (runtimeMarkers.every((marker) => code.includes(marker))) workerBytes += (await stat(path.join(outDir, file))).size;
      }
      expect(workerBytes).toBeGreaterThan(0);
      console.log(
        `packaging: ${bundler} built in ${Date.now() - started} ms; main ${main.length} B (${gzipSync(main).length} B gzip), ` +
          `worker ${workerBytes} B; files: ${files.filter((file) => !file.endsWith('.LICENSE.txt')).join(', ')}`,
      );
    },
    buildTimeoutMs,
  );

  it.each(['/', '/sub/'])('runs the sentiment fixture from the build served at %s', async (basePath) => {
    const host = await startStaticHost(outDir, basePath);
    closers.push(() => host.close());
    const run = await visitApp(browser, host.url);
    console.log(`packaging: ${bundler} at ${basePath} → ${run.result} in ${run.ms} ms`);
    expectRunUnder(run, host.url);
    await host.close();
  });
});

describe('a build whose host does not serve a file inpage needs', () => {
  /**
   * The esbuild build (made above; `bundler` picks another), served at a sub-path, with `fault` on
   * the file matching `pattern` (none when `fault` is undefined) and `headers` on every response.
   * @returns the page's run and the URL of the file matching `pattern`.
   */
  async function runWith(
    pattern: RegExp,
    fault?: Fault,
    headers: Record<string, string> = {},
    bundler: BundlerName = 'esbuild',
  ): Promise<{ run: PageRun; url: string }> {
    const outDir = path.join(app.dir, 'out', bundler);
    const name = (await filesOf(outDir)).find((file) => pattern.test(file)) ?? '';
    expect(name).not.toBe('');
    const host = await startStaticHost(outDir, '/sub/');
    closers.push(() => host.close());
    if (fault) host.faults.set(name, fault);
    for (const [header, value] of Object.entries(headers)) host.headers.set(header, value);
    const run = await visitApp(browser, host.url);
    await host.close();
    console.log(`packaging: ${name} ${fault ?? JSON.stringify(headers)} → ${run.result}`);
    return { run, url: `${host.url}${name}` };
  }

  const worker = /^inpage-worker-\w+\.js$/;

  it('fails with WORKER_CRASHED naming the worker script and its 404', async () => {
    const { run, url } = await runWith(worker, 'missing');
    expect(run.result).toMatch(/^ERROR WORKER_CRASHED /);
    expect(run.result).toContain(`${url} answered HTTP 404`);
    expect(run.result).not.toContain('unknown error');
  });

  it("names webpack's worker script (a classic worker there) and its 404", async () => {
    const { run, url } = await runWith(/^inpage\.\w+\.js$/, 'missing', {}, 'webpack');
    expect(run.result).toMatch(/^ERROR WORKER_CRASHED /);
    expect(run.result).toContain(`${url} answered HTTP 404`);
  });

  it('names the worker script served as HTML (a single-page-app fallback)', async () => {
    const { run, url } = await runWith(worker, 'html');
    expect(run.result).toMatch(/^ERROR WORKER_CRASHED /);
    expect(run.result).toContain(`${url} was served as "text/html", not as JavaScript`);
  });

  it('names the worker script served without COEP to an isolated page', async () => {
    const { run, url } = await runWith(worker, 'no-coep');
    expect(run.result).toMatch(/^ERROR WORKER_CRASHED /);
    expect(run.result).toContain(`${url} was served without a Cross-Origin-Embedder-Policy header`);
  });

  it("names the worker script blocked by the page's Content-Security-Policy", async () => {
    const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'none'";
    const { run, url } = await runWith(worker, undefined, { 'Content-Security-Policy': csp });
    expect(run.result).toMatch(/^ERROR WORKER_CRASHED /);
    expect(run.result).toContain(`its script ${url} was blocked by the page's Content-Security-Policy (worker-src)`);
  });

  // The plain build's files: the ones a WASM worker (headless Chromium has no WebGPU) loads.
  it.each([/^ort-wasm-simd-threaded-\w{8}\.mjs$/, /^ort-wasm-simd-threaded-\w{8}\.wasm$/])(
    'fails with RUNTIME_UNAVAILABLE naming the runtime file (%s) and its 404',
    async (pattern) => {
      const { run, url } = await runWith(pattern, 'missing');
      expect(run.result).toMatch(/^ERROR RUNTIME_UNAVAILABLE /);
      expect(run.result).toContain(`${url} answered HTTP 404`);
    },
  );
});

describe('Next.js (App Router, a client component)', () => {
  it.each(['', '/sub'])(
    'runs the sentiment fixture from `next build` + `next start` with basePath "%s"',
    async (basePath) => {
      const started = Date.now();
      const { distDir } = await buildNext(app.dir, basePath);
      const media = await filesOf(path.join(distDir, 'static/media'));
      const wasm = media.filter((file) => file.endsWith('.wasm'));
      expect(wasm.map(buildOf).sort()).toEqual(['asyncify', 'jspi', 'plain']);
      console.log(`packaging: next (basePath "${basePath}") built in ${Date.now() - started} ms; media: ${media.join(', ')}`);

      const server = await startNext(app.dir, basePath);
      closers.push(() => server.close());
      const run = await visitApp(browser, server.url);
      console.log(`packaging: next at ${basePath}/ → ${run.result} in ${run.ms} ms`);
      expect(run.result, `page errors: ${run.errors.join('\n')}`).toBe('POSITIVE');
      expect(run.crossOriginIsolated).toBe(true);
      expect(nonLocalRequests(run.requests)).toEqual([]);
      const origin = new URL(server.url).origin;
      for (const worker of run.workers) expect(worker.startsWith(`${origin}${basePath}/_next/`), worker).toBe(true);
      const runtimeRequests = run.requests.filter((url) =>
        /ort-wasm-simd-threaded(?:\.(?:jspi|asyncify))?\.[\w-]+\.(?:wasm|mjs)$/.test(url),
      );
      // The plain build's two files: headless Chromium has no WebGPU.
      expect(new Set(runtimeRequests).size, runtimeRequests.join('\n')).toBe(2);
      expect(new Set(runtimeRequests.map(buildOf))).toEqual(new Set(['plain']));
      for (const url of runtimeRequests) expect(url.startsWith(`${origin}${basePath}/_next/static/media/`), url).toBe(true);
      await server.close();
    },
    buildTimeoutMs,
  );
});
