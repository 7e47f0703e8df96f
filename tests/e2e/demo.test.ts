/**
 * The demo app end to end: each view gives the fixture models' known answers, Cancel stops a
 * translation, no serious axe violations, no horizontal scroll at 360×740, no CSP violation,
 * and the app shell still loads offline. Screenshots go to `test-results/screenshots/`.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchCorpus as demoCorpus, searchExamples as demoExamples } from '../../demo/data/search-corpus.ts';
import { searchCorpus, searchExamples } from '../fixtures/defs/search-corpus.ts';
import { chromiumArgs, chromiumInstallHint, findChromium } from '../setup/chromium.ts';
import { startDemoApp } from './demo-app.ts';
import type { DemoApp } from './demo-app.ts';

const screenshots = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const views = ['sentiment', 'translation', 'search', 'ner', 'manager', 'device'] as const;

let app: DemoApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

/** A fresh page load of one view (a hash-only `goto` would keep the previous state). */
async function open(view: (typeof views)[number]): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${app.url}/#${view}`);
  await page.locator(`#${view}`).waitFor({ state: 'visible' });
}

/** Shows a view without reloading (models stay loaded, which keeps the loops fast). */
async function show(view: (typeof views)[number]): Promise<void> {
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
  const executablePath = findChromium();
  if (!executablePath) throw new Error(chromiumInstallHint);
  mkdirSync(screenshots, { recursive: true });
  app = await startDemoApp();
  browser = await chromium.launch({ executablePath, args: [...chromiumArgs] });
  // Service workers only in their own test (its own context): elsewhere they would add a 20 MB
  // precache to every fresh load and make the view tests depend on the SW.
  context = await browser.newContext({ viewport: { width: 1200, height: 900 }, serviceWorkers: 'block' });
  // CSP violations are reported to the page, not thrown: collect them.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
  });
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
    await expect.poll(() => rows.count()).toBe(2);
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
    await expect.poll(() => page.locator('#search-results li .text').first().textContent()).toBe('The cat sleeps on the sofa');
    await shoot('search');
  });

  it('NER: entities highlighted at their offsets', async () => {
    await open('ner');
    const marks = page.locator('#ner-output mark');
    await expect.poll(() => marks.count(), { timeout: 30_000 }).toBe(5);
    const found = await marks.evaluateAll((elements) => elements.map((element) => [element.firstChild?.textContent, element.getAttribute('data-entity')]));
    expect(found).toEqual([
      ['Bobby', 'PER'],
      ['Google', 'ORG'],
      ['New York', 'LOC'],
      ['Alice', 'PER'],
      ['Paris', 'LOC'],
    ]);
    await shoot('ner');
  });

  it('model manager: lists the stored models from client.cache', async () => {
    await open('manager');
    await page.locator('#storage-usage').waitFor();
    await page.locator('#manager tbody tr', { hasText: 'distilbert-base-uncased-finetuned-sst-2-english' }).first().waitFor();
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
    for (let i = 0; i < 7; i += 1) {
      await page.keyboard.press('Tab');
      const { name, outline } = await focused();
      reached.push(name.slice(0, 40));
      rings.push(outline);
    }
    expect(rings.filter((ring) => ring === 'none'), reached.join(' | ')).toEqual([]);
    expect(reached.slice(0, 8)).toEqual(['Skip to content', 'Sentiment', 'Translation', 'Semantic search', 'Named entities', 'Model manager', 'Device', 'sentiment-text']);
    await page.getByRole('link', { name: 'Translation' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused()).name).toBe('translation-title');
    for (const expected of ['translation-pair', 'translation-text', 'Translate']) {
      await page.keyboard.press('Tab');
      expect((await focused()).name).toBe(expected);
    }
  });

  it('serves the app shell and the ONNX Runtime offline, still isolated (service worker)', async () => {
    const swContext = await browser.newContext();
    const swPage = await swContext.newPage();
    try {
      await swPage.goto(`${app.url}/#sentiment`);
      await swPage.locator('.verdict').waitFor({ timeout: 30_000 });
      await within(30_000, 'service worker ready', swPage.evaluate(() => navigator.serviceWorker.ready.then(() => undefined)));
      await swPage.reload();
      await expect.poll(() => swPage.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      await swContext.setOffline(true);
      await swPage.reload();
      await swPage.locator('#sentiment-text').waitFor({ timeout: 10_000 });
      expect(await swPage.evaluate(() => crossOriginIsolated)).toBe(true);
      const runtime = swPage.evaluate(async () => {
        const [name = ''] = await caches.keys();
        const requests = await (await caches.open(name)).keys();
        const wasm = requests.map((request) => request.url).find((url) => url.endsWith('.wasm')) ?? '/missing.wasm';
        const response = await fetch(wasm);
        return { status: response.status, coep: response.headers.get('cross-origin-embedder-policy') };
      });
      expect(await within(10_000, 'runtime fetch', runtime)).toEqual({ status: 200, coep: 'require-corp' });
    } finally {
      await swContext.close();
    }
  });

  // axe's finishRun opens a helper page, which leaves this one without keyboard focus: keep these last.
  it('no serious or critical axe violations in any view', async () => {
    await open('sentiment');
    for (const view of views) {
      await show(view);
      const { violations } = await new AxeBuilder({ page }).analyze();
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${view}: ${v.id} (${v.nodes.length}) ${v.help}`);
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
