/**
 * Everything a benchmark run needs up: the local Hub (serving the models), a Vite dev server
 * for bench/page with the repo's aliases and COOP/COEP headers, and headless system Chromium.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import type { Browser, BrowserContext, Page } from 'playwright';
import { createServer } from 'vite';
import type { Plugin, ViteDevServer } from 'vite';
import { startHubServer } from '../../tests/hub/server.ts';
import type { HubServer } from '../../tests/hub/server.ts';
import { chromiumArgs, chromiumInstallHint, findChromium } from '../../tests/setup/chromium.ts';
import { inpage } from '../../src/vite.ts';
import { repoAliases, repoOptimizeDeps, runtimeFromNodeModules } from '../../vite.config.ts';
import type { BenchApi } from '../page/protocol.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const pageRoot = fileURLToPath(new URL('../page/', import.meta.url));

/** Counts the ONNX Runtime bytes the page server sends (full 200 responses; cache hits send none). */
export interface ByteCounter {
  bytes: number;
}

function runtimeByteCounter(counter: ByteCounter): Plugin {
  return {
    name: 'bench-runtime-bytes',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url && /ort-wasm/.test(req.url)) {
          res.on('finish', () => {
            if (res.statusCode === 200) counter.bytes += Number(res.getHeader('content-length') ?? 0);
          });
        }
        next();
      });
    },
  };
}

/** Starts the Vite dev server of the benchmark page on a random port. */
export async function startPageServer(counter: ByteCounter = { bytes: 0 }): Promise<ViteDevServer> {
  const server = await createServer({
    configFile: false,
    root: pageRoot,
    logLevel: 'error',
    plugins: [runtimeByteCounter(counter), inpage(), runtimeFromNodeModules()],
    resolve: { alias: repoAliases },
    optimizeDeps: repoOptimizeDeps,
    worker: { format: 'es' },
    server: { host: '127.0.0.1', port: 0, fs: { allow: [repoRoot] }, hmr: false },
  });
  await server.listen();
  return server;
}

/** The page server's URL. */
export function pageUrl(server: ViteDevServer): string {
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('bench: the page server has no URL');
  return url;
}

/** Launches the system Chromium (never a downloaded one). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(chromiumInstallHint);
  return chromium.launch({ executablePath, headless: true, args: [...chromiumArgs, ...extraArgs] });
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
export function callBench<M extends keyof BenchApi>(page: Page, method: M, ...args: Parameters<BenchApi[M]>): Promise<Awaited<ReturnType<BenchApi[M]>>> {
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

/** The running servers and browser. */
export interface BenchEnvironment {
  hub: HubServer;
  vite: ViteDevServer;
  browser: Browser;
  url: string;
  /** ONNX Runtime bytes sent by the page server (reset it before a measurement). */
  runtime: ByteCounter;
  close(): Promise<void>;
}

/** Starts the Hub on `modelsRoot`, the page server and Chromium. */
export async function startEnvironment(modelsRoot: string, aliases: Record<string, string>): Promise<BenchEnvironment> {
  const hub = await startHubServer({ root: modelsRoot, aliases });
  const runtime: ByteCounter = { bytes: 0 };
  const vite = await startPageServer(runtime);
  const browser = await launchChromium();
  return {
    hub,
    vite,
    browser,
    runtime,
    url: pageUrl(vite),
    async close() {
      await browser.close().catch(() => undefined);
      await vite.close().catch(() => undefined);
      await hub.close().catch(() => undefined);
    },
  };
}
