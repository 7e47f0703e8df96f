/**
 * The demo app end to end: each view gives the fixture models' known answers, Cancel stops a
 * translation, the model manager shows exactly what `client.cache` returns, no serious axe
 * violations, no horizontal scroll at 360×740, no CSP violation, and after a first visit the
 * whole app works offline (shell and runtime from the service worker, models from IndexedDB).
 * Screenshots of every view go to `test-results/screenshots/`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedderModel, nerModel, sentimentModel } from '../../demo/data/models.ts';
import { searchCorpus as demoCorpus, searchExamples as demoExamples } from '../../demo/data/search-corpus.ts';
import { searchCorpus, searchExamples } from '../fixtures/defs/search-corpus.ts';
import { chromiumArgs, chromiumInstallHint, findChromium } from '../setup/chromium.ts';
import { startDemoApp } from './demo-app.ts';
import type { DemoApp } from './demo-app.ts';
import { clearHubRequests, hubRequests, setHubOffline } from './hub-control.ts';
import { cacheState, expectedView, fixtureFootprint, readManagerView, withSettledQuota } from './model-manager.ts';
import type { CacheState } from './model-manager.ts';
import { expectedResults, loadedModels, runModelViews, sentimentVerdict, storedLoads, views } from './views.ts';
import type { ViewId } from './views.ts';
import { recordSources, shellSources } from './service-worker.ts';

const screenshots = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
/** The models {@link runModelViews} loads: one per model view (translation: en→fr). */
const viewModels = [sentimentModel, 'Xenova/opus-mt-en-fr', embedderModel, nerModel];
/** What the view tests below store: those, and en→de. */
const fixtureModels = [...viewModels, 'Xenova/opus-mt-en-de'];

let app: DemoApp;
let executablePath: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

/** CSP violations are reported to the page, not thrown: this init script logs them as console errors. */
function reportCspViolations(): void {
  document.addEventListener('securitypolicyviolation', (event) =>
    console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
  );
}

/** A fresh page load of one view (a hash-only `goto` would keep the previous state). */
async function open(view: ViewId): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${app.url}/#${view}`);
  await page.locator(`#${view}`).waitFor({ state: 'visible' });
}

/** Shows a view without reloading (models stay loaded, which keeps the loops fast). */
async function show(view: ViewId): Promise<void> {
  await page.evaluate((id) => (location.hash = id), view);
  await page.locator(`#${view}`).waitFor({ state: 'visible' });
  await page.waitForTimeout(200);
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

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: `${screenshots}${name}.png`, fullPage: true });
}

