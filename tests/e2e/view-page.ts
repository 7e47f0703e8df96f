/**
 * One demo view open in a phone-sized page of its own browser: what each view's e2e file starts
 * from (chat, images, transcription, latency).
 * @module
 */
import type { Page } from 'playwright';
import type { DemoApp } from './demo-app.ts';
import { recordProblems, startDemoBrowser } from './demo-browser.ts';

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
  const { app, browser, close } = await startDemoBrowser(options.args);
  try {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, serviceWorkers: 'block' });
    if (options.permissions) await context.grantPermissions(options.permissions, { origin: app.url });
    const page = await context.newPage();
    const problems = recordProblems(page);
    await page.goto(`${app.url}/#${view}`);
    await page.locator(`#${view}`).waitFor({ state: 'visible' });
    return { app, page, problems, close };
  } catch (error) {
    // The file's afterAll never gets `close`: stop the browser and the app here.
    await close();
    throw error;
  }
}
