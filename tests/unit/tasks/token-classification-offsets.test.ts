import { describe, expect, it } from 'vitest';
import { bertNormalize } from '../../../src/tasks/bert-normalizer.ts';
import { tokenClassificationPipeline as pipeline } from '../../../src/tasks/token-classification.ts';
import type { EntityGroup, TokenClassificationOptions, TokenEntity } from '../../../src/tasks/token-classification.ts';
import { buildUncased30kTokenizer } from '../../fixtures/wordpiece-vocab.ts';
import { NER_SCORE, loadTokenizer, nerPipeline, runLikeWorker } from './offset-pipelines.ts';
import { LONG_WORD, OFFSET_TEXTS } from './offset-texts.ts';

const pipe = nerPipeline();
const normalizer = { clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true };

const tokens = (text: string, options?: TokenClassificationOptions) =>
  runLikeWorker(pipeline, pipe, text, { ignoreLabels: [], ...options }) as Promise<TokenEntity[]>;
const entities = (text: string) => runLikeWorker(pipeline, pipe, text) as Promise<TokenEntity[]>;
const groups = (text: string) => runLikeWorker(pipeline, pipe, text, { aggregationStrategy: 'simple' }) as Promise<EntityGroup[]>;
const spans = (list: readonly { start: number; end: number }[]) => list.map(({ start, end }) => [start, end]);

