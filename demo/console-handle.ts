/**
 * Exposes the demo's inpage client as `window.inpageDemo`, so that the public API can be tried
 * from the browser console on the very client the views use
 * (`await inpageDemo.client.cache.list()`), and so that the end-to-end tests can check what the
 * views show against what the API returns in the same page.
 * @module
 */
import type { InpageClient } from 'inpage';

/** What the demo puts on `window.inpageDemo`. */
export interface DemoHandle {
  /** The client every view uses. */
  readonly client: InpageClient;
}

declare global {
  interface Window {
    /** Set by the demo (see `demo/console-handle.ts`). */
    inpageDemo?: DemoHandle;
  }
}

/**
 * Publishes the demo's client on `window.inpageDemo`.
 * @example
 * exposeDemoHandle(client);
 * // in the console: await inpageDemo.client.cache.usage()
 */
export function exposeDemoHandle(client: InpageClient): void {
  window.inpageDemo = Object.freeze({ client });
}
