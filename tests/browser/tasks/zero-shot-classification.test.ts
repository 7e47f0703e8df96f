import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from 'inpage';
import { fixtureModels, zeroShotExamples } from '../../fixtures/expectations.ts';
import { expectScore, fileClient, itOnWasm } from './task-support.ts';

const client = fileClient();
let classifier: Model<'zero-shot-classification'>;

beforeAll(async () => {
  classifier = await client.load('zero-shot-classification', fixtureModels.nli);
});

describe('zero-shot-classification', () => {
  it.each(zeroShotExamples)('classifies "$text" as $top', async ({ text, candidateLabels, top, score }) => {
    const output = await classifier.run(text, { candidateLabels });
    expect(output.sequence).toBe(text);
    expect(output.labels[0]).toBe(top);
    expect([...output.labels].sort()).toEqual([...candidateLabels].sort());
    expect(output.scores.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 5);
    if (score !== undefined) expectScore(output.scores[0], score, classifier.dtype);
  });

  it('gives one result per text for an array', async () => {
    const [positive, negative] = zeroShotExamples;
    const output = await classifier.run([positive?.text ?? '', negative?.text ?? ''], { candidateLabels: ['positive', 'negative'] });
    expect(output.map((result) => result.labels[0])).toEqual(['positive', 'negative']);
    expect(output.map((result) => result.sequence)).toEqual([positive?.text, negative?.text]);
  });

  it('scores each label on its own with multiLabel', async () => {
    const sports = zeroShotExamples[2];
    const output = await classifier.run(sports?.text ?? '', { candidateLabels: sports?.candidateLabels ?? [], multiLabel: true });
    expect(output.labels[0]).toBe('sports');
    for (const value of output.scores) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    // Independent scores need not add up to 1 (they do only by coincidence).
    expect(output.scores[0]).toBeGreaterThan(0.5);
    const scores = output.scores;
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  itOnWasm('uses a custom hypothesisTemplate', async () => {
    const output = await classifier.run('The football team won the match', {
      candidateLabels: ['food', 'sports', 'music'],
      hypothesisTemplate: 'This text is about {}.',
    });
    expect(output.labels).toHaveLength(3);
    expect(output.scores.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 5);
  });
});
