import type { Page } from 'playwright';
import type { Plugin } from 'vite';
import type { BrowserCommand } from 'vitest/node';
import { isolationHeaders } from '../../src/vite.ts';

/** Path of the second-tab page, served by the browser projects' Vite server (same origin as the tests). */
const tabPath = '/__inpage/tab.html';
/**
 * Vitest rewrites every dynamic `import()` it serves (inpage's task modules are loaded that way) to
 * go through `__vitest_browser_runner__`, which only its own pages define: the tab page gets the
 * same stand-in Vitest gives workers.
 */
const tabHtml =
  '<!doctype html><meta charset="utf-8"><title>inpage second tab</title>' +
  '<script>globalThis.__vitest_browser_runner__ ??= { wrapDynamicImport: (load) => load() };</script>' +
  '<script type="module" src="/tests/browser/support/tab-page.ts"></script>';

/** Serves the second-tab page, cross-origin isolated like the test page. */
export function tabPagePlugin(): Plugin {
  return {
    name: 'inpage-test-tab-page',
    configureServer(server) {
      server.middlewares.use(tabPath, (_req, res) => {
        for (const [name, value] of Object.entries(isolationHeaders)) res.setHeader(name, value);
        res.setHeader('content-type', 'text/html');
        res.end(tabHtml);
      });
    },
  };
}

const tabs = new Map<string, Page>();
let opened = 0;

/** Opens another page (a second tab) of the test origin in the test's browser context. @returns its id. */
const openTab: BrowserCommand<[]> = async (context) => {
  const page = await context.context.newPage();
  page.on('pageerror', (error) => console.error(`[tab] ${error.message}`));
  await page.goto(new URL(tabPath, context.page.url()).href);
  await page.waitForFunction(() => 'inpageTab' in window, undefined, { timeout: 30_000 });
  opened += 1;
  const id = `tab-${opened}`;
  tabs.set(id, page);
  return id;
};

/** Calls `window.inpageTab[method](...args)` in a tab opened by {@link openTab}. */
const tabCall: BrowserCommand<[id: string, method: string, args: unknown[]]> = async (_context, id, method, args) => {
  const page = tabs.get(id);
  if (!page) throw new Error(`no open tab "${id}"`);
  return page.evaluate(
    ([name, params]) => {
      const api = (window as unknown as { inpageTab: Record<string, (...values: unknown[]) => unknown> }).inpageTab;
      const fn = api[name];
      if (!fn) throw new Error(`inpageTab has no method "${name}"`);
      return fn(...params);
    },
    [method, args] as const,
  );
};

/** Closes a tab like a user would (its workers end, its Web Locks are released). */
const closeTab: BrowserCommand<[id: string]> = async (_context, id) => {
  await tabs.get(id)?.close({ runBeforeUnload: false });
  tabs.delete(id);
};

/** The browser commands of the multi-tab tests. */
export const tabCommands = { openTab, tabCall, closeTab };

declare module 'vitest/browser' {
  interface BrowserCommands {
    openTab: () => Promise<string>;
    tabCall: (id: string, method: string, args: unknown[]) => Promise<unknown>;
    closeTab: (id: string) => Promise<void>;
  }
}
