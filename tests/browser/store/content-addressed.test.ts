import { describe, expect, it } from 'vitest';
import { testClient } from '../support/client.ts';
import { hub, hubUrl, uniqueNamespace } from '../support/hub.ts';
import { bodyRequests, bytesSent, largeRepo, largeSharedSize as shared, now, requestsOf } from './support.ts';

const q8Weights = 792_316;

/** The repo's README at `main` (or `null` when it has none), to put back after a test's commit. */
async function readme(repo: string): Promise<string | null> {
  const response = await fetch(`${hubUrl}/${repo}/resolve/main/README.md`);
  return response.ok ? response.text() : null;
}

describe('content-addressed blobs', () => {
  it('a README-only commit costs 0 weight bytes, and list() shows the model once', async () => {
    const namespace = uniqueNamespace('blobs');
    const cache = testClient({ device: 'wasm', lazy: true, revisionPolicy: 'always-check', storage: { namespace, persist: false } }).cache;
    const original = await readme(largeRepo);
    const first = await cache.install('sentiment-analysis', largeRepo, { dtype: 'q8' });
    expect(first.downloaded).toBe(shared + q8Weights);
    const { sha } = await hub.commit(largeRepo, { 'README.md': `${original ?? ''}\nEdited model card.\n` });
    try {
      const since = now();
      const second = await cache.install('sentiment-analysis', largeRepo, { dtype: 'q8' });
      expect(second.commit).toBe(sha);
      expect(second.commit).not.toBe(first.commit);
      expect(second.downloaded).toBe(0);
      const fileRequests = bodyRequests(await requestsOf(largeRepo, since)).filter((record) => record.file !== undefined);
      expect(bytesSent(fileRequests)).toBe(0);

      const listed = await cache.list();
      expect(listed.map(({ commit, dtype, bytes, complete }) => ({ commit, dtype, bytes, complete }))).toEqual([
        { commit: sha, dtype: 'q8', bytes: shared + q8Weights, complete: true },
      ]);
      expect((await cache.usage()).modelBytes).toBe(shared + q8Weights);
    } finally {
      await hub.commit(largeRepo, { 'README.md': original });
    }
  });
});