beforeAll(async () => {
  const found = findChromium();
  if (!found) throw new Error(chromiumInstallHint);
  executablePath = found;
  mkdirSync(screenshots, { recursive: true });
  app = await startDemoApp();
  browser = await chromium.launch({ executablePath, args: [...chromiumArgs] });
  // Service workers only in the offline tests (their own contexts): elsewhere they would add a 20 MB
  // precache to every fresh load and make the view tests depend on the SW.
  context = await browser.newContext({ viewport: { width: 1200, height: 900 }, serviceWorkers: 'block' });
  await context.addInitScript(reportCspViolations);
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('demo app', () => {
  it('ships an identical copy of the fixture search corpus', () => {
    expect(demoCorpus).toEqual(searchCorpus);
    expect(demoExamples).toEqual(searchExamples);
  });

  it('shows the local-Hub banner and is cross-origin isolated', async () => {
    await open('sentiment');
    await expect.poll(() => page.locator('#hub-banner').textContent()).toContain('Offline mode');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  it('sentiment: live label, then a table for several lines', async () => {
    await open('sentiment');
    await page.locator('.verdict').getByText('POSITIVE').waitFor();
    await page.locator('#sentiment-text').fill('this is a terrible, awful film');
    await page.locator('.verdict').getByText('NEGATIVE').waitFor();
    await page.locator('#sentiment-text').fill('I love this wonderful movie\nthis is a terrible, awful film');
    const rows = page.locator('#sentiment-result tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    expect(await rows.nth(0).locator('td').nth(1).textContent()).toBe('POSITIVE');
    expect(await rows.nth(1).locator('td').nth(1).textContent()).toBe('NEGATIVE');
    await shoot('sentiment');
  });

  it('translation: streams en→fr and en→de', async () => {
    await open('translation');
    await page.getByRole('button', { name: 'Translate' }).click();
    await expect.poll(() => page.locator('#translation-status').textContent(), { timeout: 30_000 }).toBe('Done.');
    expect((await page.locator('#translation-output').textContent())?.trim()).toBe('le chat mange le poisson');
    await page.getByLabel('Language pair').selectOption({ label: 'English → German' });
    await page.getByLabel('English text').fill('the man reads a book');
    await page.getByRole('button', { name: 'Translate' }).click();
    await expect.poll(() => page.locator('#translation-status').textContent(), { timeout: 30_000 }).toBe('Done.');
    expect((await page.locator('#translation-output').textContent())?.trim()).toBe('der Mann liest ein Buch');
    await shoot('translation');
  });

  it('translation: Cancel stops the generation', async () => {
    await open('translation');
    const words = Array.from({ length: 80 }, () => 'the cat eats the fish').join(' ');
    await page.getByLabel('English text').fill(words);
    // Press Cancel from inside the page as soon as the first piece shows: a round trip from Node
    // could come after the (tiny, fast) fixture model has finished.
    await page.evaluate(() => {
      const output = document.getElementById('translation-output');
      const cancel = [...document.querySelectorAll('button')].find((button) => button.textContent === 'Cancel');
      const observer = new MutationObserver(() => {
        if (!output?.textContent) return;
        observer.disconnect();
        cancel?.click();
      });
      if (output) observer.observe(output, { childList: true, characterData: true, subtree: true });
    });
    await page.getByRole('button', { name: 'Translate' }).click();
    const output = page.locator('#translation-output');
    await expect.poll(() => page.locator('#translation-status').textContent(), { timeout: 30_000 }).toBe('Cancelled.');
    const stopped = (await output.textContent()) ?? '';
    await page.waitForTimeout(500);
    expect(await output.textContent()).toBe(stopped);
    expect(stopped.split(' ').length).toBeLessThan(80 * 5);
    expect(await page.getByRole('button', { name: 'Cancel' }).isDisabled()).toBe(true);
  });

  it('semantic search: known queries rank their sentence first', async () => {
    await open('search');
    for (const { query, expectedTop } of searchExamples.slice(0, 4)) {
      await page.getByLabel('Query').fill(query);
      await expect.poll(() => page.locator('#search-results li .text').first().textContent(), { timeout: 30_000 }).toBe(expectedTop);
    }
    await page.getByLabel('Query').fill('kitten');
    await expect
      .poll(() => page.locator('#search-results li .text').first().textContent(), { timeout: 10_000 })
      .toBe('The cat sleeps on the sofa');
    await shoot('search');
  });

  it('NER: entities highlighted at their offsets', async () => {
    await open('ner');
    const marks = page.locator('#ner-output mark');
    await expect.poll(() => marks.count(), { timeout: 30_000 }).toBe(5);
    const found = await marks.evaluateAll((elements) =>
      elements.map((element) => [element.firstChild?.textContent, element.getAttribute('data-entity')]),
    );
    expect(found).toEqual([
      ['Bobby', 'PER'],
      ['Google', 'ORG'],
      ['New York', 'LOC'],
      ['Alice', 'PER'],
      ['Paris', 'LOC'],
    ]);
    await shoot('ner');
  });

  it('model manager: shows exactly what client.cache.list() and usage() return', async () => {
    await open('manager');
    const state = await cacheState(page);
    // The five models the view tests above loaded, each complete, in the dtype it ran with.
    expect(state.list.map((entry) => entry.model).sort()).toEqual([...fixtureModels].sort());
    for (const entry of state.list) {
      expect(entry.complete, entry.model).toBe(true);
      expect({ files: entry.files, bytes: entry.bytes }, `${entry.model} (${entry.dtype})`).toEqual(
        fixtureFootprint(entry.model, entry.dtype),
      );
    }
    // No file is shared between these repos, so inpage's byte count is the sum of the entries.
    expect(state.usage.modelBytes).toBe(state.list.reduce((sum, entry) => sum + entry.bytes, 0));
    expect(withSettledQuota(await readManagerView(page), expectedView(state))).toEqual(expectedView(state));

    // Pinning shows in the view and in list(), both ways. The model stays pinned, so that the axe
    // check below also sees a pressed Pin button.
    for (const label of ['Pinning', 'Unpinning', 'Pinning']) {
      await page.getByRole('button', { name: `Pin ${sentimentModel}`, exact: true }).click();
      await expect.poll(() => page.locator('#manager .status').textContent(), { timeout: 15_000 }).toBe(`${label}: done.`);
      const after = await cacheState(page);
      expect(after.list.find((entry) => entry.model === sentimentModel)?.pinned).toBe(label === 'Pinning');
      expect(withSettledQuota(await readManagerView(page), expectedView(after))).toEqual(expectedView(after));
    }
    await shoot('manager');
  });

  it('device: capabilities and the loaded models', async () => {
    await open('sentiment');
    await page.locator('.verdict').getByText('POSITIVE').waitFor();
    await page.getByRole('link', { name: 'Device' }).click();
    await page.locator('#device-capabilities dl').waitFor();
    expect(await page.locator('#device-capabilities').textContent()).toContain('Cross-origin isolated');
    await page.locator('#device-models').waitFor();
    expect(await page.locator('#device-models tbody tr').count()).toBeGreaterThan(0);
    await shoot('device');
  });

  it('reaches every control with the keyboard, with a visible focus ring', async () => {
    await page.goto('about:blank');
    await page.goto(`${app.url}/`);
    await page.bringToFront();
    const focused = async (): Promise<{ name: string; outline: string }> =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement;
        const ring = element.matches(':focus-visible') ? getComputedStyle(element).outlineStyle : 'none';
        return { name: element.id || element.textContent?.trim() || element.tagName, outline: ring };
      });
    // The first Tab after a navigation may land on the document itself: start from the skip link.
    for (let i = 0; i < 3 && (await focused()).name !== 'Skip to content'; i += 1) await page.keyboard.press('Tab');
    const reached: string[] = ['Skip to content'];
    const rings: string[] = [];
    for (let i = 0; i < 11; i += 1) {
      await page.keyboard.press('Tab');
      const { name, outline } = await focused();
      reached.push(name.slice(0, 40));
      rings.push(outline);
    }
    expect(
      rings.filter((ring) => ring === 'none'),
      reached.join(' | '),
    ).toEqual([]);
    expect(reached.slice(0, 12)).toEqual([
      'Skip to content',
      'Sentiment',
      'Translation',
      'Chat',
      'Semantic search',
      'Named entities',
      'Images',
      'Transcription',
      'Model manager',
      'Device',
      'Latency',
      'sentiment-text',
    ]);
    await page.getByRole('link', { name: 'Translation' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused()).name).toBe('translation-title');
    for (const expected of ['translation-pair', 'translation-text', 'Translate']) {
      await page.keyboard.press('Tab');
      expect((await focused()).name).toBe(expected);
    }
  });

  it(
    'works offline after the first visit: shell and runtime from the service worker, models from IndexedDB, still isolated',
    { timeout: 180_000 },
    async () => {
      // Its own context: service workers on, and a fresh IndexedDB, so the first visit downloads.
      const offlineContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      await offlineContext.addInitScript(reportCspViolations);
      const offlinePage = await offlineContext.newPage();
      const pageErrors: string[] = [];
      offlinePage.on('console', (message) => {
        if (message.type() === 'error' && !message.text().includes('ERR_INTERNET_DISCONNECTED')) pageErrors.push(message.text());
      });
      offlinePage.on('pageerror', (error) => pageErrors.push(error.message));
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
        await offlinePage.screenshot({ path: `${screenshots}offline-device.png`, fullPage: true });
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
      const launch = (args: readonly string[], offline: boolean): Promise<BrowserContext> =>
        chromium.launchPersistentContext(profile, { executablePath, args: [...args], offline, viewport: { width: 1200, height: 900 } });
      let gpuContext: BrowserContext | undefined;
      try {
        gpuContext = await launch([...chromiumArgs, '--enable-unsafe-webgpu'], false);
        const first = gpuContext.pages()[0] ?? (await gpuContext.newPage());
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

  // axe's finishRun opens a helper page, which leaves this one without keyboard focus: keep these last.
  it('no serious or critical axe violations in any view', async () => {
    await open('sentiment');
    for (const view of views) {
      await show(view);
      const { violations } = await new AxeBuilder({ page }).analyze();
      const serious = violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${view}: ${v.id} (${v.nodes.length}) ${v.help}`);
      expect(serious).toEqual([]);
    }
  });

  it('fits 360×740 without horizontal scroll', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await open('sentiment');
    await page.locator('.verdict').waitFor();
    for (const view of views) {
      await show(view);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), view).toBeLessThanOrEqual(360);
      if (view === 'sentiment' || view === 'search') await shoot(`${view}-mobile`);
    }
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('logged no errors and no CSP violations', () => {
    expect(problems.filter((text) => !text.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });
});
