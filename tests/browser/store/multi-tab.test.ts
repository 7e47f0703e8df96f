import { describe, expect, it } from 'vitest';
import type { InpageClient, LoadProgressEvent } from 'inpage';
import { testClient } from '../support/client.ts';
import { hubUrl, uniqueNamespace } from '../support/hub.ts';
import { openTab, until } from '../support/tabs.ts';
import type { Tab, TabLoadSpec } from '../support/tabs.ts';
import {
  addFault,
  bodyRequests,
  bytesSent,
  chunkSize,
  largeModelSize,
  largeRepo,
  now,
  positiveText,
  rangeStart,
  requestsOf,
  weights,
} from './support.ts';

/** A quarter of the weights, in whole chunks: where the other tab's download is held. */
const quarter = 12 * chunkSize;
/** Slow enough that the waiting page hears many progress messages (3 MiB in ~6 s). */
const networkRate = 512 * 1024;
const expected = [{ label: 'POSITIVE', score: expect.closeTo(0.9727, 4) as number }];

function specIn(namespace: string): TabLoadSpec {
  return { hubUrl, namespace, model: largeRepo, dtype: 'fp32', chunkSize, text: positiveText };
}

/** This page's client, started and probed before the race, so its load reaches the file's lock at once. */
async function clientHere(namespace: string): Promise<InpageClient> {
  const client = testClient({ device: 'wasm', storage: { namespace, chunkSize, persist: false } });
  await client.capabilities();
  return client;
}

/** A load in this page, recording the `download` progress of the weights (into `weightsProgress` as it comes). */
async function loadHere(client: InpageClient, weightsProgress: number[] = []): Promise<{ output: unknown; weightsProgress: number[] }> {
  const onProgress = (event: LoadProgressEvent): void => {
    if (event.phase === 'download' && event.file === weights) weightsProgress.push(event.loaded);
  };
  const model = await client.load('sentiment-analysis', largeRepo, { dtype: 'fp32', onProgress });
  return { output: await model.run(positiveText), weightsProgress };
}

/** Whether this page waits for a download lock of the repo (the weights': another tab holds it). */
async function waitingForWeights(): Promise<boolean> {
  return ((await navigator.locks.query()).pending ?? []).some((lock) => lock.name?.includes(`:blob:${largeRepo}@`));
}

async function withTab<T>(work: (tab: Tab) => Promise<T>): Promise<T> {
  const tab = await openTab();
  try {
    return await work(tab);
  } finally {
    await tab.close();
  }
}

