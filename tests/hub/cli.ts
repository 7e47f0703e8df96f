/**
 * `npm run hub`: serves `tests/fixtures/models` as a local Hugging Face Hub (+ CDN) until SIGINT/SIGTERM.
 *
 * Flags: `--port N` (Hub origin), `--cdn-port N` (CDN origin), `--root DIR` (models folder).
 *
 * @example
 * npm run hub -- --port 8080 --cdn-port 8081
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fixtureAliases } from '../fixtures/aliases.ts';
import { gatedRepos } from '../setup/hub-config.ts';
import { startHubServer } from './server.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be a port number, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'cdn-port': { type: 'string' }, root: { type: 'string' } },
    strict: true,
  });
  const root = path.resolve(values.root ?? path.join(repoRoot, 'tests/fixtures/models'));
  const hub = await startHubServer({
    root,
    port: port(values.port, '--port'),
    cdnPort: port(values['cdn-port'], '--cdn-port'),
    aliases: fixtureAliases,
    gated: gatedRepos,
  });
  console.log(`Hub: ${hub.url}`);
  console.log(`CDN: ${hub.cdnUrl}`);
  console.log(`Root: ${root}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void hub.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
