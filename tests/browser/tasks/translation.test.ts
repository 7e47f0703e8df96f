import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from 'inpage';
import { fixtureModels, translationExamples } from '../../fixtures/expectations.ts';
import { expectStreamEqualsRun, expectStreamRejectsArray } from './generation-support.ts';
import { fileClient, itOnWasm } from './task-support.ts';

const client = fileClient();
const models = new Map<string, Model<'translation'>>();

beforeAll(async () => {
  const ids = [fixtureModels.translationEnFr, fixtureModels.translationEnDe];
  const loaded = await Promise.all(ids.map((id) => client.load('translation', id)));
  ids.forEach((id, index) => models.set(id, loaded[index] as Model<'translation'>));
});

function translator(id: string): Model<'translation'> {
  const model = models.get(id);
  if (!model) throw new Error(`${id} is not loaded`);
  return model;
}

describe('translation', () => {
  it.each(translationExamples)('$model: "$input" → "$output"', async ({ model, input, output }) => {
    expect(await translator(model).run(input)).toBe(output);
  });

  it('translates an array in one call, in input order', async () => {
    const french = translationExamples.filter((example) => example.model === fixtureModels.translationEnFr);
    const output = await translator(fixtureModels.translationEnFr).run(french.map((example) => example.input));
    expect(output).toEqual(french.map((example) => example.output));
  });

  itOnWasm('stops at maxNewTokens', async () => {
    // The Marian fixture's first generated token decodes to nothing, so 3 tokens give 2 words.
    const output = await translator(fixtureModels.translationEnFr).run('the cat eats the fish', { maxNewTokens: 3 });
    expect(output).toBe('le chat');
  });

  it('stream() pieces joined equal run()', async () => {
    const [first, , long] = translationExamples;
    const model = translator(fixtureModels.translationEnFr);
    await expectStreamEqualsRun(model, first?.input ?? '', first?.output ?? '');
    await expectStreamEqualsRun(model, long?.input ?? '', long?.output ?? '');
  });

  it('stream() rejects an array with INVALID_INPUT', async () => {
    await expectStreamRejectsArray(translator(fixtureModels.translationEnDe));
  });
});
