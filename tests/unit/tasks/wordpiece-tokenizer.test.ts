import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { bertNormalize, trackBertNormalize } from '../../../src/tasks/bert-normalizer.ts';
import { createWordPieceTokenizer } from '../../../src/tasks/wordpiece-tokenizer.ts';
import { buildWordPieceTokenizer } from '../../fixtures/tokenizer.ts';
import { WORDPIECE_VOCAB_SIZE, buildUncased30kTokenizer } from '../../fixtures/wordpiece-vocab.ts';
import { LONG_WORD, OFFSET_TEXTS } from './offset-texts.ts';

const fixture = buildUncased30kTokenizer();
const reference = new Tokenizer(fixture.tokenizerJson, fixture.tokenizerConfig);
const tracked = createWordPieceTokenizer(fixture.tokenizerJson, fixture.tokenizerConfig);
const normalizer = { clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true };

function tokenize(text: string) {
  if (!tracked) throw new Error('the 30k tokenizer is not trackable');
  const tokens = tracked.tokenize(text);
  if (!tokens) throw new Error(`untrackable text: ${text}`);
  return tokens;
}

/** The token's text as the model sees it: `##` removed. */
const body = (token: string): string => token.replace(/^##/, '');

describe('createWordPieceTokenizer on a generated 30k uncased vocabulary', () => {
  it('builds a 30,000-entry vocabulary with continuations, accents, Greek and CJK', () => {
    expect(fixture.size).toBe(WORDPIECE_VOCAB_SIZE);
    for (const token of ['##book', 'é', '##é', 'ς', '##σ', '東', 'face']) expect(fixture.ids.has(token)).toBe(true);
    expect(fixture.ids.has('facebook')).toBe(false);
    expect(tracked?.leadingSpecialTokens).toBe(1);
  });

  for (const [name, text] of Object.entries(OFFSET_TEXTS)) {
    it(`gives transformers.js's ids, and spans whose text normalizes to the token: ${name}`, () => {
      const tokens = tokenize(text);
      expect(tokens.map((token) => token.id)).toEqual(reference.encode(text, { add_special_tokens: false }).ids);
      for (const token of tokens) {
        const slice = text.slice(token.start, token.end);
        if (token.token === '[UNK]' || token.token === '[SEP]' || token.token === '[MASK]') continue;
        expect(bertNormalize(slice, normalizer).trim(), `${token.token} at ${token.start}–${token.end}`).toBe(body(token.token));
      }
    });
  }

  it('spans an [UNK] over the whole word it replaces, and places the words after it', () => {
    expect(tokenize('Zürich😍 Zürich airport').map(({ token, start, end }) => [token, start, end])).toEqual([
      ['[UNK]', 0, 8],
      ['zurich', 9, 15],
      ['airport', 16, 23],
    ]);
    const long = tokenize(`${LONG_WORD} Zürich`);
    expect(long.map(({ token, start, end }) => [token, start, end])).toEqual([
      ['[UNK]', 0, 101],
      ['zurich', 102, 108],
    ]);
  });

  it('splits continuations, repeated words and CJK characters at their own characters', () => {
    const spans = (text: string) => tokenize(text).map(({ token, start, end }) => `${token}@${start}-${end}`);
    expect(spans('Facebook face')).toEqual(['face@0-4', '##book@4-8', 'face@9-13']);
    expect(spans('Paris paris PARIS')).toEqual(['paris@0-5', 'paris@6-11', 'paris@12-17']);
    expect(spans('東京大学!')).toEqual(['東@0-1', '京@1-2', '大@2-3', '学@3-4', '!@4-5']);
    expect(spans("don't")).toEqual(['don@0-3', "'@3-4", 't@4-5']);
  });

  it('keeps a dropped combining mark with its letter, and lowercases the Greek final sigma in context', () => {
    expect(tokenize('Jose\u0301 Zu\u0308rich').map(({ token, start, end }) => [token, start, end])).toEqual([
      ['jose', 0, 5],
      ['zurich', 6, 13],
    ]);
    expect(bertNormalize('ΟΔΟΣ', normalizer)).toBe('οδος');
    expect(tokenize('ΟΔΟΣ ΣΟΦΟΣ').map(({ token }) => token)).toEqual(reference.encode('ΟΔΟΣ ΣΟΦΟΣ', { add_special_tokens: false }).tokens);
  });

  it('tracks the normalization unit by unit', () => {
    expect(trackBertNormalize('Ça 中', normalizer)).toEqual({ text: 'ca  中 ', starts: [0, 1, 2, 3, 3, 3], ends: [1, 2, 3, 4, 4, 4] });
    expect(trackBertNormalize('x', normalizer, 10)).toEqual({ text: 'x', starts: [10], ends: [11] });
  });

  it('agrees with the library on a cased tokenizer (no lowercasing, no accent stripping)', () => {
    const cased = buildWordPieceTokenizer({ vocab: ['Zürich', 'José', 'Jos', '##é', 'air', '##port', 'e', '##\u0301'], lowercase: false });
    const casedReference = new Tokenizer(cased.tokenizerJson, cased.tokenizerConfig);
    const casedTracked = createWordPieceTokenizer(cased.tokenizerJson, cased.tokenizerConfig);
    for (const text of [...Object.values(OFFSET_TEXTS), 'José Zürich airport', 'Jose\u0301']) {
      expect(casedTracked?.tokenize(text)?.map((token) => token.id)).toEqual(
        casedReference.encode(text, { add_special_tokens: false }).ids,
      );
    }
  });

  it('declines tokenizers it does not model', () => {
    const json = fixture.tokenizerJson;
    expect(createWordPieceTokenizer({ ...json, pre_tokenizer: { type: 'Whitespace' } })).toBeNull();
    expect(createWordPieceTokenizer({ ...json, normalizer: { type: 'Lowercase' } })).toBeNull();
    expect(createWordPieceTokenizer({ ...json, model: { type: 'BPE', vocab: {}, merges: [] } })).toBeNull();
    expect(createWordPieceTokenizer(json, { remove_space: true })).toBeNull();
    expect(createWordPieceTokenizer('nope')).toBeNull();
  });
});
