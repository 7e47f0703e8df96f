/**
 * A WordPiece tokenizer that tracks offsets: BertNormalizer, BertPreTokenizer and WordPiece as
 * @huggingface/tokenizers (transformers.js 4.3.1) runs them, built from the same `tokenizer.json`,
 * giving the same ids plus each token's span in the original text. Pure code: the worker builds
 * one from the loaded tokenizer's JSON, and tests compare its ids with the library's.
 * @module
 */
import { trackBertNormalize } from './bert-normalizer.ts';
import type { BertNormalizerConfig, TrackedText } from './bert-normalizer.ts';

/**
 * One token of a text: its id, its vocabulary string, and its UTF-16 span in the original text
 * (an `[UNK]` token spans the whole word it replaces).
 */
export interface TrackedToken {
  id: number;
  token: string;
  start: number;
  end: number;
}

/**
 * A WordPiece tokenizer with offsets.
 * @example
 * const tokenizer = createWordPieceTokenizer(tokenizerJson);
 * tokenizer?.tokenize('Zürich😍 Zürich'); // [{ id: 100, token: '[UNK]', start: 0, end: 8 }, { id: 7, token: 'zurich', start: 9, end: 15 }]
 */
export interface WordPieceTokenizer {
  /**
   * The tokens of a text, without the special tokens the post-processor adds ([CLS], [SEP]);
   * `null` for a text whose normalization the tracking does not model (then use no offsets).
   */
  tokenize(text: string): TrackedToken[] | null;
  /** How many special tokens the post-processor puts before the first text (1 for `[CLS]`). */
  readonly leadingSpecialTokens: number;
  /** The id of `[UNK]`. */
  readonly unkId: number;
}

/** The library's punctuation class: `\p{P}` and the ASCII symbols. */
const punctuation = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const preTokenPattern = new RegExp(`[^\\s${punctuation}]+|[${punctuation}]`, 'gu');

type Json = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Literal added tokens matched on the raw text, longest first, as the library's DictionarySplitter. */
function splitOnAddedTokens(
  text: string,
  added: ReadonlyMap<string, readonly string[]>,
): { text: string; start: number; added: boolean }[] {
  const sections: { text: string; start: number; added: boolean }[] = [];
  let sectionStart = 0;
  let index = 0;
  while (index < text.length) {
    let match: string | null = null;
    for (const content of added.get(text[index] ?? '') ?? []) {
      if ((match === null || content.length > match.length) && text.startsWith(content, index)) match = content;
    }
    if (match === null) {
      index += 1;
      continue;
    }
    if (index > sectionStart) sections.push({ text: text.slice(sectionStart, index), start: sectionStart, added: false });
    sections.push({ text: match, start: index, added: true });
    index += match.length;
    sectionStart = index;
  }
  if (sectionStart < text.length) sections.push({ text: text.slice(sectionStart), start: sectionStart, added: false });
  return sections;
}

/** How many special tokens come before `$A` in the post-processor (TemplateProcessing or BertProcessing). */
function leadingSpecials(postProcessor: unknown): number | null {
  if (postProcessor === null || postProcessor === undefined) return 0;
  if (!isRecord(postProcessor)) return null;
  if (postProcessor['type'] === 'BertProcessing') return 1;
  const single = postProcessor['single'];
  if (postProcessor['type'] !== 'TemplateProcessing' || !Array.isArray(single)) return null;
  const first = single.findIndex((item: unknown) => isRecord(item) && 'Sequence' in item);
  return first === -1 ? null : first;
}

/**
 * Builds a tracked WordPiece tokenizer from a parsed `tokenizer.json` (and `tokenizer_config.json`).
 *
 * @returns the tokenizer, or `null` when the tokenizer is not exactly BertNormalizer (or none) +
 *   BertPreTokenizer + WordPiece with literal (unnormalized) added tokens: its ids could then
 *   differ from the library's, so its offsets would not be trusted.
 * @example
 * const tokenizer = createWordPieceTokenizer(pipe.tokenizer._tokenizerJSON, pipe.tokenizer._tokenizerConfig);
 */
