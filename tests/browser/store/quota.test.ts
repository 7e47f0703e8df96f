import { describe, expect, it, vi } from 'vitest';
import { cdp } from 'vitest/browser';
import { isInpageError } from 'inpage';
import { testClient } from '../support/client.ts';
import { uniqueNamespace } from '../support/hub.ts';
import {
  bodyRequests,
  chunkSize,
  largeModelSize,
  largeRepo,
  now,
  rangeStart,
  requestsOf,
  weights,
  largeSharedSize as shared,
} from './support.ts';

/** The origin's quota as the DevTools Protocol sets it (omitted: back to the browser's own). */
const overrideQuota = (quotaSize?: number): Promise<unknown> =>
  cdp().send(
    'Storage.overrideQuotaForOrigin',
    quotaSize === undefined ? { origin: location.origin } : { origin: location.origin, quotaSize },
  );

describe('quota', () => {
  it('refuses with QUOTA_EXCEEDED before downloading the weights when the browser reports too little free space', async () => {
    const since = now();
    const worker = (): Worker => new Worker(new URL('../workers/small-quota.ts', import.meta.url), { type: 'module' });
    const cache = testClient({ device: 'wasm', worker, storage: { persist: false } }).cache;
    const failure = await cache.install('sentiment-analysis', largeRepo, { dtype: 'fp32' }).catch((error: unknown) => error);
    expect(isInpageError(failure, 'QUOTA_EXCEEDED')).toBe(true);
    // Only config.json (723 bytes; it says what the other files are) was fetched before the check.
    expect((failure as Error).message).toMatch(
      new RegExp(`needs ${shared - 723 + largeModelSize} more bytes but only \\d+ would be free within the browser's storage quota`),
    );
    expect(bodyRequests(await requestsOf(largeRepo, since, { file: weights }))).toEqual([]);
    expect(await cache.list()).toEqual([]);
  });

  it('a quota error in the middle of a write leaves nothing partial marked complete, and the next install resumes once there is room', async () => {
    const since = now();
    const namespace = uniqueNamespace('quota');
    const cache = testClient({ device: 'wasm', lazy: true, storage: { namespace, chunkSize, persist: false, retries: 0 } }).cache;
    // About 1.5 MB of room: the weights stop half-way. The check before the download still passes,
    // since estimate() does not show a DevTools override: the quota error comes from a write.
    const { usage } = (await cdp().send('Storage.getUsageAndQuota', { origin: location.origin })) as { usage: number };
    await overrideQuota(usage + 1_500_000);
    // Chromium's IndexedDB grants writes from the free space it last saw, decaying over 30 s
    // (BucketContext::kBucketSpaceCacheTimeLimit), before it asks the quota manager again.
    await new Promise((resolve) => setTimeout(resolve, 31_000));
    try {
      const failure = await cache.install('sentiment-analysis', largeRepo, { dtype: 'fp32' }).catch((error: unknown) => error);
      expect(isInpageError(failure, 'QUOTA_EXCEEDED')).toBe(true);
      expect((failure as Error).message).toMatch(/quota/i);
    } finally {
      await overrideQuota();
    }
    // Nothing is listed as stored, and the bytes accounted are whole chunks (no torn write).
    expect(await cache.list()).toEqual([]);
    const stored = (await cache.usage()).modelBytes - shared;
    expect(stored % chunkSize).toBe(0);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(largeModelSize);

    const result = await cache.install('sentiment-analysis', largeRepo, { dtype: 'fp32' });
    expect(result.downloaded).toBe(largeModelSize - stored);
    const gets = bodyRequests(await requestsOf(largeRepo, since, { file: weights, origin: 'cdn' }));
    expect(rangeStart(gets.at(-1)!)).toBe(stored);
    expect((await cache.list()).map((entry) => [entry.dtype, entry.complete, entry.bytes])).toEqual([
      ['fp32', true, shared + largeModelSize],
    ]);
    expect((await cache.usage()).modelBytes).toBe(shared + largeModelSize);
  }, 120_000);

  it('asks for persistent storage once, after the first install, and reports what the browser answered', async () => {
    const persist = vi.spyOn(StorageManager.prototype, 'persist');
    try {
      const optedOut = testClient({ device: 'wasm', storage: { namespace: uniqueNamespace('persist'), persist: false } }).cache;
      await optedOut.install('sentiment-analysis', largeRepo, { dtype: 'q8' });
      expect(persist).not.toHaveBeenCalled();
      // `persist` is on by default.
      const cache = testClient({ device: 'wasm', storage: { namespace: uniqueNamespace('persist') } }).cache;
      await cache.install('sentiment-analysis', largeRepo, { dtype: 'q8' });
      await cache.install('sentiment-analysis', largeRepo, { dtype: 'fp16' });
      expect(persist).toHaveBeenCalledTimes(1);
      // Chromium decides by heuristics (and always refuses in Playwright's incognito-like contexts): whatever it answered is reported.
      expect((await cache.usage()).persisted).toBe(await navigator.storage.persisted());
    } finally {
      persist.mockRestore();
    }
  });
});
