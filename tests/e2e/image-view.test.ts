/**
 * The demo's image view end to end, on the colour classifier fixture served under the real model's
 * id: a generated sample classified by its dominant colour, a picked PNG file classified the same
 * way, a file that is no image refused with INVALID_INPUT, the rectangles of a sample detected (exact
 * boxes, on the detector fixture) and its white background removed (on the remover fixture), no
 * serious axe violation and no horizontal scroll at 360×740.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../fixtures/png.ts';
import { colourClassification, quadrantPixels } from '../fixtures/vision-expectations.ts';
import { openView } from './view-page.ts';

let close: () => Promise<void> = async () => undefined;
let page: Page;
let problems: string[] = [];

const status = (): Promise<string | null> => page.locator('#image-status').textContent();

/** Clicks Classify and waits until the view is done; returns the top label. */
async function classify(): Promise<string | null> {
  await page.getByRole('button', { name: 'Classify' }).click();
  await expect.poll(status, { timeout: 45_000 }).not.toBe('Classifying…');
  expect(await status()).toBe('Done.');
  return page.locator('#image-top-label').textContent();
}

/** Clicks an action's button and waits until the view is done; returns the status. */
async function runAction(name: string, busy: string): Promise<string | null> {
  await page.getByRole('button', { name }).click();
  await expect.poll(status, { timeout: 45_000 }).not.toBe(busy);
  return status();
}

beforeAll(async () => {
  ({ page, problems, close } = await openView('image'));
});

afterAll(async () => {
  await close();
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

  it('detects the rectangles of a sample with their exact boxes, and removes its white background', async () => {
    await page.getByRole('button', { name: 'Shapes on white' }).click();
    await expect.poll(status).toBe('Chosen: Shapes on white.');
    expect(await runAction('Detect objects', 'Detecting objects…')).toBe('Done.');
    expect(await page.locator('#image-objects-summary').textContent()).toBe('2 objects found.');
    expect(await page.locator('#image-objects li').allTextContents()).toEqual(['red (1.00) at 1,2–7,7', 'blue (1.00) at 9,6–14,14']);
    expect(await page.getByRole('img', { name: 'The image with 2 boxes: red, blue' }).count()).toBe(1);
    expect(await runAction('Remove background', 'Removing the background…')).toBe('Done.');
    // 256 pixels, of which the red 6×5 and the blue 5×8 rectangles are kept.
    expect(await page.locator('#image-cutout-summary').textContent()).toBe('70 of 256 pixels kept.');
    const alpha = await page.locator('#image-result canvas').evaluate((canvas: HTMLCanvasElement) => {
      const context = canvas.getContext('2d');
      const scale = canvas.width / 16;
      const at = (x: number, y: number): number => context?.getImageData(x * scale + 1, y * scale + 1, 1, 1).data[3] ?? -1;
      return { white: at(0, 0), red: at(1, 2), blue: at(13, 13) };
    });
    expect(alpha).toEqual({ white: 0, red: 255, blue: 255 });
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
