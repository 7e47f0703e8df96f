import { describe, expect, it } from 'vitest';
import { locateText, locateTokens } from '../../../src/tasks/entity-offsets.ts';

/** The slices the spans select, for readable assertions. */
function slices(text: string, words: string[]): string[] {
  return locateTokens(text, words).map(({ start, end }) => text.slice(start, end));
}

describe('locateTokens', () => {
  it('matches WordPiece subwords, extending the previous piece ("Amara" → "ama", "##ra")', () => {
    expect(locateTokens('Amara', ['ama', '##ra'])).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 5 },
    ]);
    expect(slices('I met Amara yesterday', ['i', 'met', 'ama', '##ra', 'yesterday'])).toEqual(['I', 'met', 'Ama', 'ra', 'yesterday']);
  });

  it('gives a repeated word two different spans', () => {
    const text = 'Paris is not Paris Hilton';
    expect(locateTokens(text, ['paris', 'is', 'not', 'paris', 'hilton'])).toEqual([
      { start: 0, end: 5 },
      { start: 6, end: 8 },
      { start: 9, end: 12 },
      { start: 13, end: 18 },
      { start: 19, end: 25 },
    ]);
  });

  it('matches case- and accent-insensitively, mapping back to the original characters', () => {
    const text = 'José Müller vit à Zürich';
    expect(slices(text, ['jose', 'muller', 'vit', 'a', 'zurich'])).toEqual(['José', 'Müller', 'vit', 'à', 'Zürich']);
    expect(locateTokens(text, ['jose'])).toEqual([{ start: 0, end: 4 }]);
  });

  it('maps decomposed accents (e + U+0301) and surrogate pairs to whole original characters', () => {
    const decomposed = 'Jose\u0301 met Zoe\u0308';
    expect(locateTokens(decomposed, ['jose', 'met', 'zoe'])).toEqual([
      { start: 0, end: 5 },
      { start: 6, end: 9 },
      { start: 10, end: 14 },
    ]);
    const emoji = '👋 Sarah';
    expect(locateTokens(emoji, ['sarah'])).toEqual([{ start: 3, end: 8 }]);
  });

  it('keeps cased tokens and punctuation apart', () => {
    const text = 'Hello, Dr. Smith! (Berlin)';
    expect(slices(text, ['Hello', ',', 'Dr', '.', 'Smith', '!', '(', 'Berlin', ')'])).toEqual([
      'Hello',
      ',',
      'Dr',
      '.',
      'Smith',
      '!',
      '(',
      'Berlin',
      ')',
    ]);
    expect(locateTokens(text, ['Dr', '.'])).toEqual([
      { start: 7, end: 9 },
      { start: 9, end: 10 },
    ]);
  });

  it('understands SentencePiece markers and leading spaces in decoded words', () => {
    expect(slices('New York City', ['▁New', ' York', ' City'])).toEqual(['New', 'York', 'City']);
    expect(slices('Ġużeppi', ['ġużeppi'])).toEqual(['Ġużeppi']);
  });

  it('matches compatibility forms (ligatures, full-width letters)', () => {
    expect(slices('ﬁne ＡＢＣ', ['fine', 'abc'])).toEqual(['ﬁne', 'ＡＢＣ']);
  });

  it('gives an unlocatable token an empty span at the cursor and keeps the cursor', () => {
    const text = 'Sarah and Tom';
    expect(locateTokens(text, ['sarah', 'xyz', 'and', '', 'tom'])).toEqual([
      { start: 0, end: 5 },
      { start: 5, end: 5 },
      { start: 6, end: 9 },
      { start: 9, end: 9 },
      { start: 10, end: 13 },
    ]);
    expect(locateTokens('abc', ['abc', 'zzz'])).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 3 },
    ]);
  });

  it('skips text the tokens do not cover (dropped [UNK] characters)', () => {
    expect(slices('I ☃ snow', ['i', 'snow'])).toEqual(['I', 'snow']);
  });

  it('skips one word per token dropped from the positions (an [UNK] decodes to nothing)', () => {
    const text = 'Zürich😍 Zürich airport';
    expect(locateTokens(text, ['zurich', 'airport'], [2, 3])).toEqual([
      { start: 9, end: 15 },
      { start: 16, end: 23 },
    ]);
    // Two unknown words, then a punctuation token dropped between known ones.
    expect(slices('a😍 b😍 a ; b a', ['a', 'b', 'a'])).toEqual(['a', 'b', 'a']);
    expect(locateTokens('a😍 b😍 a ; b a', ['a', 'b', 'a'], [3, 5, 6]).map(({ start, end }) => [start, end])).toEqual([
      [8, 9],
      [12, 13],
      [14, 15],
    ]);
    // No gap: the same as without positions.
    expect(locateTokens('Amara met amara', ['ama', '##ra', 'met'], [1, 2, 3])).toEqual(
      locateTokens('Amara met amara', ['ama', '##ra', 'met']),
    );
  });

  it('returns nothing for no tokens', () => {
    expect(locateTokens('text', [])).toEqual([]);
  });
});

describe('locateText', () => {
  it('finds a multi-word decoded answer ignoring case, accents and spacing', () => {
    const context = 'Il a vu Émile à Paris.';
    expect(locateText(context, 'emile a paris')).toEqual({ start: 8, end: 21 });
    expect(locateText("He said: don't go.", "don ' t go")).toEqual({ start: 9, end: 17 });
  });

  it('takes the first occurrence at or after `from`', () => {
    const context = 'cats and cats';
    expect(locateText(context, 'cats')).toEqual({ start: 0, end: 4 });
    expect(locateText(context, 'cats', 1)).toEqual({ start: 9, end: 13 });
    expect(locateText(context, 'cats', 20)).toBeNull();
  });

  it('returns null for a missing or empty needle', () => {
    expect(locateText('abc', 'xyz')).toBeNull();
    expect(locateText('abc', '  ')).toBeNull();
  });
});
