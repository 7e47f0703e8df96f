/**
 * Node side of the demo: decides between the real Hub and the local Hub on the fixtures, and
 * passes the choice to the page through Vite's `VITE_*` environment (read by `config.ts`).
 * Used by `serve.ts` (`npm run demo`) and by the end-to-end tests.
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fixtureAliases } from '../tests/fixtures/aliases.ts';
import { writeFixtures } from '../tests/fixtures/generate.ts';
import { startHubServer } from '../tests/hub/server.ts';
import { gatedRepos } from '../tests/setup/hub-config.ts';

/** The real Hub. */
export const realHubUrl = 'https://huggingface.co';

/** Where the fixture models live (written by `npm run fixtures`). */
export const fixturesDir = fileURLToPath(new URL('../tests/fixtures/models/', import.meta.url));

/** The Hub the demo page talks to. */
export interface DemoHub {
  /** Base URL handed to `createClient({ hub: { endpoint } })`. */
  endpoint: string;
  /** Whether this is the local Hub serving the fixtures. */
  local: boolean;
  /** Why the local Hub is used (shown in the page's banner); empty online. */
  reason: string;
  /** Stops the local Hub (no-op online). */
  close(): Promise<void>;
}

/**
 * Whether `url` answers within `timeoutMs` (any HTTP status below 500 counts).
 * @example
 * if (!(await hubReachable())) console.log('offline');
 */
export async function hubReachable(url: string = realHubUrl, timeoutMs = 2500): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    return response.status < 500;
  } catch {
    return false;
  }
}

/**
 * Starts the local Hub on the fixtures (generating them first when missing).
 * @param reason - why, for the page's banner.
 * @example
 * const hub = await startLocalHub('--offline flag');
 */
export async function startLocalHub(reason: string): Promise<DemoHub> {
  if (!existsSync(fixturesDir)) await writeFixtures(fixturesDir);
  const server = await startHubServer({ root: fixturesDir, aliases: fixtureAliases, gated: gatedRepos });
  return { endpoint: server.url, local: true, reason, close: () => server.close() };
}

/**
 * The real Hub when reachable (and `offline` is not forced), otherwise the local Hub.
 * @example
 * const hub = await chooseHub({ offline: process.argv.includes('--offline') });
 */
export async function chooseHub(options: { offline?: boolean } = {}): Promise<DemoHub> {
  if (options.offline) return startLocalHub('offline mode was requested (--offline)');
  if (await hubReachable()) return { endpoint: realHubUrl, local: false, reason: '', close: async () => undefined };
  return startLocalHub(`${realHubUrl} did not answer within 2.5 s`);
}

/**
 * Exposes the Hub to the page as `import.meta.env.VITE_INPAGE_HUB_*` (Vite copies `VITE_*`
 * variables of `process.env` into the bundle). Call before creating the Vite server or build.
 * @example
 * exposeHubToVite(await chooseHub());
 */
export function exposeHubToVite(hub: DemoHub): void {
  process.env.VITE_INPAGE_HUB_ENDPOINT = hub.endpoint;
  process.env.VITE_INPAGE_HUB_LOCAL = String(hub.local);
  process.env.VITE_INPAGE_HUB_REASON = hub.reason;
}
