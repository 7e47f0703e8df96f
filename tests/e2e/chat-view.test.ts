/**
 * The demo's chat view end to end, on the chat fixture served under the real model's id: a reply
 * streamed into the log, a second turn that prefills only its new tokens (the view's status says
 * how many came from the KV cache), a new conversation that starts over, no serious axe
 * violation and no horizontal scroll at 360×740.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAnswer } from '../fixtures/expectations.ts';
import { openView } from './view-page.ts';

let close: () => Promise<void> = async () => undefined;
let page: Page;
let problems: string[] = [];

const log = (): Promise<string[]> => page.locator('#chat-log li').allTextContents();
const status = (): Promise<string | null> => page.locator('#chat-status').textContent();

/** Sends `text` and waits until the view says the turn is done. */
async function send(text: string): Promise<string> {
  await page.locator('#chat-input').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect.poll(status, { timeout: 30_000 }).toMatch(/^Done/);
  return (await status()) ?? '';
}

beforeAll(async () => {
  ({ page, problems, close } = await openView('chat'));
});

afterAll(async () => {
  await close();
});

describe('demo chat view', () => {
  it('streams a reply, and the second turn prefills only its new tokens', async () => {
    const first = await send('My favourite colour is blue.');
    expect(first).toMatch(/ 0 of \d+ prompt tokens came from the cache/);
    expect(await log()).toEqual(['You: My favourite colour is blue.', `Model: ${chatAnswer('blue')}`]);
    const second = await send('And red is nice too.');
    const [, cached, prompt] = /(\d+) of (\d+) prompt tokens came from the cache/.exec(second) ?? [];
    expect(Number(cached)).toBeGreaterThan(0);
    expect(Number(cached)).toBeLessThan(Number(prompt));
    expect((await log()).at(-1)).toBe(`Model: ${chatAnswer('red')}`);
  });

  it('starts a new conversation: the log is empty and the next turn uses no cache', async () => {
    await page.getByRole('button', { name: 'New conversation' }).click();
    expect(await log()).toEqual([]);
    expect(await send('I like green.')).toMatch(/ 0 of \d+ prompt tokens came from the cache/);
    expect(await log()).toEqual(['You: I like green.', `Model: ${chatAnswer('green')}`]);
  });

  it('fits 360×740 without horizontal scroll, with no serious or critical axe violation', async () => {
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const { violations } = await new AxeBuilder({ page }).include('#chat').analyze();
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });

  it('logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
