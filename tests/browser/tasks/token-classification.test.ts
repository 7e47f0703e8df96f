import { beforeAll, describe, expect, it } from 'vitest';
import type { EntityGroup, Model, TokenEntity } from 'inpage';
import { fixtureModels, nerEntityScore, nerGroupExamples, nerTokenExamples } from '../../fixtures/expectations.ts';
import { expectScore, fileClient, itOnWasm } from './task-support.ts';

const client = fileClient();
let ner: Model<'ner'>;
let tokens: Model<'token-classification'>;

beforeAll(async () => {
  [ner, tokens] = await Promise.all([client.load('ner', fixtureModels.ner), client.load('token-classification', fixtureModels.ner)]);
});

/** Every offset points at the text as written: for tokens, the word without its `##`. */
function expectTokenSpans(text: string, entities: readonly TokenEntity[]): void {
  for (const entity of entities) expect(text.slice(entity.start, entity.end)).toBe(entity.word.replace(/^##/, ''));
}

function expectGroupSpans(text: string, groups: readonly EntityGroup[]): void {
  for (const group of groups) expect(text.slice(group.start, group.end)).toBe(group.word);
}

describe('token-classification and its alias ner', () => {
  it.each(nerTokenExamples)('labels the tokens of "$text"', async ({ text, tokens: expected }) => {
    const output = await ner.run(text);
    expect(output.map(({ word, entity }) => ({ word, entity }))).toEqual(expected);
    for (const entity of output) expectScore(entity.score, nerEntityScore, ner.dtype);
    expectTokenSpans(text, output);
  });

  it('token-classification gives the same output as its alias', async () => {
    expect(await tokens.run('Alice lives in Paris')).toEqual(await ner.run('Alice lives in Paris'));
  });

  it('gives exact offsets and indices, subwords included', async () => {
    const alice = await ner.run('Alice lives in Paris');
    expect(alice.map(({ word, index, start, end }) => ({ word, index, start, end }))).toEqual([
      { word: 'Alice', index: 1, start: 0, end: 5 },
      { word: 'Paris', index: 4, start: 15, end: 20 },
    ]);
    const bobby = await ner.run('Bobby moved to New York');
    expect(bobby.map(({ word, start, end }) => ({ word, start, end }))).toEqual([
      { word: 'Bob', start: 0, end: 3 },
      { word: '##by', start: 3, end: 5 },
      { word: 'New', start: 15, end: 18 },
      { word: 'York', start: 19, end: 23 },
    ]);
    expect(bobby.map((entity) => entity.index)).toEqual([1, 2, 5, 6]);
  });

  it.each(nerGroupExamples)('groups the entities of "$text" with aggregationStrategy \'simple\'', async ({ text, groups }) => {
    const output = await tokens.run(text, { aggregationStrategy: 'simple' });
    expect(output.map(({ entityGroup, word }) => ({ entityGroup, word }))).toEqual(groups);
    for (const group of output) expectScore(group.score, nerEntityScore, tokens.dtype);
    expectGroupSpans(text, output);
  });

  it('gives distinct offsets to a repeated word', async () => {
    const text = 'Alice visited Paris and Alice loved Paris';
    const groups = await ner.run(text, { aggregationStrategy: 'simple' });
    expect(groups.map(({ start, end }) => [start, end])).toEqual([
      [0, 5],
      [14, 19],
      [24, 29],
      [36, 41],
    ]);
    const perToken = await ner.run(text);
    expect(perToken.map(({ word, start }) => [word, start])).toEqual([
      ['Alice', 0],
      ['Paris', 14],
      ['Alice', 24],
      ['Paris', 36],
    ]);
  });

  it('places the entities after an [UNK] word (an emoji glued to a word) at their own characters', async () => {
    const text = 'Paris😍 Paris and Alice';
    const perToken = await ner.run(text);
    expect(perToken.map(({ word, index, start, end }) => ({ word, index, start, end }))).toEqual([
      { word: 'Paris', index: 2, start: 8, end: 13 },
      { word: 'Alice', index: 4, start: 18, end: 23 },
    ]);
    const groups = await tokens.run(text, { aggregationStrategy: 'simple' });
    expect(groups.map(({ entityGroup, word, start, end }) => ({ entityGroup, word, start, end }))).toEqual([
      { entityGroup: 'LOC', word: 'Paris', start: 8, end: 13 },
      { entityGroup: 'PER', word: 'Alice', start: 18, end: 23 },
    ]);
  });

  it('merges subwords into one group: "Bobby" is 0..5', async () => {
    const [person] = await ner.run('Bobby moved to New York', { aggregationStrategy: 'simple' });
    expect(person).toMatchObject({ entityGroup: 'PER', word: 'Bobby', start: 0, end: 5 });
  });

  it('gives one list per text for an array', async () => {
    const texts = nerGroupExamples.map((example) => example.text);
    const output = await ner.run(texts, { aggregationStrategy: 'simple' });
    expect(output).toHaveLength(texts.length);
    expect(output.map((groups) => groups.map(({ entityGroup, word }) => ({ entityGroup, word })))).toEqual(
      nerGroupExamples.map((example) => example.groups),
    );
    output.forEach((groups, index) => expectGroupSpans(texts[index] ?? '', groups));
  });

  itOnWasm('leaves out ignoreLabels (before grouping)', async () => {
    const output = await ner.run('Bobby works for Google in New York', {
      aggregationStrategy: 'simple',
      ignoreLabels: ['O', 'B-ORG', 'I-ORG'],
    });
    expect(output.map((group) => group.entityGroup)).toEqual(['PER', 'LOC']);
    const all = await ner.run('Alice lives in Paris', { ignoreLabels: [] });
    expect(all.map((entity) => entity.entity)).toEqual(['B-PER', 'O', 'O', 'B-LOC']);
    expectTokenSpans('Alice lives in Paris', all);
  });

  itOnWasm('coalesces concurrent calls with different options into correct per-caller results', async () => {
    const [first, second, grouped] = await Promise.all([
      ner.run('Alice lives in Paris'),
      ner.run(['Bobby moved to New York']),
      ner.run('Bobby works for Google in New York', { aggregationStrategy: 'simple' }),
    ]);
    expect(first.map((entity) => entity.word)).toEqual(['Alice', 'Paris']);
    expect(second[0]?.map((entity) => entity.word)).toEqual(['Bob', '##by', 'New', 'York']);
    expect(grouped.map((group) => group.word)).toEqual(['Bobby', 'Google', 'New York']);
  });
});
