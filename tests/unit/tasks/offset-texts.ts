/**
 * The texts every offset test runs on: the cases where searching for decoded tokens goes wrong.
 * @module
 */

/** A word of 101 letters: over `max_input_chars_per_word`, so one `[UNK]`. */
export const LONG_WORD = `zurich${'a'.repeat(95)}`;

/** Test texts by case. */
export const OFFSET_TEXTS: Readonly<Record<string, string>> = {
  'emoji glued to a word ([UNK])': 'Zürich😍 Zürich airport',
  'word over 100 characters ([UNK])': `${LONG_WORD} Zürich airport`,
  'accents, precomposed': 'José Müller visited Zürich, François was naïve.',
  'accents, NFD input': 'Jose\u0301 Mu\u0308ller visited Zu\u0308rich',
  'Greek final sigma and capitals': 'ΟΔΟΣ ΣΟΦΟΣ και Ο ΛΟΓΟΣ',
  'other case mappings': 'İstanbul ǅemal ẞtraße ΆΘΗΝΑ',
  CJK: 'Alice visited 東京大学 and 北京, then 上海。',
  emoji: 'Paris 🇫🇷 is 👍🏽 and 👨‍👩‍👧 here',
  'hyphens and apostrophes': "mother-in-law's rock'n'roll well-known don't",
  'whitespace runs, tabs and newlines': '  Alice\t\tlives   in\n\nParis \r\n and\u00a0 Berlin  ',
  'repeated words': 'Paris is not Paris, paris or PARIS',
  'control and zero-width characters': 'Al\u200bice\u0007 met Bob\ufeff in Berlin',
  'special token text': 'Alice [SEP] met [MASK] in Paris',
  'Hangul (NFD expands syllables) and ligatures': '서울 and Zürich ﬁnd Paris',
};

/** The NER text whose second entity search misplaces. */
export const ZURICH_TEXT = 'Zürich😍 Zürich airport';
