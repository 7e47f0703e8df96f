import { afterEach } from 'vitest';
import { createClient } from 'inpage';
import type { ClientOptions, InpageClient } from 'inpage';
import { hubUrl, uniqueNamespace } from './hub.ts';

const clients: InpageClient[] = [];

/**
 * A client on the local Hub server with its own storage namespace; disposed after the test.
 * @example
 * const client = testClient({ storage: { chunkSize: 64 * 1024 } });
 */
export function testClient(options: ClientOptions = {}): InpageClient {
  const client = createClient({
    ...options,
    hub: { endpoint: hubUrl, ...options.hub },
    storage: { namespace: uniqueNamespace(), ...options.storage },
  });
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});
