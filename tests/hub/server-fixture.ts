import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startHubServer } from './server.ts';
import type { HubServer } from './server.ts';
import { fixtureFiles as f, makeFixtureRoot, sha256 } from './test-fixture.ts';

/** The token of the gated test repos. */
export const TOKEN = 'hf_gated_token';

/**
 * Starts a Hub server on a fresh fixture root for the tests of this file (two aliases, two gated
 * repos), resets its faults, requests and commits after each test, and stops it after all.
 * @returns a getter of the running server.
 * @example
 * const server = useTestHub();
 * await fetch(`${server().url}/api/models/test-org/tiny`);
 */
export function useTestHub(): () => HubServer {
  let hub: HubServer | undefined;
  let cleanup: () => void = () => undefined;
  beforeAll(async () => {
    const fixture = makeFixtureRoot();
    cleanup = fixture.cleanup;
    hub = await startHubServer({
      root: fixture.root,
      aliases: { 'Public/tiny-alias': 'test-org/tiny', 'Public/gated-alias': 'test-org/tiny' },
      gated: { 'test-org/gated': TOKEN, 'Public/gated-alias': TOKEN },
    });
  });
  afterAll(async () => {
    await hub?.close();
    cleanup();
  });
  afterEach(() => {
    hub?.reset();
  });
  return () => {
    if (!hub) throw new Error('the test Hub is not running');
    return hub;
  };
}

/** The body of a response, as bytes. */
export const bytesOf = async (res: Response): Promise<Uint8Array> => new Uint8Array(await res.arrayBuffer());

/** The git blob sha1 of a file's content (`blob {size}\0` + content). */
export const gitOid = (data: Uint8Array | string): string => {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
};

/** The commit sha as specified: sha1 of sorted `path\0sha256\n`. */
export const commitOf = (files: Record<string, Uint8Array | string>): string =>
  createHash('sha1')
    .update(
      Object.keys(files)
        .sort()
        .map((p) => `${p}\0${sha256(files[p] ?? '')}\n`)
        .join(''),
    )
    .digest('hex');

/** The files of test-org/tiny at main. */
export const mainFiles = {
  'config.json': f.config,
  'tokenizer.json': f.tokenizer,
  'README.md': f.readme,
  'onnx/model.onnx': f.model,
  'onnx/model_quantized.onnx': f.modelQuantized,
  'vocab.txt': f.vocab,
};
