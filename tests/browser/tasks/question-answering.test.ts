import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from 'inpage';
import { fixtureModels, qaContext, qaExamples } from '../../fixtures/expectations.ts';
import { expectScore, fileClient, itOnWasm } from './task-support.ts';

const client = fileClient();
let qa: Model<'question-answering'>;

beforeAll(async () => {
  qa = await client.load('question-answering', fixtureModels.qa);
});

describe('question-answering', () => {
  it.each(qaExamples)('answers "$question" with $answer', async ({ question, answer, score }) => {
    const output = await qa.run({ question, context: qaContext });
    expect(output.answer).toBe(answer);
    expect(qaContext.slice(output.start, output.end)).toBe(answer);
    expect(output.start).toBe(qaContext.indexOf(answer));
    if (score !== undefined) expectScore(output.score, score, qa.dtype);
  });

  it('returns a list of answers, best first, with topK', async () => {
    const [first] = qaExamples;
    const output = await qa.run({ question: first?.question ?? '', context: qaContext }, { topK: 3 });
    expect(output).toHaveLength(3);
    expect(output[0]?.answer).toBe(first?.answer);
    const scores = output.map((answer) => answer.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const answer of output) expect(qaContext.slice(answer.start, answer.end)).toBe(answer.answer);
  });

  it('places an answer whose text appears earlier in the context at the tokens the model chose', async () => {
    // "Googleplex" is one [UNK] word: the model can only answer the later "Google".
    const context = 'Googleplex hired Alice. Alice joined Google in June.';
    const output = await qa.run({ question: 'Which company did Alice join?', context });
    expect(output).toMatchObject({ answer: 'Google', start: 37, end: 43 });
  });

  itOnWasm('gives one answer for topK 1', async () => {
    const output = await qa.run({ question: 'Where does Alice work?', context: qaContext }, { topK: 1 });
    expect(output).toMatchObject({ answer: 'Berlin', start: 34, end: 40 });
  });
});
