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
    // The WebGPU project's only adapter is SwiftShader, a software one: `auto` uses it as it is
    // (the routing tests measure it with `softwareAdapter: 'measure'`).
    routing: { softwareAdapter: 'use' },
    ...options,
    hub: { endpoint: hubUrl, ...options.hub },
    storage: { namespace: uniqueNamespace(), ...options.storage },
  });
  clients.push(client);
  return client;
}

/** Whether each live client's worker still answers a call (diagnostics of a failed test). */
async function probeWorkers(): Promise<string[]> {
  return Promise.all(
    clients.map(async (client, index) => {
      const started = performance.now();
      const answer = await Promise.race([
        client.cache.usage().then(
          () => 'answers',
          (error: unknown) => `fails: ${String(error)}`,
        ),
        new Promise<string>((resolve) => setTimeout(resolve, 3000, 'NO ANSWER in 3 s')),
      ]);
      return `client ${index}: ${answer} (${Math.round(performance.now() - started)} ms)`;
    }),
  );
}

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') console.log(`[workers] "${context.task.name}"\n  ${(await probeWorkers()).join('\n  ')}`);
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});
