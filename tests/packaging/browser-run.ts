/**
 * Opens the scratch app in headless system Chromium (Playwright, never a downloaded browser) and
 * records what the page and its workers requested.
 * @module
 */
import { chromium } from 'playwright';
import type { Browser } from 'playwright';
import { chromiumArgs, findChromium } from '../setup/chromium.ts';

/** What one visit of the app showed and requested. */
export interface PageRun {
  /** The text of `#result`: the label, `ERROR …`, or `loading` after a timeout. */
  result: string;
  /** Every request URL of the page and its workers, in order. */
  requests: string[];
  /** URLs of the workers the page started. */
  workers: string[];
  /** Page errors and console errors. */
  errors: string[];
  /** Whether the page was cross-origin isolated. */
  crossOriginIsolated: boolean;
  /** Milliseconds from navigation to a result. */
  ms: number;
}

/**
 * Starts the system Chromium with the flags the brief requires for this closed network.
 * @throws Error when no Chromium is installed.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium: install it (apt-get install chromium) or set CHROME_PATH.');
  return chromium.launch({ executablePath, args: [...chromiumArgs] });
}

/**
 * Visits `url` in a fresh context (fresh IndexedDB) and waits until `#result` leaves `loading`.
 * @example
 * const run = await visitApp(browser, dev.url);
 * expect(run.result).toBe('POSITIVE');
 */
export async function visitApp(browser: Browser, url: string, timeoutMs = 60_000): Promise<PageRun> {
  const context = await browser.newContext();
  const requests: string[] = [];
  const workers: string[] = [];
  const errors: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  try {
    const page = await context.newPage();
    page.on('worker', (worker) => workers.push(worker.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    const started = Date.now();
    await page.goto(url);
    await page
      .waitForFunction(() => document.getElementById('result')?.textContent !== 'loading', null, { timeout: timeoutMs })
      .catch(() => undefined);
    const ms = Date.now() - started;
    const result = (await page.textContent('#result')) ?? '';
    const crossOriginIsolated = await page.evaluate(() => globalThis.crossOriginIsolated);
    return { result, requests, workers, errors, crossOriginIsolated, ms };
  } finally {
    await context.close();
  }
}

/**
 * The request URLs whose host is not local (`127.0.0.1`, `localhost`, `[::1]`); `data:`, `blob:`
 * and other non-HTTP URLs never leave the machine.
 */
export function nonLocalRequests(urls: readonly string[]): string[] {
  return urls.filter((url) => {
    const { protocol, hostname } = new URL(url);
    if (protocol !== 'http:' && protocol !== 'https:' && protocol !== 'ws:' && protocol !== 'wss:') return false;
    return !['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
  });
}
