/**
 * Character offsets of decoded tokens found by searching the original text: the fallback for
 * tokenizers other than WordPiece (byte-level BPE, SentencePiece/Unigram), whose offsets inpage
 * does not track. (WordPiece models get exact offsets from `wordpiece-tokenizer.ts`.)
 * transformers.js 4.3.1 reports no offsets, and its decoded words are normalized (lowercased,
 * unaccented, `##` continuations), so they are matched in a normalized copy of the text whose
 * positions map back to the original string. Pure functions.
 * @module
 */

/** A half-open span of UTF-16 offsets into a text: `text.slice(start, end)`. */
export interface Span {
  start: number;
  end: number;
}

/** A text normalized for matching, with each normalized code unit's span in the original. */
interface MatchIndex {
  normalized: string;
  starts: number[];
  ends: number[];
}

/** Whitespace and invisible characters that tokenizers drop. */
const ignored = /[\s\p{Cc}\p{Cf}]/u;
/** Combining marks, which BertNormalizer's accent stripping removes after NFD. */
const combiningMarks = /\p{M}/gu;
/** One combining mark. */
const isMark = /^\p{M}$/u;
/**
 * SentencePiece's word-boundary marker `▁`, in case a token arrives undecoded. (Byte-level BPE's
 * `Ġ` is not treated so: decoding always maps it back, and it is a real letter, e.g. in Maltese.)
 */
const boundaryMarkers = /\u2581/g;

/** The match form of one character: compatibility-decomposed, unaccented, lower case. */
function normalizeChar(char: string): string {
  if (ignored.test(char)) return '';
  return char.normalize('NFKD').replace(combiningMarks, '').toLowerCase();
}

function buildIndex(text: string): MatchIndex {
  let normalized = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  let previousUnits = 0; // how many normalized units the previous character produced
  for (const char of text) {
    const form = normalizeChar(char);
    if (form === '' && isMark.test(char)) {
      // A combining mark written separately belongs to the character before it.
      for (let unit = ends.length - previousUnits; unit < ends.length; unit++) ends[unit] = offset + char.length;
    } else {
      for (let unit = 0; unit < form.length; unit++) {
        starts.push(offset);
        ends.push(offset + char.length);
      }
      previousUnits = form.length;
    }
    normalized += form;
    offset += char.length;
  }
  return { normalized, starts, ends };
}

function normalizeNeedle(text: string): string {
  let normalized = '';
  for (const char of text.replace(boundaryMarkers, ' ')) normalized += normalizeChar(char);
  return normalized;
}

/** The original-text span of `length` normalized units from normalized position `at`. */
function toSpan(index: MatchIndex, at: number, length: number): Span {
  return { start: index.starts[at] ?? 0, end: index.ends[at + length - 1] ?? 0 };
}

/** BertPreTokenizer's punctuation: `\p{P}` and the ASCII symbols. */
const punctuation = /[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]/u;
const whitespace = /\s/u;

/**
 * Moves the cursor past the next word of the original text (a run without whitespace or
 * punctuation, or one punctuation character): the characters of a token the tokenizer dropped.
 */
function skipWord(text: string, index: MatchIndex, cursor: number): number {
  let offset = index.starts[cursor] ?? text.length;
  while (offset < text.length && whitespace.test(text[offset] ?? '')) offset += 1;
  if (punctuation.test(text[offset] ?? '')) offset += 1;
  else while (offset < text.length && !whitespace.test(text[offset] ?? '') && !punctuation.test(text[offset] ?? '')) offset += 1;
  const next = index.starts.findIndex((start, unit) => unit >= cursor && start >= offset);
  return next === -1 ? index.normalized.length : next;
}

/**
 * Finds each decoded token of a text, in order, with a cursor: a word that appears twice gets
 * two different spans, and a WordPiece continuation (`##ra`, its `##` stripped) is searched from
 * the end of the piece before it, so it continues that piece's span. Matching ignores case,
 * accents and whitespace. A token that cannot be found (a tokenizer that rewrites text beyond
 * that) gets an empty span (`start === end`) at the end of the previous match, and the cursor
 * stays put.
 *
 * With the tokens' positions in the model input (`indices`, the first one after one leading
 * special token such as `[CLS]`), a gap means the tokenizer's output dropped tokens there (an
 * `[UNK]` decodes to nothing): the cursor skips one word of the text per dropped token, so the
 * next token is not found inside the unknown word.
 *
 * @param text - the original text given to the pipeline.
 * @param words - the tokens' decoded words, in token order (as transformers.js reports them).
 * @param indices - optional: each token's position in the model input, in the same order.
 * @returns one span per word.
 * @example
 * locateTokens('Amara met amara', ['ama', '##ra', 'met', 'ama', '##ra']);
 * // [{ start: 0, end: 3 }, { start: 3, end: 5 }, { start: 6, end: 9 }, { start: 10, end: 13 }, { start: 13, end: 15 }]
 * locateTokens('Zürich😍 Zürich airport', ['zurich', 'airport'], [2, 3]);
 * // [{ start: 9, end: 15 }, { start: 16, end: 23 }]
 */
export function locateTokens(text: string, words: readonly string[], indices?: readonly number[]): Span[] {
  const index = buildIndex(text);
  let cursor = 0;
  let lastEnd = 0;
  let previousIndex = 0;
  return words.map((word, position) => {
    const tokenIndex = indices?.[position];
    if (tokenIndex !== undefined) {
      for (let dropped = tokenIndex - previousIndex - 1; dropped > 0; dropped--) cursor = skipWord(text, index, cursor);
      previousIndex = tokenIndex;
    }
    const isContinuation = word.startsWith('##') && word.length > 2;
    const needle = normalizeNeedle(isContinuation ? word.slice(2) : word);
    const at = needle.length === 0 ? -1 : index.normalized.indexOf(needle, cursor);
    if (at === -1) return { start: lastEnd, end: lastEnd };
    cursor = at + needle.length;
    const span = toSpan(index, at, needle.length);
    lastEnd = span.end;
    return span;
  });
}

/**
 * Finds the first occurrence of a decoded string (such as a question-answering answer, which may
 * span several words) in a text, ignoring case, accents and whitespace.
 *
 * @param text - the text to search (the original context).
 * @param needle - the decoded string.
 * @param from - the original offset to search from (default 0).
 * @returns its span, or `null` when it is not found or is empty.
 * @example
 * locateText('Il a vu Émile à Paris.', 'emile a paris'); // { start: 8, end: 21 }
 */
export function locateText(text: string, needle: string, from = 0): Span | null {
  const index = buildIndex(text);
  const normalizedNeedle = normalizeNeedle(needle);
  if (normalizedNeedle.length === 0) return null;
  const cursor = index.starts.findIndex((start) => start >= from);
  if (cursor === -1) return null;
  const at = index.normalized.indexOf(normalizedNeedle, cursor);
  return at === -1 ? null : toSpan(index, at, normalizedNeedle.length);
}
