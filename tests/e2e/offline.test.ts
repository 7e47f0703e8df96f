/**
 * The demo offline end to end: after a first visit the whole app works with the browser offline,
 * every request aborted and the local Hub offline (shell and runtime from the service worker,
 * models from IndexedDB, still cross-origin isolated, the same stored models loaded the same way),
 * also when the first visit ran on a WebGPU adapter that is gone on the next launch; no errors
 * and no CSP violations. Each test starts from a fresh browser profile of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentimentModel } from '../../demo/data/models.ts';
import { chromiumArgs } from '../setup/chromium.ts';
import type { DemoApp } from './demo-app.ts';
import { recordProblems, reportCspViolations, screenshot, startDemoBrowser } from './demo-browser.ts';
import { clearHubRequests, hubRequests, setHubOffline } from './hub-control.ts';
import { cacheState } from './model-manager.ts';
import type { CacheState } from './model-manager.ts';
import { expectedResults, loadedModels, runModelViews, sentimentVerdict, storedLoads, viewModels } from './views.ts';
import { recordSources, shellSources } from './service-worker.ts';

let close: () => Promise<void> = async () => undefined;
let app: DemoApp;
let browser: Browser;
let executablePath: string;
/** What each page of this file logged, page by page. */
const problems: string[][] = [];

/**
 * Records `page`'s console errors and uncaught exceptions for the last test, and returns them.
 * Requests aborted because the browser is offline are logged as errors too: those are left out.
 */
function watch(page: Page): string[] {
  const logged = recordProblems(page, (text) => text.includes('ERR_INTERNET_DISCONNECTED'));
  problems.push(logged);
  return logged;
}

