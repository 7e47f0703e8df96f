/**
 * Starts the demo as users get it in production: the local Hub on the fixtures, `vite build`
 * into `test-results/e2e-dist`, then `vite preview` (COOP/COEP from the `inpage()` plugin).
 * @module
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { exposeHubToVite, startLocalHub } from '../../demo/hub-mode.ts';

const configFile = fileURLToPath(new URL('../../vite.config.ts', import.meta.url));
const outDir = fileURLToPath(new URL('../../test-results/e2e-dist', import.meta.url));

/** A running demo. */
export interface DemoApp {
  /** Origin of the preview server, e.g. `http://127.0.0.1:4173`. */
  url: string;
  /** The local Hub's URL. */
  hubUrl: string;
  close(): Promise<void>;
}

/**
 * Builds and serves the demo against a fresh local Hub.
 * @example
 * const app = await startDemoApp();
 * await page.goto(`${app.url}/#sentiment`);
 */
export async function startDemoApp(): Promise<DemoApp> {
  const hub = await startLocalHub('end-to-end tests');
  exposeHubToVite(hub);
  await build({ configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await preview({ configFile, logLevel: 'warn', build: { outDir }, preview: { port: 0, strictPort: false } });
  const address = server.httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    hubUrl: hub.endpoint,
    close: async () => {
      await server.close();
      await hub.close();
    },
  };
}
