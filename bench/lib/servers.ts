/**
 * Everything a benchmark run needs up: the local Hub (serving the models), a production build of
 * bench/page (Vite, the `inpage()` plugin, ES workers) served by a small static server with
 * COOP/COEP and immutable caching of the content-hashed assets, and headless system Chromium
 * with persistent profiles (a real user's browser keeps its HTTP and code caches; incognito-like
 * contexts do not).
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import type { BrowserContext, Page } from 'playwright';
import { build } from 'vite';
import { startHubServer } from '../../tests/hub/server.ts';
import type { HubServer } from '../../tests/hub/server.ts';
import { chromiumArgs, chromiumInstallHint, findChromium } from '../../tests/setup/chromium.ts';
import { immutableCacheControl, inpage, isolationHeaders, runtimeFilePattern } from '../../src/vite.ts';
import { repoAliases, runtimeFromNodeModules } from '../../vite.config.ts';
import type { BenchApi } from '../page/protocol.ts';

const pageRoot = fileURLToPath(new URL('../page/', import.meta.url));

/** Counts the ONNX Runtime bytes the page server sends (full 200 responses; cache hits send none). */
export interface ByteCounter {
  bytes: number;
}

/**
 * Builds bench/page for production into `outDir`, as an app using inpage would: the `inpage()`
 * plugin, ES-module workers, and the repo's runtime paths (the runtime files are emitted as
 * content-hashed assets, e.g. `assets/ort-wasm-simd-threaded-<hash>.wasm` for the plain build).
 */
export async function buildPage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: pageRoot,
    logLevel: 'error',
    publicDir: false,
    plugins: [inpage(), runtimeFromNodeModules()],
    resolve: { alias: repoAliases },
    worker: { format: 'es', plugins: () => [runtimeFromNodeModules()] },
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
}

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** A running static server. */
export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a build the way a production host should serve an inpage app: COOP/COEP (cross-origin
 * isolated, so WASM threads work), `Cache-Control: public, max-age=31536000, immutable` for the
 * content-hashed files under `assets/`, `no-cache` + ETag revalidation for the rest (index.html).
 * No compression (loopback). Counts the bytes of the runtime files it sends with status 200.
 */
export async function startStaticServer(root: string, counter: ByteCounter): Promise<StaticServer> {
  const base = path.resolve(root);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [name, value] of Object.entries(isolationHeaders)) res.setHeader(name, value);
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = path.resolve(base, `.${pathname.endsWith('/') ? `${pathname}index.html` : pathname}`);
    const info = file.startsWith(base + path.sep) ? await stat(file).catch(() => undefined) : undefined;
    if (!info?.isFile() || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(info ? 405 : 404, { 'Content-Type': 'text/plain' }).end(info ? 'method not allowed' : 'not found');
      return;
    }
    const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const hashed = pathname.startsWith('/assets/');
    res.setHeader('Cache-Control', hashed ? immutableCacheControl : 'no-cache');
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': contentTypes[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': info.size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (runtimeFilePattern.test(pathname)) res.on('finish', () => (counter.bytes += info.size));
    createReadStream(file).pipe(res);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A persistent browser profile: its own Chromium process and user-data dir (deleted on close). */
export interface Profile {
  /** The current browser's context (a new one after {@link Profile.restart}). */
  readonly context: BrowserContext;
  readonly dir: string;
  /** Closes the browser and starts it again on the same profile: only what is on disk survives. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function launchOn(dir: string, extraArgs: readonly string[]): Promise<BrowserContext> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(chromiumInstallHint);
  return chromium.launchPersistentContext(dir, { executablePath, headless: true, args: [...chromiumArgs, ...extraArgs] });
}

/**
 * Launches the system Chromium (never a downloaded one) on a fresh persistent profile: an empty
 * HTTP cache, code cache and storage that, unlike `browser.newContext()`, persist and are used
 * the way a real user's profile is (incognito-like contexts keep no wasm code cache).
 */
export async function launchProfile(extraArgs: readonly string[] = []): Promise<Profile> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inpage-bench-profile-'));
  let context = await launchOn(dir, extraArgs).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  let closed: Promise<void> | undefined;
  return {
    get context() {
      return context;
    },
    dir,
    async restart() {
      await context.close();
      context = await launchOn(dir, extraArgs);
    },
    close() {
      closed ??= (async () => {
        await context.close().catch(() => undefined);
        await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      })();
      return closed;
    },
  };
}

/** The system Chromium's version, e.g. `156.0.8078.79`. */
export function chromiumVersion(): string {
  const executablePath = findChromium();
  if (!executablePath) return 'unknown';
  try {
    const output = execFileSync(executablePath, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return /\d+(?:\.\d+)+/.exec(output)?.[0] ?? output.trim();
  } catch {
    return 'unknown';
  }
}

/** Opens the page in `context` and waits for `window.bench`. */
export async function openBenchPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  await page.goto(url);
  await page.waitForFunction(() => window.bench !== undefined, undefined, { timeout: 60_000 });
  return page;
}

/** Calls `window.bench[method](...args)` in the page. */
export function callBench<M extends keyof BenchApi>(
  page: Page,
  method: M,
  ...args: Parameters<BenchApi[M]>
): Promise<Awaited<ReturnType<BenchApi[M]>>> {
  return page.evaluate(
    async ([name, params]) => {
      const api = window.bench;
      if (!api) throw new Error('bench page not ready');
      const fn = api[name] as (...values: unknown[]) => Promise<unknown>;
      return fn(...params);
    },
    [method, args] as const,
  ) as Promise<Awaited<ReturnType<BenchApi[M]>>>;
}

/** The running servers; browsers are launched per profile with {@link launchProfile}. */
export interface BenchEnvironment {
  hub: HubServer;
  /** The page server's URL (the production build). */
  url: string;
  /** ONNX Runtime bytes sent by the page server (reset it before a measurement). */
  runtime: ByteCounter;
  browserVersion: string;
  close(): Promise<void>;
}

/** Starts the Hub on `modelsRoot`, builds the page and serves it. */
export async function startEnvironment(modelsRoot: string, aliases: Record<string, string>): Promise<BenchEnvironment> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'inpage-bench-page-'));
  const started = performance.now();
  await buildPage(outDir);
  console.log(`built bench/page in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const runtime: ByteCounter = { bytes: 0 };
  const page = await startStaticServer(outDir, runtime);
  const hub = await startHubServer({ root: modelsRoot, aliases });
  return {
    hub,
    runtime,
    url: page.url,
    browserVersion: chromiumVersion(),
    async close() {
      await page.close().catch(() => undefined);
      await hub.close().catch(() => undefined);
      await rm(outDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
