import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { HubConfig } from '../../../src/hub/hub-client.ts';
import { startHubServer } from '../../hub/server.ts';
import type { HubServer } from '../../hub/server.ts';
import { makeFixtureRoot } from '../../hub/test-fixture.ts';

/** The token of the fixture's gated repo. */
export const gatedToken = 'hf_gated_token';

/** Short deadlines and backoff, so no test waits for the real 20 s or 4 s. */
export const fastLimits = { stallTimeoutMs: 300, jsonDeadlineMs: 2000, responseTimeoutMs: 2000, backoffMs: 5, backoffMaxMs: 20 };

/**
 * Starts the fake Hub once for a test file, resets it after each test, and checks after each test
 * that no request carrying `Authorization` reached the second (CDN) origin.
 * @example
 * const hub = useHubServer();
 * it('…', async () => { await resolveSnapshot(hub.config(), 'test-org/tiny', 'main'); });
 */
export function useHubServer(): { server: () => HubServer; config: (extra?: Partial<HubConfig>) => HubConfig } {
  let server: HubServer | undefined;
  let cleanup = (): void => undefined;
  beforeAll(async () => {
    const fixture = makeFixtureRoot();
    cleanup = fixture.cleanup;
    server = await startHubServer({ root: fixture.root, gated: { 'test-org/gated': gatedToken } });
  });
  afterEach(() => {
    if (!server) return;
    const leaked = server.headersByOrigin().cdn.filter((headers) => headers.authorization !== undefined);
    server.reset();
    expect(leaked, 'requests carrying Authorization on the CDN origin').toEqual([]);
  });
  afterAll(async () => {
    await server?.close();
    cleanup();
  });
  const running = (): HubServer => {
    if (!server) throw new Error('the Hub server is not running');
    return server;
  };
  return { server: running, config: (extra = {}) => ({ endpoint: running().url, limits: fastLimits, ...extra }) };
}