/** Fails with `label` when `promise` takes longer than `ms` (page.evaluate has no timeout of its own). */
async function within<T>(ms: number, label: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${label}`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  ({ app, browser, executablePath, close } = await startDemoBrowser());
});

afterAll(async () => {
  await close();
});

describe('demo offline', () => {
  it(
    'works offline after the first visit: shell and runtime from the service worker, models from IndexedDB, still isolated',
    { timeout: 180_000 },
    async () => {
      // Its own context: service workers on, and a fresh IndexedDB, so the first visit downloads.
      const offlineContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      await offlineContext.addInitScript(reportCspViolations);
      const offlinePage = await offlineContext.newPage();
      const pageErrors = watch(offlinePage);
      try {
        // First visit, online: every model view downloads its model.
        await offlinePage.goto(`${app.url}/#sentiment`);
        expect(await runModelViews(offlinePage)).toEqual(expectedResults);
        await within(
          60_000,
          'service worker ready',
          offlinePage.evaluate(() => navigator.serviceWorker.ready.then(() => undefined)),
        );
        await expect.poll(() => offlinePage.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 10_000 }).toBe(true);
        const online = { cache: await cacheState(offlinePage), loads: await loadedModels(offlinePage) };
        expect(online.cache.list.map((entry) => entry.model).sort()).toEqual([...viewModels].sort());

        // Online, the service worker fetches the shell (so a new build shows at once) and serves the runtime from its precache.
        const onlineSources = recordSources(offlinePage);
        await offlinePage.reload();
        await expect.poll(() => shellSources(onlineSources).runtime, { timeout: 30_000 }).toEqual(['precache', 'precache']);
        expect(shellSources(onlineSources).shell['/']).toBe('service-worker');

        // Offline: the browser has no network, every request that leaves the page is aborted (the
        // service worker's answers never get here), and the local Hub refuses connections too.
        await setHubOffline(app.hubUrl, true);
        await clearHubRequests(app.hubUrl);
        await offlineContext.setOffline(true);
        const escaped: Array<{ url: URL; byServiceWorker: boolean }> = [];
        await offlineContext.route('**/*', (route) => {
          escaped.push({ url: new URL(route.request().url()), byServiceWorker: route.request().serviceWorker() !== null });
          return route.abort('internetdisconnected');
        });
        const offlineSources = recordSources(offlinePage);
        await offlinePage.reload();
        // Still isolated: the page, and the worker (whose script the service worker served too) has threads.
        expect(await offlinePage.evaluate(() => crossOriginIsolated)).toBe(true);
        const capabilities = await offlinePage.evaluate(() => window.inpageDemo?.client.capabilities());
        expect({ isolated: capabilities?.crossOriginIsolated, threads: capabilities?.wasm.threads }).toEqual({
          isolated: true,
          threads: true,
        });
        expect(await runModelViews(offlinePage)).toEqual(expectedResults);

        // The app shell, every asset and the ONNX Runtime came from the service worker's precache.
        const { shell, runtime } = shellSources(offlineSources);
        expect(shell['/']).toBe('precache');
        expect(runtime).toEqual(['precache', 'precache']);
        expect(Object.entries(shell).filter(([, source]) => source !== 'precache')).toEqual([]);
        // The models came from inpage's store: neither the page nor inpage's worker sent a request
        // (the service worker's own tries, the shell network first and its update check, aside),
        // none reached the Hub, and every file of every load was a stored one.
        expect(escaped.filter(({ byServiceWorker }) => !byServiceWorker).map(({ url }) => url.href)).toEqual([]);
        expect(
          escaped.filter(({ url }) => url.origin !== app.url || !['/', '/sw.js'].includes(url.pathname)).map(({ url }) => url.href),
        ).toEqual([]);
        expect(await hubRequests(app.hubUrl)).toEqual([]);
        expect(await storedLoads(offlinePage)).toEqual(Object.fromEntries(viewModels.map((model) => [model, true])));
        // Same commits, dtypes and bytes as online; each model runs on the same device in the same dtype.
        const offline = { cache: await cacheState(offlinePage), loads: await loadedModels(offlinePage) };
        const identity = ({ list }: CacheState): string[] =>
          list.map((entry) => `${entry.model}@${entry.commit} ${entry.dtype} ${entry.bytes} ${String(entry.complete)}`).sort();
        expect(identity(offline.cache)).toEqual(identity(online.cache));
        expect(offline.cache.usage.modelBytes).toBe(online.cache.usage.modelBytes);
        expect(offline.loads).toEqual(online.loads);
        await screenshot(offlinePage, 'offline-device');
        expect(pageErrors).toEqual([]);
      } finally {
        await offlineContext.close();
        await setHubOffline(app.hubUrl, false);
      }
    },
  );

  it(
    'works offline when the WebGPU adapter of the first visit is gone: auto reuses the stored dtype on WASM',
    { timeout: 120_000 },
    async () => {
      // One browser profile, two launches: the first with a (SwiftShader) WebGPU adapter, the next without.
      const profile = mkdtempSync(path.join(tmpdir(), 'inpage-e2e-profile-'));
      const launch = async (args: readonly string[], offline: boolean): Promise<BrowserContext> => {
        const context = await chromium.launchPersistentContext(profile, {
          executablePath,
          args: [...args],
          offline,
          viewport: { width: 1200, height: 900 },
        });
        await context.addInitScript(reportCspViolations);
        return context;
      };
      let gpuContext: BrowserContext | undefined;
      try {
        gpuContext = await launch([...chromiumArgs, '--enable-unsafe-webgpu'], false);
        const first = gpuContext.pages()[0] ?? (await gpuContext.newPage());
        watch(first);
        // `auto` avoids a software adapter unless the page asks (SwiftShader is one).
        await first.goto(`${app.url}/?gpu=software#sentiment`);
        expect(await sentimentVerdict(first)).toBe('POSITIVE');
        await within(
          60_000,
          'service worker ready',
          first.evaluate(() => navigator.serviceWorker.ready.then(() => undefined)),
        );
        const [online] = await loadedModels(first);
        expect(online?.device).toBe('webgpu');
        await gpuContext.close();

        await setHubOffline(app.hubUrl, true);
        gpuContext = await launch(chromiumArgs, true);
        await gpuContext.route('**/*', (route) => route.abort('internetdisconnected'));
        const next = gpuContext.pages()[0] ?? (await gpuContext.newPage());
        watch(next);
        await next.goto(`${app.url}/#sentiment`);
        expect(await sentimentVerdict(next)).toBe('POSITIVE');
        expect(await loadedModels(next)).toEqual([{ model: sentimentModel, device: 'wasm', dtype: online?.dtype, fallback: 'none' }]);
      } finally {
        await gpuContext?.close();
        await setHubOffline(app.hubUrl, false);
        rmSync(profile, { recursive: true, force: true });
      }
    },
  );

  it('logged no errors and no CSP violations', () => {
    expect(problems.flat()).toEqual([]);
  });
});