describe('token-classification offsets on the 30k uncased WordPiece tokenizer (transformers.js pipeline)', () => {
  for (const [name, text] of Object.entries(OFFSET_TEXTS)) {
    it(`gives every token a span whose text normalizes to the token: ${name}`, async () => {
      for (const token of await tokens(text)) {
        const slice = bertNormalize(text.slice(token.start, token.end), normalizer).trim();
        // An [UNK] spans the whole word it replaces: no whitespace, and not in the vocabulary.
        if (token.word === '[UNK]') {
          expect(slice, `[UNK] at ${token.start}–${token.end}`).toMatch(/^\S+$/u);
          continue;
        }
        expect(slice, `${token.word} (index ${token.index}) at ${token.start}–${token.end}`).toBe(token.word.replace(/^##/, ''));
      }
    });
  }

  it("gives transformers.js's labels, scores and indices, plus the [UNK] tokens it drops (aggregationStrategy 'none')", async () => {
    for (const text of Object.values(OFFSET_TEXTS)) {
      const ours = (await tokens(text)).filter((token) => token.word !== '[UNK]');
      const theirs = await pipe(text, { ignore_labels: [] });
      expect(
        ours.map(({ entity, score, index, word }) => ({ entity, score, index, word })),
        text,
      ).toEqual(theirs);
    }
  });

  it("gives transformers.js's groups and mean scores (aggregationStrategy 'simple'; the [UNK] tokens are O here)", async () => {
    for (const text of Object.values(OFFSET_TEXTS)) {
      const theirs = (await pipe(text, { aggregation_strategy: 'simple' })) as { entity_group: string; score: number }[];
      const ours = await groups(text);
      expect(
        ours.map(({ entityGroup, score }) => [entityGroup, score]),
        text,
      ).toEqual(theirs.map((group) => [group.entity_group, group.score]));
    }
  });

  it('reports the [UNK] tokens transformers.js drops, with the characters of their words', async () => {
    expect(
      (await tokens('Zürich😍 Zürich airport')).map(({ entity, word, index, start, end }) => [entity, word, index, start, end]),
    ).toEqual([
      ['O', '[UNK]', 1, 0, 8],
      ['B-LOC', 'zurich', 2, 9, 15],
      ['I-LOC', 'airport', 3, 16, 23],
    ]);
    const long = await tokens(`${LONG_WORD} Zürich`);
    expect(long[0]).toMatchObject({ word: '[UNK]', index: 1, start: 0, end: 101 });
  });

  it('places the entity after a word that became [UNK] (an emoji glued to it)', async () => {
    const text = 'Zürich😍 Zürich airport';
    expect(await entities(text)).toEqual([
      { entity: 'B-LOC', score: NER_SCORE, index: 2, word: 'zurich', start: 9, end: 15 },
      { entity: 'I-LOC', score: NER_SCORE, index: 3, word: 'airport', start: 16, end: 23 },
    ]);
    expect(await groups(text)).toEqual([{ entityGroup: 'LOC', score: NER_SCORE, word: 'Zürich airport', start: 9, end: 23 }]);
  });

  it('places the entity after a word over 100 characters ([UNK])', async () => {
    expect(spans(await entities(`${LONG_WORD} Zürich airport`))).toEqual([
      [102, 108],
      [109, 116],
    ]);
  });

  it('maps the Greek final sigma, other case mappings, and NFD input to the original characters', async () => {
    expect(await groups('ΟΔΟΣ ΣΟΦΟΣ και Ο ΛΟΓΟΣ')).toMatchObject([
      { entityGroup: 'LOC', word: 'ΟΔΟΣ', start: 0, end: 4 },
      { entityGroup: 'MISC', word: 'ΛΟΓΟΣ', start: 17, end: 22 },
    ]);
    expect(await groups('İstanbul ǅemal ẞtraße ΆΘΗΝΑ')).toMatchObject([
      { entityGroup: 'LOC', word: 'İstanbul', start: 0, end: 8 },
      { entityGroup: 'LOC', word: 'ΆΘΗΝΑ', start: 22, end: 27 },
    ]);
    expect(await groups('Jose\u0301 Mu\u0308ller visited Zu\u0308rich')).toMatchObject([
      { entityGroup: 'PER', word: 'Jose\u0301 Mu\u0308ller', start: 0, end: 13 },
      { entityGroup: 'LOC', word: 'Zu\u0308rich', start: 22, end: 29 },
    ]);
  });

  it('places CJK characters, emoji neighbours, hyphenated and repeated words', async () => {
    expect(await groups('Alice visited 東京大学 and 北京, then 上海。')).toMatchObject([
      { entityGroup: 'PER', word: 'Alice', start: 0, end: 5 },
      { entityGroup: 'LOC', word: '東京', start: 14, end: 16 },
      { entityGroup: 'LOC', word: '北京', start: 23, end: 25 },
      { entityGroup: 'LOC', word: '上海', start: 32, end: 34 },
    ]);
    expect(spans(await entities('Paris 🇫🇷 is 👍🏽 and 👨‍👩‍👧 here in Berlin'))).toEqual([
      [0, 5],
      [40, 46],
    ]);
    expect(spans(await entities('Paris is not Paris, paris or PARIS'))).toEqual([
      [0, 5],
      [13, 18],
      [20, 25],
      [29, 34],
    ]);
    expect(await groups("my mother-in-law's Facebook")).toMatchObject([
      // The O tokens between are filtered out before grouping, as transformers.js does.
      { entityGroup: 'MISC', word: 'mother-in-law', start: 3, end: 16 },
      { entityGroup: 'ORG', word: 'Facebook', start: 19, end: 27 },
    ]);
  });

  it('keeps whitespace runs, tabs, newlines and zero-width characters out of the spans', async () => {
    const text = '  Alice\t\tlives   in\n\nParis \r\n and\u00a0 Berlin  ';
    expect(spans(await entities(text))).toEqual([
      [2, 7],
      [21, 26],
      [35, 41],
    ]);
    expect(spans(await entities('Al\u200bice\u0007 met Bob\ufeff in Berlin'))).toEqual([
      [0, 6],
      [12, 15],
      [20, 26],
    ]);
  });

  it('gives offsets only to the tokens the model saw past the maximum length', async () => {
    const short = nerPipeline(loadTokenizer(buildUncased30kTokenizer(8)));
    const text = 'Alice met Bob in Paris and Berlin and Zürich';
    // [CLS] alice met bob in paris and berlin | and zurich: cut at 8 tokens.
    const output = (await runLikeWorker(pipeline, short, text)) as TokenEntity[];
    expect(output.map(({ word, index, start, end }) => [word, index, start, end])).toEqual([
      ['alice', 1, 0, 5],
      ['bob', 3, 10, 13],
      ['paris', 5, 17, 22],
      ['berlin', 7, 27, 33],
    ]);
  });

  it("falls back to transformers.js's pipeline and a search (skipping dropped [UNK] words) for an untracked tokenizer", async () => {
    const fixture = buildUncased30kTokenizer();
    const untracked = { ...fixture, tokenizerJson: { ...fixture.tokenizerJson, pre_tokenizer: { type: 'WhitespaceSplit' } } };
    const output = (await runLikeWorker(pipeline, nerPipeline(loadTokenizer(untracked)), 'Zürich😍 Zürich airport')) as TokenEntity[];
    expect(output.map(({ word, index, start, end }) => [word, index, start, end])).toEqual([
      ['zurich', 2, 9, 15],
      ['airport', 3, 16, 23],
    ]);
  });

  it('tracks each text of a batch', async () => {
    const output = (await runLikeWorker(pipeline, pipe, ['Zürich😍 Zürich', 'Paris'], {
      aggregationStrategy: 'simple',
    })) as EntityGroup[][];
    expect(output.map((list) => spans(list))).toEqual([[[9, 15]], [[0, 5]]]);
  });
});
