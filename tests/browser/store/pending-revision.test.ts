import { describe, expect, it } from 'vitest';
import { createStore, get } from 'idb-keyval';
import type { LoadProgressEvent } from 'inpage';
import type { RefRecord } from '../../../src/store/records.ts';
import { testClient } from '../support/client.ts';
import { hub, hubUrl, uniqueNamespace } from '../support/hub.ts';
import { until } from '../support/tabs.ts';
import { now, positiveText, requestsOf } from './support.ts';

/** The fixture folder's own id: commits to it do not touch the alias other tests load. */
const repo = 'inpage-fixtures/sentiment';

const revalidatingWorker = (): Worker => new Worker(new URL('./revalidating-worker.ts', import.meta.url), { type: 'module' });
const offlineWorker = (): Worker => new Worker(new URL('./offline-worker.ts', import.meta.url), { type: 'module' });

/** Commits new labels to `main`; returns the commit. */
async function relabel(negative: string, positive: string): Promise<string> {
  const config = (await (await fetch(`${hubUrl}/${repo}/resolve/main/config.json`)).json()) as Record<string, unknown>;
  const next = { ...config, id2label: { 0: negative, 1: positive }, label2id: { [negative]: 0, [positive]: 1 } };
  return (await hub.commit(repo, { 'config.json': JSON.stringify(next, null, 2) })).sha;
}

/** The stored ref of `main`, read from the page (the same origin's IndexedDB as the worker's). */
const refOf = (namespace: string): Promise<RefRecord | undefined> =>
  get<RefRecord>(`ref:${repo}@main`, createStore(`${namespace}-meta`, 'records'));

/** Every request either origin logged since `since` (the offline Hub logs refused ones with status 0). */
async function requestsSince(since: number): Promise<string[]> {
  const all = await hub.requests();
  return all
    .filter((record) => record.time >= since && record.method !== 'OPTIONS')
    .map((record) => `${record.origin} ${record.method} ${record.url}`);
}

describe('a background revalidation', () => {
  it('records a new commit as pending and downloads nothing; offline, the next visit loads the previous commit with zero requests', async () => {
    const namespace = uniqueNamespace('pending');
    await relabel('NEGATIVE', 'POSITIVE');
    try {
      const page = testClient({ device: 'wasm', lazy: true, worker: revalidatingWorker, storage: { namespace, persist: false } });
      const first = await page.cache.install('sentiment-analysis', repo);
      const next = await relabel('PENDING-NEG', 'PENDING-POS');
      const since = now();
      // Stale-while-revalidate: the stored commit at once, and a check 50 ms later.
      expect((await page.cache.install('sentiment-analysis', repo)).commit).toBe(first.commit);
      await until(async () => (await refOf(namespace))?.pending === next, 'the background check to record the new commit');
      expect((await refOf(namespace))?.commit).toBe(first.commit);
      expect((await requestsOf(repo, since)).filter((record) => record.file !== undefined)).toEqual([]);
      await page.dispose();

      await hub.setOffline(true);
      try {
        const visitSince = now();
        const events: LoadProgressEvent[] = [];
        const visit = testClient({ device: 'wasm', worker: offlineWorker, storage: { namespace, persist: false } });
        const model = await visit.load('sentiment-analysis', repo, { onProgress: (event) => void events.push(event) });
        expect([model.commit, model.offline]).toEqual([first.commit, true]);
        expect(events.find((event) => event.phase === 'ready')).toMatchObject({ commit: first.commit, offline: true });
        expect((await model.run(positiveText))[0]?.label).toBe('POSITIVE');
        expect(await requestsSince(visitSince)).toEqual([]);
      } finally {
        await hub.setOffline(false);
      }
    } finally {
      await relabel('NEGATIVE', 'POSITIVE');
    }
  });

  it('moves the ref at once to a commit whose files are all stored (a README-only commit)', async () => {
    const namespace = uniqueNamespace('metadata-commit');
    const page = testClient({ device: 'wasm', lazy: true, worker: revalidatingWorker, storage: { namespace, persist: false } });
    const first = await page.cache.install('sentiment-analysis', repo);
    const readme = await fetch(`${hubUrl}/${repo}/resolve/main/README.md`);
    const original = readme.ok ? await readme.text() : null;
    const { sha } = await hub.commit(repo, { 'README.md': `${original ?? ''}\nA model card edit.\n` });
    try {
      const since = now();
      expect((await page.cache.install('sentiment-analysis', repo)).commit).toBe(first.commit);
      await until(async () => (await refOf(namespace))?.commit === sha, 'the background check to move the ref');
      expect((await refOf(namespace))?.pending).toBeUndefined();
      const moved = await page.cache.install('sentiment-analysis', repo);
      expect([moved.commit, moved.downloaded]).toEqual([sha, 0]);
      expect((await requestsOf(repo, since)).filter((record) => record.file !== undefined)).toEqual([]);
    } finally {
      await hub.commit(repo, { 'README.md': original });
    }
  });
});
