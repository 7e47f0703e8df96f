/**
 * `npm run demo`: the demo on Vite's dev server (COOP/COEP from the `inpage()` plugin).
 * Uses the real Hub, or the local Hub on the fixtures when the Hub is unreachable.
 *
 * Flags: `--offline` (always the local Hub), `--preview` (production build + `vite preview`,
 * with the strict CSP and the service worker), `--port N`.
 * @example
 * npm run demo -- --offline --preview
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, createServer, preview } from 'vite';
import { chooseHub, exposeHubToVite } from './hub-mode.ts';

const configFile = fileURLToPath(new URL('../vite.config.ts', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { offline: { type: 'boolean' }, preview: { type: 'boolean' }, port: { type: 'string' } },
    strict: true,
  });
  const hub = await chooseHub({ offline: values.offline ?? false });
  console.log(hub.local ? `Local Hub on the fixtures: ${hub.endpoint} (${hub.reason})` : `Hub: ${hub.endpoint}`);
  exposeHubToVite(hub);
  const port = values.port === undefined ? undefined : Number(values.port);
  let close: () => Promise<void>;
  if (values.preview) {
    await build({ configFile });
    const server = await preview({ configFile, preview: { port } });
    server.printUrls();
    close = () => server.close();
  } else {
    const server = await createServer({ configFile, server: { port } });
    await server.listen();
    server.printUrls();
    close = () => server.close();
  }
  const stop = (): void => {
    void Promise.all([close(), hub.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
