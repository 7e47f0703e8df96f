/**
 * The demo's latency view end to end, on the heavy and light sentiment fixtures served under the
 * ladder's real ids: under a loose target the heavy rung runs, with each measured rung's p95 in the
 * table; tightened live to 0.1 ms (the heavy rung's 128-token calls take tens of ms), a window of
 * calls steps it down to the light rung, and the switch is logged. No serious axe violation and
 * no horizontal scroll at 360×740. Timings are never asserted: only which rung runs.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ladderModels } from '../../demo/data/models.ts';
import { openView } from './view-page.ts';

let close: () => Promise<void> = async () => undefined;
let page: Page;
let problems: string[] = [];
const [heavy, light] = ladderModels as [string, string];

const reason = (): Promise<string | null> => page.locator('#latency-reason').textContent();
const status = (): Promise<string | null> => page.locator('#latency .status').textContent();

beforeAll(async () => {
  ({ page, problems, close } = await openView('latency'));
});

afterAll(async () => {
  await close();
});

describe('demo latency view', () => {
  it('runs the heavy rung under a loose target, with its p95 measured here', async () => {
    await expect.poll(status, { timeout: 60_000 }).toBe('Ready.');
    expect(await reason()).toMatch(new RegExp(`^${heavy} runs: p95 [\\d.]+ ms meets 1000 ms$`));
    const rows = await page.locator('#latency-rungs tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(new RegExp(`^${heavy}[\\d.]+ msruns on (wasm|webgpu)$`));
    expect(rows[1]).toBe(`${light}–`);
  });

  it('steps down to the light rung between calls once the target is tightened', async () => {
    await page.locator('#latency-target').fill('0.1');
    await page.getByRole('button', { name: 'Set target' }).click();
    await page.getByRole('button', { name: /^Run \d+ calls$/ }).click();
    await expect.poll(status, { timeout: 60_000 }).toMatch(/^Ran \d+ calls\.$/);
    await expect
      .poll(() => page.locator('#latency-log li').allTextContents(), { timeout: 30_000 })
      .toEqual([expect.stringMatching(new RegExp(`^Down: ${heavy} → ${light} \\(p95 [\\d.]+ ms over the last 8 calls misses 0.1 ms\\)$`))]);
    expect(await reason()).toMatch(new RegExp(`^${light} runs: `));
  });

  it('fits 360×740 without horizontal scroll, with no serious or critical axe violation', async () => {
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const { violations } = await new AxeBuilder({ page }).include('#latency').analyze();
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });

  it('logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