describe('two tabs sharing one store', () => {
  it('download each file once: the waiting tab hears the progress, then reads the stored file', async () => {
    const since = now();
    const namespace = uniqueNamespace('tabs');
    const client = await clientHere(namespace);
    // The other tab's download is held at a third until this page waits for the file: no race.
    const holdAt = 16 * chunkSize;
    const release = await addFault({
      origin: 'cdn',
      repo: largeRepo,
      file: weights,
      holdAfterBytes: holdAt,
      bytesPerSecond: networkRate,
      times: 1,
    });
    try {
      await withTab(async (tab) => {
        await tab.start('first', specIn(namespace));
        await until(async () => (await tab.state('first')).loaded >= holdAt, 'the other tab to download up to the hold');
        const progress: number[] = [];
        const loading = loadHere(client, progress);
        await until(waitingForWeights, 'this page to wait for the lock');
        await until(() => progress.length > 0, 'the progress of the other tab');
        await release();
        const here = await loading;
        const there = await tab.wait('first');
        expect(there.error).toBeUndefined();
        expect(there.output).toEqual(expected);
        expect(here.output).toEqual(expected);
        // Progress of the other tab's download, heard over the BroadcastChannel while waiting.
        expect(here.weightsProgress.length).toBeGreaterThan(2);
        expect(here.weightsProgress.at(0)).toBeLessThan(largeModelSize);
        expect(here.weightsProgress.at(-1)).toBe(largeModelSize);
      });
    } finally {
      await release();
    }
    const gets = bodyRequests(await requestsOf(largeRepo, since, { file: weights, origin: 'cdn' }));
    expect(gets).toHaveLength(1);
    expect(bytesSent(gets)).toBe(largeModelSize);
    for (const file of ['config.json', 'tokenizer.json'])
      expect(bodyRequests(await requestsOf(largeRepo, since, { file }))).toHaveLength(1);
  });

  it('takes over from the stored chunks when the downloading tab closes', async () => {
    const since = now();
    const namespace = uniqueNamespace('takeover');
    const client = await clientHere(namespace);
    // The other tab's download is held at 24 chunks, and that tab closes while it is held.
    const holdAt = 24 * chunkSize;
    const remove = await addFault({ origin: 'cdn', repo: largeRepo, file: weights, holdAfterBytes: holdAt, times: 1 });
    const tab = await openTab();
    let here: Awaited<ReturnType<typeof loadHere>>;
    try {
      await tab.start('first', specIn(namespace));
      await until(async () => (await tab.state('first')).loaded >= holdAt, 'the other tab to download up to the hold');
      const progress: number[] = [];
      const loading = loadHere(client, progress);
      // This page waits for the file's lock and hears the other tab's progress; then the other tab closes.
      await until(waitingForWeights, 'this page to wait for the lock');
      await until(() => progress.length > 0, 'the progress of the other tab');
      await tab.close();
      here = await loading;
    } finally {
      await tab.close();
      await remove();
    }
    expect(here.output).toEqual(expected);
    const gets = bodyRequests(await requestsOf(largeRepo, since, { file: weights, origin: 'cdn' }));
    expect(gets).toHaveLength(2);
    expect(gets[0]?.bytesSent).toBe(holdAt);
    // Resumed from the closed tab's stored chunks: every byte it received was stored, none is downloaded twice.
    expect(rangeStart(gets[1]!)).toBe(holdAt);
    expect(gets[1]?.bytesSent).toBe(largeModelSize - holdAt);
    // Before the takeover, the waiting page heard the closed tab's progress.
    expect(here.weightsProgress[0]).toBe(holdAt);
  });

  it('a delete in one tab shows in the other, and a load in progress there stops with ABORTED', async () => {
    const namespace = uniqueNamespace('delete');
    const cache = testClient({ device: 'wasm', storage: { namespace, chunkSize, persist: false } }).cache;
    await withTab(async (tab) => {
      await cache.install('sentiment-analysis', largeRepo, { dtype: 'q8' });
      expect((await tab.list(hubUrl, namespace)).map((entry) => [entry.model, entry.dtype, entry.complete])).toEqual([
        [largeRepo, 'q8', true],
      ]);
      expect(await cache.delete(largeRepo)).toBe(true);
      expect(await tab.list(hubUrl, namespace)).toEqual([]);

      // Held a quarter in, so the delete always lands while the other tab is loading.
      const remove = await addFault({ origin: 'cdn', repo: largeRepo, file: weights, holdAfterBytes: quarter, times: 1 });
      try {
        await tab.start('doomed', specIn(namespace));
        await until(async () => (await tab.state('doomed')).loaded >= quarter, 'the other tab to download a quarter');
        expect(await cache.delete(largeRepo)).toBe(true);
        const doomed = await tab.wait('doomed');
        expect(doomed.error?.code).toBe('ABORTED');
        expect(doomed.error?.message).toContain('deleted');
        // Nothing of it is left: no record, no byte, not in either tab's list.
        for (const usage of [await cache.usage(), await tab.usage(hubUrl, namespace)]) expect(usage.modelBytes).toBe(0);
        expect(await cache.list()).toEqual([]);
        expect(await tab.list(hubUrl, namespace)).toEqual([]);
      } finally {
        await remove();
      }
      // The next load downloads it again and works.
      await tab.start('again', specIn(namespace));
      expect(await tab.wait('again')).toMatchObject({ output: expected });
    });
  });

  it('clear() in one tab stops a load in progress in another', async () => {
    const namespace = uniqueNamespace('clear');
    const cache = testClient({ device: 'wasm', storage: { namespace, chunkSize, persist: false } }).cache;
    const remove = await addFault({ origin: 'cdn', repo: largeRepo, file: weights, holdAfterBytes: quarter, times: 1 });
    try {
      await withTab(async (tab) => {
        await tab.start('doomed', specIn(namespace));
        await until(async () => (await tab.state('doomed')).loaded >= quarter, 'the other tab to download a quarter');
        await cache.clear();
        const doomed = await tab.wait('doomed');
        expect(doomed.error?.code).toBe('ABORTED');
        expect(doomed.error?.message).toContain('cleared');
        expect((await cache.usage()).modelBytes).toBe(0);
      });
    } finally {
      await remove();
    }
  });
});
