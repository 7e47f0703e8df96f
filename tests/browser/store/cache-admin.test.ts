import { describe, expect, it } from 'vitest';
import { clear, createStore } from 'idb-keyval';
import { isInpageError } from 'inpage';
import type { CacheAdmin, ClientOptions } from 'inpage';
import { gatedToken } from '../../setup/hub-config.ts';
import { testClient } from '../support/client.ts';
import { uniqueNamespace } from '../support/hub.ts';
import { gatedRepo, largeRepo, largeSharedSize as shared } from './support.ts';

const weights = { fp32: 3_162_180, fp16: 1_582_090, q8: 792_316 } as const;

/** `client.cache` of a WASM client on the local Hub (persistence is not requested in tests). */
function cacheAdmin(options: ClientOptions): CacheAdmin {
  return testClient({ device: 'wasm', ...options, storage: { persist: false, ...options.storage } }).cache;
}

describe('client.cache', () => {
  it('lists and accounts two dtypes of one model to the byte, through install, load, delete and clear', async () => {
    const namespace = uniqueNamespace('cache');
    const cache = cacheAdmin({ storage: { namespace } });
    const fp32 = await cache.install('sentiment-analysis', largeRepo, { dtype: 'fp32' });
    expect([fp32.dtype, fp32.bytes, fp32.downloaded]).toEqual(['fp32', shared + weights.fp32, shared + weights.fp32]);
    const q8 = await cache.install('sentiment-analysis', largeRepo, { dtype: 'q8' });
    expect([q8.bytes, q8.downloaded]).toEqual([shared + weights.q8, weights.q8]);

    const listed = await cache.list();
    expect(
      listed.map(({ model, revision, dtype, files, bytes, complete, pinned }) => ({
        model,
        revision,
        dtype,
        files,
        bytes,
        complete,
        pinned,
      })),
    ).toEqual([
      { model: largeRepo, revision: 'main', dtype: 'q8', files: 4, bytes: shared + weights.q8, complete: true, pinned: false },
      { model: largeRepo, revision: 'main', dtype: 'fp32', files: 4, bytes: shared + weights.fp32, complete: true, pinned: false },
    ]);
    expect(listed[0]?.commit).toBe(fp32.commit);
    const usage = await cache.usage();
    expect(usage.modelBytes).toBe(shared + weights.fp32 + weights.q8);
    expect(usage.budget).toBeNull();
    expect(usage.quota).toBeGreaterThan(0);
    expect(usage.originUsage).toBeGreaterThan(0);
    expect(typeof usage.persisted).toBe('boolean');

    // A load (same dtype, fresh worker) downloads nothing and makes fp32 the most recently used.
    const model = await testClient({ storage: { namespace }, device: 'wasm' }).load('sentiment-analysis', largeRepo, { dtype: 'fp32' });
    expect([model.commit, model.dtype]).toEqual([fp32.commit, 'fp32']);
    expect((await cache.list()).map((entry) => entry.dtype)).toEqual(['fp32', 'q8']);
    expect((await cache.usage()).modelBytes).toBe(shared + weights.fp32 + weights.q8);

    expect(await cache.delete(largeRepo)).toBe(true);
    expect(await cache.delete(largeRepo)).toBe(false);
    expect(await cache.list()).toEqual([]);
    expect((await cache.usage()).modelBytes).toBe(0);

    await cache.install('sentiment-analysis', largeRepo, { dtype: 'q8' });
    expect((await cache.usage()).modelBytes).toBe(shared + weights.q8);
    await cache.clear();
    expect(await cache.list()).toEqual([]);
    expect((await cache.usage()).modelBytes).toBe(0);
  });

  it('evicts the least recently used unpinned model to stay within the budget, and refuses what cannot fit', async () => {
    const budget = 2_500_000;
    const cache = cacheAdmin({ hub: { token: gatedToken }, storage: { namespace: uniqueNamespace('budget'), budget } });
    await cache.install('sentiment-analysis', largeRepo, { dtype: 'q8' });
    await cache.pin(largeRepo);
    await cache.install('sentiment-analysis', gatedRepo, { dtype: 'q8' });
    // Oldest is the pinned one: the gated q8 goes, its files shared with fp16 stay.
    await cache.install('sentiment-analysis', gatedRepo, { dtype: 'fp16' });
    const after = await cache.list();
    expect(after.map((entry) => [entry.model, entry.dtype, entry.pinned, entry.complete])).toEqual([
      [gatedRepo, 'fp16', false, true],
      [largeRepo, 'q8', true, true],
    ]);
    expect((await cache.usage()).modelBytes).toBe(shared + weights.q8 + shared + weights.fp16);
    expect((await cache.usage()).budget).toBe(budget);

    const failure = await cache.install('sentiment-analysis', gatedRepo, { dtype: 'fp32' }).catch((error: unknown) => error);
    expect(isInpageError(failure, 'QUOTA_EXCEEDED')).toBe(true);
    const free = budget - (2 * shared + weights.q8 + weights.fp16) + weights.fp16;
    expect((failure as Error).message).toContain(`needs ${weights.fp32} more bytes but only ${free} would be free`);
    // Nothing was evicted for a download that could not fit.
    expect((await cache.list()).map((entry) => entry.dtype)).toEqual(['fp16', 'q8']);

    await cache.unpin(largeRepo);
    expect((await cache.list()).find((entry) => entry.model === largeRepo)?.pinned).toBe(false);
  });

  it("shows a model whose chunks were deleted behind inpage's back as incomplete, and a load fetches it again", async () => {
    const namespace = uniqueNamespace('behind');
    const cache = cacheAdmin({ storage: { namespace } });
    await cache.install('sentiment-analysis', largeRepo, { dtype: 'q8' });
    expect((await cache.list())[0]?.complete).toBe(true);
    await clear(createStore(`${namespace}-chunks`, 'chunks'));
    expect((await cache.list()).map((entry) => entry.complete)).toEqual([false]);
    const model = await testClient({ storage: { namespace }, device: 'wasm' }).load('sentiment-analysis', largeRepo, { dtype: 'q8' });
    expect(model.dtype).toBe('q8');
    expect((await cache.list()).map((entry) => entry.complete)).toEqual([true]);
    expect((await cache.usage()).modelBytes).toBe(shared + weights.q8);
  });
});
