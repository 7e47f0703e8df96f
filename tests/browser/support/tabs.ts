import { commands } from 'vitest/browser';
import type { CachedModel, CacheUsage } from 'inpage';
import type { TabLoadSpec, TabLoadState } from './tab-page.ts';

export type { TabLoadSpec, TabLoadState } from './tab-page.ts';

/** A second page of the test origin (another tab), driven through the `tabCall` browser command. */
export interface Tab {
  start(key: string, spec: TabLoadSpec): Promise<void>;
  state(key: string): Promise<TabLoadState>;
  wait(key: string): Promise<TabLoadState>;
  list(hubUrl: string, namespace: string): Promise<CachedModel[]>;
  usage(hubUrl: string, namespace: string): Promise<CacheUsage>;
  /** Closes the tab (its workers end and its locks are released). */
  close(): Promise<void>;
}

/**
 * Opens another tab on the test origin.
 * @example
 * const tab = await openTab();
 * await tab.start('a', spec);
 */
export async function openTab(): Promise<Tab> {
  const id = await commands.openTab();
  const call = <T>(method: string, ...args: unknown[]): Promise<T> => commands.tabCall(id, method, args) as Promise<T>;
  return {
    start: (key, spec) => call('start', key, spec),
    state: (key) => call('state', key),
    wait: (key) => call('wait', key),
    list: (hubUrl, namespace) => call('list', hubUrl, namespace),
    usage: (hubUrl, namespace) => call('usage', hubUrl, namespace),
    close: () => commands.closeTab(id),
  };
}

/**
 * Polls until `condition` holds.
 * @example
 * await until(async () => (await tab.state('a')).loaded > 0);
 */
export async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
