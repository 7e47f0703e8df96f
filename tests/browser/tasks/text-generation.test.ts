import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from 'inpage';
import { fixtureModels, textGenerationExamples } from '../../fixtures/expectations.ts';
import { expectStreamEqualsRun, expectStreamRejectsArray } from './generation-support.ts';
import { fileClient, itOnWasm } from './task-support.ts';

const client = fileClient();
let generator: Model<'text-generation'>;

beforeAll(async () => {
  generator = await client.load('text-generation', fixtureModels.counter);
});

describe('text-generation', () => {
  it.each(textGenerationExamples)('"$input" (maxNewTokens $maxNewTokens) → "$output"', async ({ input, output, maxNewTokens }) => {
    expect(await generator.run(input, maxNewTokens === undefined ? {} : { maxNewTokens })).toBe(output);
  });

  it('returns the prompt too with returnFullText', async () => {
    expect(await generator.run('one two three', { maxNewTokens: 3, returnFullText: true })).toBe('one two three four five six');
  });

  it('completes an array of prompts in input order', async () => {
    const output = await generator.run(['one two three', 'Count: eighteen'], { maxNewTokens: 2 });
    expect(output).toEqual([' four five', ' nineteen twenty']);
  });

  it('stream() pieces joined equal run()', async () => {
    for (const { input, output, maxNewTokens } of textGenerationExamples) {
      await expectStreamEqualsRun(generator, input, output, maxNewTokens === undefined ? undefined : { maxNewTokens });
    }
  });

  itOnWasm('stream() with returnFullText starts with the prompt', async () => {
    const pieces: string[] = [];
    for await (const piece of generator.stream('one two three', { maxNewTokens: 3, returnFullText: true })) pieces.push(piece);
    expect(pieces.join('')).toBe('one two three four five six');
  });

  it('stream() rejects an array with INVALID_INPUT', async () => {
    await expectStreamRejectsArray(generator);
  });
});
