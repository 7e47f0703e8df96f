import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from 'inpage';
import { fixtureModels, summarizationExamples, text2textExamples } from '../../fixtures/expectations.ts';
import { expectStreamEqualsRun, expectStreamRejectsArray } from './generation-support.ts';
import { fileClient, itOnWasm } from './task-support.ts';

const client = fileClient();
let summarizer: Model<'summarization'>;
let generator: Model<'text2text-generation'>;

beforeAll(async () => {
  [summarizer, generator] = await Promise.all([
    client.load('summarization', fixtureModels.t5),
    client.load('text2text-generation', fixtureModels.t5),
  ]);
});

describe('summarization', () => {
  it.each(summarizationExamples)('"$input" → "$output"', async ({ input, output }) => {
    expect(await summarizer.run(input)).toBe(output);
  });

  itOnWasm('summarizes an array', async () => {
    expect(await summarizer.run(['The cat is on the mat.', 'The cat is on the mat.'])).toEqual(['cat mat', 'cat mat']);
  });

  it('stream() pieces joined equal run()', async () => {
    const [example] = summarizationExamples;
    await expectStreamEqualsRun(summarizer, example?.input ?? '', example?.output ?? '');
  });

  it('stream() rejects an array with INVALID_INPUT', async () => {
    await expectStreamRejectsArray(summarizer);
  });
});

describe('text2text-generation', () => {
  it.each(text2textExamples)('"$input" → "$output"', async ({ input, output }) => {
    expect(await generator.run(input)).toBe(output);
  });

  it('generates for an array in input order', async () => {
    expect(await generator.run(text2textExamples.map((example) => example.input))).toEqual(
      text2textExamples.map((example) => example.output),
    );
  });

  itOnWasm('stops at maxNewTokens', async () => {
    expect(await generator.run('The cat is on the mat.', { maxNewTokens: 2 })).toBe('the cat');
  });

  it('stream() pieces joined equal run()', async () => {
    for (const { input, output } of text2textExamples) await expectStreamEqualsRun(generator, input, output);
  });

  it('stream() rejects an array with INVALID_INPUT', async () => {
    await expectStreamRejectsArray(generator);
  });
});
