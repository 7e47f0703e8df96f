import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from 'inpage';
import { fillMaskExamples, fixtureModels } from '../../fixtures/expectations.ts';
import { expectScore, fileClient, itOnWasm } from './task-support.ts';

const client = fileClient();
let unmasker: Model<'fill-mask'>;

beforeAll(async () => {
  unmasker = await client.load('fill-mask', fixtureModels.fillMask);
});

describe('fill-mask', () => {
  it.each(fillMaskExamples)('fills "$text"', async ({ text, ranking, topScore }) => {
    const output = await unmasker.run(text);
    expect(output).toHaveLength(5); // topK defaults to 5
    expect(output.slice(0, ranking.length).map((candidate) => candidate.tokenStr)).toEqual(ranking);
    const [best] = output;
    expect(best?.sequence).toBe(text.replace('[MASK]', ranking[0] ?? ''));
    expect(best?.token).toBeTypeOf('number');
    if (topScore !== undefined) expectScore(best?.score, topScore, unmasker.dtype);
    const scores = output.map((candidate) => candidate.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('returns topK candidates', async () => {
    const output = await unmasker.run('paris is the capital of [MASK]', { topK: 2 });
    expect(output.map((candidate) => candidate.tokenStr)).toEqual(['france', 'germany']);
    expect(output.map((candidate) => candidate.sequence)).toEqual(['paris is the capital of france', 'paris is the capital of germany']);
  });

  itOnWasm('gives one list per text for an array', async () => {
    const output = await unmasker.run(
      fillMaskExamples.map((example) => example.text),
      { topK: 1 },
    );
    expect(output.map((candidates) => candidates.map((candidate) => candidate.tokenStr))).toEqual([['france'], ['germany']]);
  });
});
