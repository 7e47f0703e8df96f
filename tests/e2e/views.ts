/**
 * Drives the demo's views in a page and reads their results, so that the same checks run on the
 * first visit and after an offline reload.
 * @module
 */
import type { Page } from 'playwright';
import { expect } from 'vitest';
import { embedderModel, nerModel, sentimentModel } from '../../demo/data/models.ts';

/** The demo's routes. */
export const views = ['sentiment', 'translation', 'search', 'ner', 'manager', 'device'] as const;
/** One route. */
export type ViewId = (typeof views)[number];

/** What the views give for the fixture models' known inputs. */
export interface ViewResults {
  /** Labels of the sentiment view: the default positive text, then a negative one. */
  sentiment: string[];
  /** en→fr of the default text. */
  translation: string;
  /** The top hit for "kitten". */
  searchTop: string;
  /** `[text, entity]` of each highlighted entity of the default NER text. */
  entities: Array<[string, string]>;
}

/** The fixture models' answers (see `tests/fixtures/defs/`). */
export const expectedResults: ViewResults = {
  sentiment: ['POSITIVE', 'NEGATIVE'],
  translation: 'le chat mange le poisson',
  searchTop: 'The cat sleeps on the sofa',
  entities: [
    ['Bobby', 'PER'],
    ['Google', 'ORG'],
    ['New York', 'LOC'],
    ['Alice', 'PER'],
    ['Paris', 'LOC'],
  ],
};

/** The models {@link runModelViews} loads: one per model view (translation: en→fr). */
export const viewModels = [sentimentModel, 'Xenova/opus-mt-en-fr', embedderModel, nerModel];

const slow = { timeout: 45_000 };

/**
 * Polls `read` until `pending` says the view is done (loading and "…" states are pending), and
 * returns the final text: a result, or the view's error message.
 */
async function settled(read: () => Promise<string>, pending: (text: string) => boolean): Promise<string> {
  let text = '';
  await expect.poll(async () => pending((text = await read())), slow).toBe(false);
  return text;
}

const loading = (text: string): boolean => text === '' || text.endsWith('…');

/** The first element's text when `result` matches, otherwise the view's status (e.g. an error). */
function resultOrStatus(page: Page, result: string, status: string): () => Promise<string> {
  return async () =>
    ((await page.locator(result).count()) > 0 ? page.locator(result).first().textContent() : page.locator(status).textContent()).then(
      (text) => text ?? '',
    );
}

/**
 * Shows a view without reloading the page.
 * @example
 * await showView(page, 'search');
 */
export async function showView(page: Page, view: ViewId): Promise<void> {
  await page.evaluate((id) => (location.hash = id), view);
  await page.locator(`#${view}`).waitFor({ state: 'visible' });
}

/** The sentiment view's label, or its status while there is none. */
const sentimentReading = (page: Page): (() => Promise<string>) => resultOrStatus(page, '#sentiment .verdict strong', '#sentiment .status');

/**
 * Shows the sentiment view and returns its label for the text it holds (or its error message).
 * @example
 * expect(await sentimentVerdict(page)).toBe('POSITIVE');
 */
export async function sentimentVerdict(page: Page): Promise<string> {
  await showView(page, 'sentiment');
  return settled(sentimentReading(page), loading);
}

/**
 * Runs every model view on its known input (loading each model on first use) and reads the
 * results. A view that shows an error instead fails with that error.
 * @example
 * expect(await runModelViews(page)).toEqual(expectedResults);
 */
export async function runModelViews(page: Page): Promise<ViewResults> {
  const first = await sentimentVerdict(page);
  await page.locator('#sentiment-text').fill('this is a terrible, awful film');
  const second = await settled(sentimentReading(page), (text) => loading(text) || text === first);

  await showView(page, 'translation');
  await page.getByLabel('Language pair').selectOption({ label: 'English → French' });
  await page.getByLabel('English text').fill('the cat eats the fish');
  await page.getByRole('button', { name: 'Translate' }).click();
  const status = await settled(async () => (await page.locator('#translation-status').textContent()) ?? '', loading);
  if (status !== 'Done.') throw new Error(`translation view: ${status}`);
  const translation = (await page.locator('#translation-output').textContent())?.trim() ?? '';

  await showView(page, 'search');
  await page.getByLabel('Query').fill('kitten');
  const searchTop = await settled(
    resultOrStatus(page, '#search-results.scored li .text', '#search .status'),
    (text) => loading(text) || text === 'Type a query.',
  );

  await showView(page, 'ner');
  const nerStatus = await settled(resultOrStatus(page, '#ner-output mark', '#ner .status'), loading);
  const marks = page.locator('#ner-output mark');
  if ((await marks.count()) === 0) throw new Error(`NER view: ${nerStatus}`);
  const entities = await marks.evaluateAll((elements) =>
    elements.map((mark): [string, string] => [mark.firstChild?.textContent ?? '', mark.getAttribute('data-entity') ?? '']),
  );
  return { sentiment: [first, second], translation, searchTop, entities };
}

/** A loaded model as the device view lists it. */
export interface ShownLoad {
  model: string;
  device: string;
  dtype: string;
  fallback: string;
}

/**
 * The device view's table of loaded models, sorted by model id.
 * @example
 * const loads = await loadedModels(page);
 */
export async function loadedModels(page: Page): Promise<ShownLoad[]> {
  await showView(page, 'device');
  await page.locator('#device-models').waitFor();
  const rows = await page.locator('#device-models tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '');
      return {
        model: tr.querySelector('th')?.firstChild?.textContent ?? '',
        device: cells[0] ?? '',
        dtype: cells[1] ?? '',
        fallback: cells[2] ?? '',
      };
    }),
  );
  return rows.sort((a, b) => a.model.localeCompare(b.model));
}

/**
 * For each load in the Downloads panel: whether every file came from inpage's store (`cached`
 * events, shown as "stored") rather than the network.
 * @example
 * expect(Object.values(await storedLoads(page))).not.toContain(false);
 */
export async function storedLoads(page: Page): Promise<Record<string, boolean>> {
  const loads = await page.locator('#progress article.load').evaluateAll((articles) =>
    articles.map((article) => {
      const files = [...article.querySelectorAll('.files .bar .bytes')].map((span) => span.textContent ?? '');
      return [article.getAttribute('data-model') ?? '', files.length > 0 && files.every((text) => text.endsWith('· stored'))] as const;
    }),
  );
  return Object.fromEntries(loads);
}
