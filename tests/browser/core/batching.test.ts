import { describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import type { TokenEntity } from 'inpage';
import { testClient } from '../support/client.ts';
import { models, texts } from './models.ts';
import { workerProbe } from './worker-probe.ts';

const sentences = [
  texts.positive,
  texts.negative,
  'what a wonderful day',
  'this film was awful',
  'I love it',
  'terrible acting and a boring plot',
  'the cat sleeps on the mat',
  'a great and lovely story',
];

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  const worst = Math.max(...actual.map((value, i) => Math.abs(value - (expected[i] ?? NaN))));
  expect(worst).toBeLessThan(1e-5);
}

describe('coalesced batching', () => {
  it('runs the first call alone and coalesces the rest; each caller gets its own result', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const sentiment = await client.load('sentiment-analysis', models.sentiment);
    const alone: { label: string; score: number }[][] = [];
    for (const text of sentences) alone.push(await sentiment.run(text));
    const before = (await probe.stats()).runs;

    const together = await Promise.all(sentences.map((text) => sentiment.run(text)));
    expect((await probe.stats()).runs - before).toBe(2);
    together.forEach((labels, i) => {
      expect(labels.map((label) => label.label)).toEqual(alone[i]?.map((label) => label.label));
      expectClose(
        labels.map((label) => label.score),
        alone[i]?.map((label) => label.score) ?? [],
      );
    });
    expect(together[0]?.[0]?.label).toBe('POSITIVE');
    expect(together[1]?.[0]?.label).toBe('NEGATIVE');
  });

  it('coalesces embeddings and entities exactly as unbatched, arrays included', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const embedder = await client.load('feature-extraction', models.embedder);
    const options = { pooling: 'mean', normalize: true } as const;
    const inputs = ['cat', 'kitten', 'car', ['cat', 'car'], 'a cat on a mat', 'kitten', 'dog', 'the car is red'];
    const alone: { dims: number[]; data: ArrayLike<number> }[] = [];
    for (const input of inputs) alone.push(await embedder.run(input, options));
    const before = (await probe.stats()).runs;
    const together = await Promise.all(inputs.map((input) => embedder.run(input, options)));
    expect((await probe.stats()).runs - before).toBe(2);
    together.forEach((output, i) => {
      expect(output.dims).toEqual(alone[i]?.dims);
      expectClose([...output.data], Array.from(alone[i]?.data ?? []));
    });
    const row = (i: number): Float32Array => together[i]?.data as Float32Array;
    const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((sum, value, k) => sum + value * (b[k] ?? 0), 0);
    expect(cosine(row(0), row(1))).toBeCloseTo(0.85, 1);
    expect(Math.abs(cosine(row(0), row(2)))).toBeLessThan(0.1);
    expect(together[3]?.dims).toEqual([2, 32]);

    const ner = await client.load('token-classification', models.ner);
    const people = ['Alice lives in Paris', 'Bob lives in London', 'Alice lives in Paris'];
    const entities = await Promise.all(people.map((text) => ner.run(text)));
    const first = entities[0] as TokenEntity[];
    expect(first.map((entity) => [entity.word, entity.entity])).toEqual([
      ['Alice', 'B-PER'],
      ['Paris', 'B-LOC'],
    ]);
    expect(entities[2]).toEqual(entities[0]);
  });

  it('never mixes calls with different options, and one abort leaves the others alone', async () => {
    const probe = workerProbe();
    const client = testClient({ worker: probe.factory });
    const sentiment = await client.load('sentiment-analysis', models.sentiment);
    const before = (await probe.stats()).runs;
    const controller = new AbortController();
    const calls = sentences.map((text, i) =>
      sentiment.run(text, i % 2 === 0 ? { topK: null } : i === 3 ? { signal: controller.signal } : {}),
    );
    controller.abort();
    const results = await Promise.allSettled(calls);
    expect(results[3]?.status).toBe('rejected');
    expect(isInpageError((results[3] as PromiseRejectedResult).reason, 'ABORTED')).toBe(true);
    results.forEach((result, i) => {
      if (i === 3) return;
      expect(result.status).toBe('fulfilled');
      const labels = (result as PromiseFulfilledResult<{ label: string; score: number }[]>).value;
      expect(labels.length).toBe(i % 2 === 0 ? 2 : 1);
    });
    // The first alone, then one batch per option set.
    expect((await probe.stats()).runs - before).toBe(3);
  });
});
