import { describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import { testClient } from '../support/client.ts';
import { hub, hubUrl, uniqueNamespace } from '../support/hub.ts';
import { largeRepo, now, positiveText } from './support.ts';

const sentiment = 'Xenova/distilbert-base-uncased-finetuned-sst-2-english';
/** The fixture folder's own id: commits to it do not touch the alias other tests load. */
const sentimentFolder = 'inpage-fixtures/sentiment';

async function topLabel(model: { run(text: string): Promise<{ label: string; score: number }[]> }): Promise<string | undefined> {
  const [top] = await model.run(positiveText);
  expect(top?.score).toBeCloseTo(0.9727, 4);
  return top?.label;
}

/** Every request either origin logged since `since` (the offline Hub logs refused ones with status 0). */
async function requestsSince(since: number): Promise<string[]> {
  const all = await hub.requests();
  return all
    .filter((record) => record.time >= since && record.method !== 'OPTIONS')
    .map((record) => `${record.origin} ${record.method} ${record.url}`);
}

describe('offline', () => {
  it('loads a stored model in a fresh worker with zero requests, and refuses an unstored one', async () => {
    const namespace = uniqueNamespace('offline');
    const first = testClient({ storage: { namespace } });
    expect(await topLabel(await first.load('sentiment-analysis', sentiment))).toBe('POSITIVE');
    await first.dispose();
    await hub.setOffline(true);
    try {
      const since = now();
      const second = testClient({ storage: { namespace } });
      const model = await second.load('sentiment-analysis', sentiment);
      expect(await topLabel(model)).toBe('POSITIVE');
      expect(await requestsSince(since)).toEqual([]);
      const failure = await second.load('token-classification', 'Xenova/bert-base-NER').catch((error: unknown) => error);
      expect(isInpageError(failure, 'OFFLINE_NOT_CACHED')).toBe(true);
    } finally {
      await hub.setOffline(false);
    }
  });

  it('offline, an auto dtype falls back to another stored dtype the device can run', async () => {
    // Like a first visit on WebGPU (fp32), then an offline one on WASM, whose first choice is q8.
    const namespace = uniqueNamespace('offline-dtype');
    // lazy clients where no session is created: fewer runtimes starting at once on a busy machine.
    const installer = testClient({ device: 'wasm', lazy: true, storage: { namespace, persist: false } });
    await installer.cache.install('sentiment-analysis', largeRepo, { dtype: 'fp32' });
    await installer.dispose();
    await hub.setOffline(true);
    try {
      const since = now();
      const model = await testClient({ device: 'wasm', storage: { namespace } }).load('sentiment-analysis', largeRepo);
      expect([model.device, model.dtype]).toEqual(['wasm', 'fp32']);
      expect(await topLabel(model)).toBe('POSITIVE');
      // q8 is not stored, so the load first asked the Hub (in vain) for the revision; no file was requested.
      const requests = await requestsSince(since);
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.every((request) => request === `hub GET /api/models/${largeRepo}/revision/main`)).toBe(true);
    } finally {
      await hub.setOffline(false);
    }
    // Online, the same request picks (and downloads) its first choice.
    const online = testClient({ device: 'wasm', lazy: true, storage: { namespace, persist: false } });
    expect((await online.cache.install('sentiment-analysis', largeRepo)).dtype).toBe('q8');
  });
});

describe('revisions', () => {
  it('serves a load pinned to branch v2 entirely from its commit, online and offline', async () => {
    const namespace = uniqueNamespace('v2');
    const since = now();
    const first = testClient({ storage: { namespace } });
    const main = await first.load('sentiment-analysis', sentiment, { revision: 'main' });
    const v2 = await first.load('sentiment-analysis', sentiment, { revision: 'v2' });
    expect(v2.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(v2.commit).not.toBe(main.commit);
    expect(await topLabel(v2)).toBe('POS');
    expect(await topLabel(main)).toBe('POSITIVE');
    const fileRequests = (await hub.requests()).filter(
      (record) => record.time >= since && record.repo === sentiment && record.file !== undefined,
    );
    const v2Files = fileRequests.filter((record) => record.revision !== main.commit);
    expect(v2Files.length).toBeGreaterThan(0);
    expect(new Set(v2Files.map((record) => record.revision))).toEqual(new Set([v2.commit]));
    await first.dispose();

    await hub.setOffline(true);
    try {
      const offlineSince = now();
      const second = testClient({ storage: { namespace } });
      const offline = await second.load('sentiment-analysis', sentiment, { revision: 'v2' });
      expect(offline.commit).toBe(v2.commit);
      expect(await topLabel(offline)).toBe('POS');
      expect(await requestsSince(offlineSince)).toEqual([]);
    } finally {
      await hub.setOffline(false);
    }
  });

  describe('a new commit on main', () => {
    const relabel = async (negative: string, positive: string): Promise<string> => {
      const config = (await (await fetch(`${hubUrl}/${sentimentFolder}/resolve/main/config.json`)).json()) as Record<string, unknown>;
      const next = { ...config, id2label: { 0: negative, 1: positive }, label2id: { [negative]: 0, [positive]: 1 } };
      return (await hub.commit(sentimentFolder, { 'config.json': JSON.stringify(next, null, 2) })).sha;
    };

    it('is picked up under stale-while-revalidate: the next load checks, the one after uses it', async () => {
      const client = testClient();
      try {
        await relabel('NEGATIVE', 'POSITIVE');
        const first = await client.load('sentiment-analysis', sentimentFolder);
        expect(await topLabel(first)).toBe('POSITIVE');
        const sha = await relabel('SWR-NEG', 'SWR-POS');
        const stale = await client.load('sentiment-analysis', sentimentFolder);
        expect(stale.commit).toBe(first.commit);
        expect(await topLabel(stale)).toBe('POSITIVE');
        const fresh = await client.load('sentiment-analysis', sentimentFolder);
        expect(fresh.commit).toBe(sha);
        expect(await topLabel(fresh)).toBe('SWR-POS');
      } finally {
        await relabel('NEGATIVE', 'POSITIVE');
      }
    });

    it('is not picked up under pinned', async () => {
      const client = testClient({ revisionPolicy: 'pinned' });
      try {
        await relabel('NEGATIVE', 'POSITIVE');
        const first = await client.load('sentiment-analysis', sentimentFolder);
        await relabel('PIN-NEG', 'PIN-POS');
        for (let i = 0; i < 2; i++) {
          const again = await client.load('sentiment-analysis', sentimentFolder);
          expect(again.commit).toBe(first.commit);
          expect(await topLabel(again)).toBe('POSITIVE');
        }
      } finally {
        await relabel('NEGATIVE', 'POSITIVE');
      }
    });

    it('is used at once under always-check', async () => {
      const client = testClient({ revisionPolicy: 'always-check' });
      try {
        await relabel('NEGATIVE', 'POSITIVE');
        await client.load('sentiment-analysis', sentimentFolder);
        const sha = await relabel('AC-NEG', 'AC-POS');
        const next = await client.load('sentiment-analysis', sentimentFolder);
        expect(next.commit).toBe(sha);
        expect(await topLabel(next)).toBe('AC-POS');
      } finally {
        await relabel('NEGATIVE', 'POSITIVE');
      }
    });
  });
});
