/**
 * BertNormalizer with offset tracking: the same text as @huggingface/tokenizers' `BertNormalizer`
 * (the one transformers.js 4.3.1 runs), with the span in the original text of every code unit of
 * the result. Pure code.
 * @module
 */

/** `BertNormalizer`'s settings, as in `tokenizer.json`. */
export interface BertNormalizerConfig {
  clean_text?: boolean;
  handle_chinese_chars?: boolean;
  strip_accents?: boolean | null;
  lowercase?: boolean;
}

/**
 * A normalized text: `starts[i]`/`ends[i]` give the original UTF-16 span of code unit `i` of
 * `text` (a character that normalizes to several units gives each the same span).
 */
export interface TrackedText {
  text: string;
  starts: number[];
  ends: number[];
}

/** One original code point and what the normalizer turned it into. */
interface Piece {
  text: string;
  start: number;
  end: number;
}

/** The library's CJK test, on UTF-16 code units (astral CJK characters are not spaced out there). */
function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

const controlChar = /^(?:\p{Cc}|\p{Cf}|\p{Co}|\p{Cs})$/u;
const whitespaceChar = /^\s$/;
const nonspacingMarks = /\p{Mn}/gu;
const combiningMark = /^\p{M}$/u;

/** `clean_text` and `handle_chinese_chars` of one code point. */
function cleanChar(char: string, config: BertNormalizerConfig): string {
  if (config.clean_text) {
    const cp = char.charCodeAt(0);
    if (cp === 0 || cp === 0xfffd || (char !== '\t' && char !== '\n' && char !== '\r' && controlChar.test(char))) return '';
    if (whitespaceChar.test(char)) return ' ';
  }
  if (config.handle_chinese_chars && char.length === 1 && isChineseChar(char.charCodeAt(0))) return ` ${char} `;
  return char;
}

function stripsAccents(config: BertNormalizerConfig): boolean {
  return config.lowercase ? config.strip_accents !== false : config.strip_accents === true;
}

function stripAccents(text: string): string {
  return text.normalize('NFD').replace(nonspacingMarks, '');
}

/**
 * The untracked normalization, step by step as the library does it (whole-string lowercasing,
 * so context-dependent mappings such as the Greek final sigma apply).
 * @example
 * bertNormalize('ΟΔΟΣ Zürich', { lowercase: true }); // 'οδος zurich'
 */
export function bertNormalize(text: string, config: BertNormalizerConfig): string {
  let normalized = '';
  for (const char of text) normalized += cleanChar(char, config);
  if (config.lowercase) normalized = normalized.toLowerCase();
  return stripsAccents(config) ? stripAccents(normalized) : normalized;
}

/**
 * Normalizes `text` like {@link bertNormalize} and records where each result unit came from.
 * Lowercasing is done on the whole string and cut back into characters, so the final sigma is
 * right; a combining mark the normalizer drops joins the span of the character before it.
 *
 * @param text - the original text (or a section of it).
 * @param config - the normalizer's settings.
 * @param offset - the original offset of `text` (for a section).
 * @returns the normalized text with its spans, or `null` when a character's lowercase form does
 *   not line up with the whole string's (a mapping this tracking does not model).
 * @example
 * trackBertNormalize('Ça', { lowercase: true }); // { text: 'ca', starts: [0, 1], ends: [1, 2] }
 */
export function trackBertNormalize(text: string, config: BertNormalizerConfig, offset = 0): TrackedText | null {
  const pieces: Piece[] = [];
  let at = offset;
  for (const char of text) {
    pieces.push({ text: cleanChar(char, config), start: at, end: at + char.length });
    at += char.length;
  }
  if (config.lowercase) {
    const lowered = pieces
      .map((piece) => piece.text)
      .join('')
      .toLowerCase();
    let cut = 0;
    for (const piece of pieces) {
      const length = piece.text.toLowerCase().length;
      piece.text = lowered.slice(cut, cut + length);
      cut += length;
    }
    if (cut !== lowered.length) return null;
  }
  const strip = stripsAccents(config);
  const result: TrackedText = { text: '', starts: [], ends: [] };
  let previous: Piece | null = null;
  for (const piece of pieces) {
    const form = strip ? stripAccents(piece.text) : piece.text;
    if (form === '') {
      const original = text.slice(piece.start - offset, piece.end - offset);
      // A dropped combining mark right after a kept character belongs to it ("Jose\u0301").
      if (previous !== null && previous.end === piece.start && combiningMark.test(original)) extendEnd(result, previous, piece.end);
      continue;
    }
    for (let unit = 0; unit < form.length; unit++) {
      result.starts.push(piece.start);
      result.ends.push(piece.end);
    }
    result.text += form;
    previous = piece;
  }
  return result.text === bertNormalize(text, config) ? result : null;
}

/** Moves the end of the units produced by `piece` (the last ones so far) to `end`. */
function extendEnd(result: TrackedText, piece: Piece, end: number): void {
  for (let unit = result.ends.length - 1; unit >= 0 && result.starts[unit] === piece.start; unit--) result.ends[unit] = end;
  piece.end = end;
}
