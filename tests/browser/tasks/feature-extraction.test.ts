import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from 'inpage';
import { embedderDimension, fixtureModels, searchCorpus, searchExamples, similarityExamples } from '../../fixtures/expectations.ts';
import { dot, fileClient, itOnWasm, norm, row } from './task-support.ts';

const client = fileClient();
let embedder: Model<'feature-extraction'>;

beforeAll(async () => {
  embedder = await client.load('feature-extraction', fixtureModels.embedder);
});

const sentence = { pooling: 'mean', normalize: true } as const;

describe('feature-extraction', () => {
  it('gives a [1, d] Float32Array for a string with mean pooling + normalize', async () => {
    const { data, dims } = await embedder.run('cat', sentence);
    expect(data).toBeInstanceOf(Float32Array);
    expect(dims).toEqual([1, embedderDimension]);
    expect(data).toHaveLength(embedderDimension);
    expect(norm(data)).toBeCloseTo(1, 4);
  });

  it.each(similarityExamples)('cos($a, $b) ≈ $cosine', async ({ a, b, cosine }) => {
    const { data, dims } = await embedder.run([a, b], sentence);
    expect(dims).toEqual([2, embedderDimension]);
    expect(dot(row(data, dims, 0), row(data, dims, 1))).toBeCloseTo(cosine, 1);
  });

  itOnWasm('ranks cat/kitten above cat/car', async () => {
    const { data, dims } = await embedder.run(['cat', 'kitten', 'car'], sentence);
    const cat = row(data, dims, 0);
    expect(dot(cat, row(data, dims, 1))).toBeGreaterThan(dot(cat, row(data, dims, 2)) + 0.5);
  });

  it('ranks the expected corpus sentence first for every search example', async () => {
    const corpus = await embedder.run(searchCorpus, sentence);
    const queries = await embedder.run(
      searchExamples.map((example) => example.query),
      sentence,
    );
    expect(corpus.dims).toEqual([searchCorpus.length, embedderDimension]);
    const found = searchExamples.map((_, q) => {
      const scores = searchCorpus.map((__, index) => dot(row(queries.data, queries.dims, q), row(corpus.data, corpus.dims, index)));
      return searchCorpus[scores.indexOf(Math.max(...scores))];
    });
    expect(found).toEqual(searchExamples.map((example) => example.expectedTop));
  });

  it('without pooling gives one vector per token: [1, tokens, d]', async () => {
    const { data, dims } = await embedder.run('cat');
    expect(dims).toEqual([1, 3, embedderDimension]); // [CLS] cat [SEP]
    expect(data).toHaveLength(3 * embedderDimension);
  });

  it('mean pooling without normalize gives the mean of the token vectors', async () => {
    const tokens = await embedder.run('cat');
    const pooled = await embedder.run('cat', { pooling: 'mean' });
    expect(pooled.dims).toEqual([1, embedderDimension]);
    for (let d = 0; d < embedderDimension; d += 1) {
      const mean = ((tokens.data[d] ?? 0) + (tokens.data[embedderDimension + d] ?? 0) + (tokens.data[2 * embedderDimension + d] ?? 0)) / 3;
      expect(pooled.data[d]).toBeCloseTo(mean, 4);
    }
  });

  itOnWasm('cls pooling takes the first token', async () => {
    const tokens = await embedder.run('cat');
    const cls = await embedder.run('cat', { pooling: 'cls' });
    expect(cls.dims).toEqual([1, embedderDimension]);
    expect([...cls.data]).toEqual([...tokens.data.subarray(0, embedderDimension)]);
  });

  itOnWasm('coalesced concurrent calls give the same vectors as separate calls', async () => {
    const alone = await embedder.run('kitten', sentence);
    const [a, b] = await Promise.all([embedder.run(['cat', 'car'], sentence), embedder.run('kitten', sentence)]);
    expect(a.dims).toEqual([2, embedderDimension]);
    expect(b.dims).toEqual([1, embedderDimension]);
    b.data.forEach((value, index) => expect(value).toBeCloseTo(alone.data[index] ?? Number.NaN, 5));
  });

  itOnWasm('quantizes to ubinary: d / 8 bytes per text', async () => {
    const { data, dims } = await embedder.run(['cat', 'car'], { pooling: 'mean', quantize: true, precision: 'ubinary' });
    expect(data).toBeInstanceOf(Uint8Array);
    expect(dims).toEqual([2, embedderDimension / 8]);
  });
});
