/**
 * The demo app and a Chromium to drive it, as every e2e file starts them, and what each file checks
 * in its pages: console errors, uncaught exceptions and (with {@link reportCspViolations}) CSP
 * violations. Screenshots go to `test-results/screenshots/`.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import type { Browser, Page } from 'playwright';
import { chromiumArgs, chromiumInstallHint, findChromium } from '../setup/chromium.ts';
import { startDemoApp } from './demo-app.ts';
import type { DemoApp } from './demo-app.ts';

const screenshots = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/** A running demo app and the system Chromium, launched with {@link chromiumArgs}. */
export interface DemoBrowser {
  app: DemoApp;
  browser: Browser;
  /** The Chromium the browser runs, for launches of its own (e.g. with a persistent profile). */
  executablePath: string;
  /** Closes the browser, then the app. */
  close(): Promise<void>;
}

/**
 * Builds and serves the demo, then launches Chromium.
 * @param args - more Chromium flags (e.g. a fake microphone).
 * @example
 * const { app, browser, close } = await startDemoBrowser();
 */
export async function startDemoBrowser(args: readonly string[] = []): Promise<DemoBrowser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(chromiumInstallHint);
  const app = await startDemoApp();
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, args: [...chromiumArgs, ...args] });
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    app,
    browser,
    executablePath,
    close: async () => {
      await browser.close();
      await app.close();
    },
  };
}

/**
 * CSP violations are reported to the page, not thrown: as an init script (`context.addInitScript`),
 * this logs them as console errors, which {@link recordProblems} collects.
 */
export function reportCspViolations(): void {
  document.addEventListener('securitypolicyviolation', (event) =>
    console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
  );
}

/**
 * Collects, from now on, `page`'s console errors and uncaught exceptions, in order.
 * @param ignore - console errors it accepts are left out (e.g. requests aborted on purpose).
 * @example
 * const problems = recordProblems(page);
 * // … the tests …
 * expect(problems).toEqual([]);
 */
export function recordProblems(page: Page, ignore: (text: string) => boolean = () => false): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !ignore(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

/**
 * Saves a full-page screenshot of `page` as `test-results/screenshots/<name>.png`.
 * @example
 * await screenshot(page, 'sentiment');
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: `${screenshots}${name}.png`, fullPage: true });
}
