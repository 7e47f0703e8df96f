/**
 * The demo's model views end to end, in one page on the fixture models: the local-Hub banner and
 * cross-origin isolation, each view's known answers (sentiment, translation, semantic search, NER),
 * Cancel stops a translation, the model manager shows exactly what `client.cache` returns for the
 * models those views stored, the device view lists the loaded ones; every control reached with the
 * keyboard, no serious axe violations, no horizontal scroll at 360×740, no errors and no CSP
 * violation. The tests run in order: the manager sees what the views before it stored, the axe
 * check the model it pinned. Screenshots of every view go to `test-results/screenshots/`; the
 * offline reloads are in `offline.test.ts`.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentimentModel } from '../../demo/data/models.ts';
import { searchCorpus as demoCorpus, searchExamples as demoExamples } from '../../demo/data/search-corpus.ts';
import { searchCorpus, searchExamples } from '../fixtures/defs/search-corpus.ts';
import type { DemoApp } from './demo-app.ts';
import { recordProblems, reportCspViolations, screenshot, startDemoBrowser } from './demo-browser.ts';
import { cacheState, expectedView, fixtureFootprint, readManagerView, withSettledQuota } from './model-manager.ts';
import { viewModels, views } from './views.ts';
import type { ViewId } from './views.ts';

/** What the view tests below store: the models {@link viewModels} lists, and en→de. */
const fixtureModels = [...viewModels, 'Xenova/opus-mt-en-de'];

let close: () => Promise<void> = async () => undefined;
let app: DemoApp;
let page: Page;
let problems: string[] = [];

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

const shoot = (name: string): Promise<void> => screenshot(page, name);

beforeAll(async () => {
  let browser: Browser;
  ({ app, browser, close } = await startDemoBrowser());
  // Service workers only in the offline tests (offline.test.ts): here they would add a 20 MB
  // precache to every fresh load and make the view tests depend on the SW.
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, serviceWorkers: 'block' });
  await context.addInitScript(reportCspViolations);
  page = await context.newPage();
  problems = recordProblems(page);
});

afterAll(async () => {
  await close();
});

describe('demo model views', () => {
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
    expect(problems).toEqual([]);
  });
});