export function createWordPieceTokenizer(tokenizerJson: unknown, tokenizerConfig: unknown = {}): WordPieceTokenizer | null {
  if (!isRecord(tokenizerJson) || !isRecord(tokenizerConfig)) return null;
  const { model, normalizer, pre_tokenizer: preTokenizer } = tokenizerJson;
  if (!isRecord(model) || model['type'] !== 'WordPiece' || !isRecord(model['vocab']) || model['fuse_unk'] === true) return null;
  if (!isRecord(preTokenizer) || preTokenizer['type'] !== 'BertPreTokenizer') return null;
  if (normalizer !== null && (!isRecord(normalizer) || normalizer['type'] !== 'BertNormalizer')) return null;
  if (tokenizerConfig['remove_space'] === true || tokenizerConfig['do_lowercase_and_remove_accent'] === true) return null;
  const leading = leadingSpecials(tokenizerJson['post_processor']);
  if (leading === null) return null;

  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(model['vocab'])) if (typeof id === 'number') vocab.set(token, id);
  const added = new Map<string, number>();
  for (const token of Array.isArray(tokenizerJson['added_tokens']) ? tokenizerJson['added_tokens'] : []) {
    if (!isRecord(token) || typeof token['content'] !== 'string' || typeof token['id'] !== 'number') return null;
    if (token['normalized'] === true && normalizer !== null) return null;
    added.set(token['content'], token['id']);
    vocab.set(token['content'], token['id']);
  }
  const addedByFirstUnit = new Map<string, string[]>();
  for (const content of added.keys()) {
    if (content !== '') addedByFirstUnit.set(content[0] ?? '', [...(addedByFirstUnit.get(content[0] ?? '') ?? []), content]);
  }
  const unkToken = typeof model['unk_token'] === 'string' ? model['unk_token'] : '[UNK]';
  const unkId = vocab.get(unkToken);
  if (unkId === undefined) return null;
  const prefix = typeof model['continuing_subword_prefix'] === 'string' ? model['continuing_subword_prefix'] : '##';
  const maxChars = typeof model['max_input_chars_per_word'] === 'number' ? model['max_input_chars_per_word'] : 100;
  const normalizerConfig: BertNormalizerConfig | null = normalizer === null ? null : (normalizer as BertNormalizerConfig);

  /** WordPiece on one pre-token of `normalized`, from unit `from` to unit `to`. */
  const wordPiece = (normalized: TrackedText, from: number, to: number, out: TrackedToken[]): void => {
    const word = normalized.text.slice(from, to);
    const chars = [...word];
    const unknown = (): void =>
      void out.push({ id: unkId, token: unkToken, start: normalized.starts[from] ?? 0, end: normalized.ends[to - 1] ?? 0 });
    if (chars.length > maxChars) return unknown();
    const pieces: TrackedToken[] = [];
    let start = 0; // in code points
    let unit = from; // the code unit where `start` begins
    while (start < chars.length) {
      let end = chars.length;
      let found: string | null = null;
      while (start < end) {
        const body = chars.slice(start, end).join('');
        const candidate = start > 0 ? prefix + body : body;
        if (vocab.has(candidate)) {
          found = candidate;
          break;
        }
        end -= 1;
      }
      if (found === null) return unknown();
      const units = chars.slice(start, end).join('').length;
      pieces.push({
        id: vocab.get(found) ?? unkId,
        token: found,
        start: normalized.starts[unit] ?? 0,
        end: normalized.ends[unit + units - 1] ?? 0,
      });
      unit += units;
      start = end;
    }
    out.push(...pieces);
  };

  const identity = (text: string, offset: number): TrackedText => {
    const starts: number[] = [];
    const ends: number[] = [];
    for (let unit = 0; unit < text.length; unit++) {
      // A surrogate pair's two units both span the whole character.
      const high = unit > 0 && /[\uD800-\uDBFF]/.test(text[unit - 1] ?? '') && /[\uDC00-\uDFFF]/.test(text[unit] ?? '');
      const lowFollows = /[\uD800-\uDBFF]/.test(text[unit] ?? '') && /[\uDC00-\uDFFF]/.test(text[unit + 1] ?? '');
      starts.push(offset + (high ? unit - 1 : unit));
      ends.push(offset + (lowFollows ? unit + 2 : unit + 1));
    }
    return { text, starts, ends };
  };

  return {
    leadingSpecialTokens: leading,
    unkId,
    tokenize(text: string): TrackedToken[] | null {
      const out: TrackedToken[] = [];
      for (const section of splitOnAddedTokens(text, addedByFirstUnit)) {
        if (section.added) {
          out.push({
            id: added.get(section.text) ?? unkId,
            token: section.text,
            start: section.start,
            end: section.start + section.text.length,
          });
          continue;
        }
        const normalized = normalizerConfig
          ? trackBertNormalize(section.text, normalizerConfig, section.start)
          : identity(section.text, section.start);
        if (normalized === null) return null;
        for (const match of normalized.text.matchAll(preTokenPattern))
          wordPiece(normalized, match.index, match.index + match[0].length, out);
      }
      return out;
    },
  };
}

const loaded = new WeakMap<object, WordPieceTokenizer | null>();

/**
 * The tracked tokenizer of a loaded transformers.js tokenizer (built from the `tokenizer.json` and
 * `tokenizer_config.json` it was created from, once per tokenizer), or `null` when it is not a
 * WordPiece tokenizer this module models.
 * @example
 * const tracked = wordPieceTokenizerOf(pipe.tokenizer);
 * const tokens = tracked?.tokenize(text) ?? null; // null: fall back to searching the text
 */
export function wordPieceTokenizerOf(tokenizer: unknown): WordPieceTokenizer | null {
  // transformers.js tokenizers are callable: functions, not plain objects.
  if ((typeof tokenizer !== 'object' && typeof tokenizer !== 'function') || tokenizer === null) return null;
  let tracked = loaded.get(tokenizer);
  if (tracked === undefined) {
    const { _tokenizerJSON: json, _tokenizerConfig: config } = tokenizer as { _tokenizerJSON?: unknown; _tokenizerConfig?: unknown };
    tracked = createWordPieceTokenizer(json, config ?? {});
    loaded.set(tokenizer, tracked);
  }
  return tracked;
}
