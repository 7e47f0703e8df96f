import { describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import { testClient } from '../support/client.ts';
import { uniqueNamespace } from '../support/hub.ts';
import {
  addFault,
  bodyRequests,
  chunkSize,
  largeModelSize,
  largeRepo,
  now,
  positiveText,
  rangeStart,
  requestsOf,
  weights,
} from './support.ts';

const load = { dtype: 'fp32' } as const;

async function expectPositive(model: { run(text: string): Promise<{ label: string; score: number }[]> }): Promise<void> {
  const [top] = await model.run(positiveText);
  expect(top?.label).toBe('POSITIVE');
  expect(top?.score).toBeCloseTo(0.9727, 4);
}

describe('integrity of stored files', () => {
  it('rejects a corrupted body, fetches it once more and loads', async () => {
    const since = now();
    const remove = await addFault({ origin: 'cdn', repo: largeRepo, file: weights, corruptAt: [largeModelSize - 10], times: 1 });
    try {
      const client = testClient({ storage: { chunkSize } });
      await expectPositive(await client.load('sentiment-analysis', largeRepo, load));
    } finally {
      await remove();
    }
    const gets = bodyRequests(await requestsOf(largeRepo, since, { file: weights, origin: 'cdn' }));
    expect(gets.map((get) => [rangeStart(get), get.bytesSent])).toEqual([
      [0, largeModelSize],
      [0, largeModelSize],
    ]);
  });

  it('fails with INTEGRITY after two corrupted bodies and keeps nothing of them', async () => {
    const since = now();
    const namespace = uniqueNamespace('integrity');
    const remove = await addFault({ origin: 'cdn', repo: largeRepo, file: weights, corruptAt: [1000], times: 2 });
    try {
      const first = testClient({ storage: { namespace, chunkSize } });
      const failure = await first.load('sentiment-analysis', largeRepo, load).catch((error: unknown) => error);
      expect(isInpageError(failure, 'INTEGRITY')).toBe(true);
    } finally {
      await remove();
    }
    const cached: string[] = [];
    const second = testClient({ storage: { namespace, chunkSize } });
    await expectPositive(
      await second.load('sentiment-analysis', largeRepo, {
        ...load,
        onProgress: (event) => event.phase === 'cached' && cached.push(event.file),
      }),
    );
    expect(cached).not.toContain(weights);
    const gets = bodyRequests(await requestsOf(largeRepo, since, { file: weights, origin: 'cdn' }));
    // Two corrupted bodies, then a clean one from byte 0: no corrupted chunk was kept to resume from.
    expect(gets.map((get) => [rangeStart(get), get.bytesSent])).toEqual([
      [0, largeModelSize],
      [0, largeModelSize],
      [0, largeModelSize],
    ]);
  });

  it('never stores an HTTP 500 error page: retries it', async () => {
    const since = now();
    const remove = await addFault({ origin: 'cdn', repo: largeRepo, file: weights, status: 500, times: 1 });
    try {
      const client = testClient({ storage: { chunkSize } });
      await expectPositive(await client.load('sentiment-analysis', largeRepo, load));
    } finally {
      await remove();
    }
    const gets = bodyRequests(await requestsOf(largeRepo, since, { file: weights, origin: 'cdn' }));
    expect(gets.map((get) => get.status)).toEqual([500, 200]);
  });

  it('never stores an HTML page served with 200 (a captive portal): fails, and a later load starts from byte 0', async () => {
    const since = now();
    const namespace = uniqueNamespace('html');
    const removeWeights = await addFault({ origin: 'cdn', repo: largeRepo, file: weights, status: 200, times: 1 });
    const removeTokenizer = await addFault({ origin: 'hub', repo: largeRepo, file: 'tokenizer.json', status: 200, times: 1 });
    try {
      const first = testClient({ storage: { namespace, chunkSize, retries: 0 } });
      const failure = await first.load('sentiment-analysis', largeRepo, load).catch((error: unknown) => error);
      expect(isInpageError(failure, 'NETWORK')).toBe(true);
      await first.dispose();
    } finally {
      await removeWeights();
      await removeTokenizer();
    }
    const second = testClient({ storage: { namespace, chunkSize } });
    await expectPositive(await second.load('sentiment-analysis', largeRepo, load));
    const gets = bodyRequests(await requestsOf(largeRepo, since, { file: weights, origin: 'cdn' }));
    expect(gets.map((get) => [get.status, rangeStart(get)])).toEqual([
      [200, 0],
      [200, 0],
    ]);
    const tokenizer = bodyRequests(await requestsOf(largeRepo, since, { file: 'tokenizer.json', origin: 'hub' }));
    expect(tokenizer.map((get) => [get.status, rangeStart(get)])).toEqual([
      [200, 0],
      [200, 0],
    ]);
  });
});
