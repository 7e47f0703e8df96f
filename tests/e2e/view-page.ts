/**
 * One demo view open in a phone-sized page of its own browser: what each view's e2e file starts
 * from (chat, images, transcription, latency).
 * @module
 */
import { chromium } from 'playwright';
import type { Page } from 'playwright';
import { chromiumArgs, chromiumInstallHint, findChromium } from '../setup/chromium.ts';
import { startDemoApp } from './demo-app.ts';
import type { DemoApp } from './demo-app.ts';

/** A demo app, a page showing one of its views, and what went wrong in the page. */
export interface ViewPage {
  app: DemoApp;
  page: Page;
  /** The page's console errors and uncaught exceptions, in order. */
  problems: string[];
  /** Closes the browser, then the app. */
  close(): Promise<void>;
}

/**
 * Starts the demo app and a Chromium (360×740, service workers blocked), opens `#view` and waits
 * until the view is visible.
 * @param options.args - more Chromium flags (e.g. a fake microphone).
 * @param options.permissions - permissions granted to the app's origin (e.g. `microphone`).
 * @example
 * const { page, problems, close } = await openView('image');
 */
export async function openView(view: string, options: { args?: readonly string[]; permissions?: string[] } = {}): Promise<ViewPage> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(chromiumInstallHint);
  const app = await startDemoApp();
  const browser = await chromium.launch({ executablePath, args: [...chromiumArgs, ...(options.args ?? [])] });
  const close = async (): Promise<void> => {
    await browser.close();
    await app.close();
  };
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, serviceWorkers: 'block' });
  if (options.permissions) await context.grantPermissions(options.permissions, { origin: app.url });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${app.url}/#${view}`);
  await page.locator(`#${view}`).waitFor({ state: 'visible' });
  return { app, page, problems, close };
}
