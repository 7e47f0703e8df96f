/**
 * The demo's image view end to end, on the colour classifier fixture served under the real model's
 * id: a generated sample classified by its dominant colour, a picked PNG file classified the same
 * way, a file that is no image refused with INVALID_INPUT, no serious axe violation and no
 * horizontal scroll at 360×740.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../fixtures/png.ts';
import { colourClassification, quadrantPixels } from '../fixtures/vision-expectations.ts';
import { chromiumArgs, chromiumInstallHint, findChromium } from '../setup/chromium.ts';
import { startDemoApp } from './demo-app.ts';
import type { DemoApp } from './demo-app.ts';

let app: DemoApp;
let browser: Browser;
let page: Page;
const problems: string[] = [];

const status = (): Promise<string | null> => page.locator('#image-status').textContent();

/** Clicks Classify and waits until the view is done; returns the top label. */
async function classify(): Promise<string | null> {
  await page.getByRole('button', { name: 'Classify' }).click();
  await expect.poll(status, { timeout: 45_000 }).not.toBe('Classifying…');
  expect(await status()).toBe('Done.');
  return page.locator('#image-top-label').textContent();
}

beforeAll(async () => {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(chromiumInstallHint);
  app = await startDemoApp();
  browser = await chromium.launch({ executablePath, args: [...chromiumArgs] });
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, serviceWorkers: 'block' });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${app.url}/#image`);
  await page.locator('#image').waitFor({ state: 'visible' });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('demo image view', () => {
  it('classifies the samples by their dominant colour', async () => {
    await expect.poll(status).toBe('Chosen: Red square.');
    expect(await classify()).toBe('red');
    await page.getByRole('button', { name: 'Blue with a yellow corner' }).click();
    await expect.poll(status).toBe('Chosen: Blue with a yellow corner.');
    expect(await classify()).toBe('blue');
    expect(await page.locator('#image-result .score').count()).toBe(3);
  });

  it('classifies a picked PNG file, with the fixture’s scores', async () => {
    const pixels = quadrantPixels(['magenta', 'magenta', 'magenta', 'green']);
    await page
      .locator('#image-file')
      .setInputFiles({ name: 'magenta.png', mimeType: 'image/png', buffer: Buffer.from(encodePng(pixels, 16, 16)) });
    await expect.poll(status).toBe('Chosen: magenta.png.');
    expect(await classify()).toBe('magenta');
    const shown = await page.locator('#image-result .score .number').allTextContents();
    expect(shown).toEqual(
      colourClassification(pixels)
        .slice(0, 3)
        .map((item) => item.score.toFixed(2)),
    );
  });

  it('says INVALID_INPUT for a file that is not an image', async () => {
    await page.locator('#image-file').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not an image') });
    await expect.poll(status).toMatch(/^This file does not look like an image/);
    await page.getByRole('button', { name: 'Classify' }).click();
    await expect.poll(status, { timeout: 30_000 }).toMatch(/^INVALID_INPUT: /);
  });

  it('fits 360×740 without horizontal scroll, with no serious or critical axe violation', async () => {
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const { violations } = await new AxeBuilder({ page }).include('#image').analyze();
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });

  it('logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
