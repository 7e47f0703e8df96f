import { MAX_CHARS_PER_INFERENCE, MAX_ITEMS_PER_INFERENCE } from '../tasks/limits.ts';

/**
 * What one more inference costs beyond its tokens, in padding tokens (its fixed run cost and the
 * worker round trip, about as long as running this many tokens more).
 */
const INFERENCE_COST_TOKENS = 16;

/**
 * Splits items into inferences of at most {@link MAX_ITEMS_PER_INFERENCE} items and
 * {@link MAX_CHARS_PER_INFERENCE} characters (an item longer than that alone makes one inference),
 * keeping their order. An inference pads its texts to its longest, so, for items sorted by length
 * (shortest first), an item starts a new inference when the padding it would add to the texts
 * before it costs more than another inference does: texts of like length go together.
 * @example
 * inferenceChunks(texts.toSorted((a, b) => a.length - b.length)).length; // 1 for up to 256 short texts of about the same length
 */
export function inferenceChunks(items: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let chunk: string[] = [];
  let chars = 0;
  let longest = 0;
  for (const item of items) {
    // About four characters a token: enough to compare paddings.
    const tokens = Math.ceil(item.length / 4);
    if (
      chunk.length > 0 &&
      (chunk.length >= MAX_ITEMS_PER_INFERENCE ||
        chars + item.length > MAX_CHARS_PER_INFERENCE ||
        (tokens - longest) * chunk.length > INFERENCE_COST_TOKENS)
    ) {
      chunks.push(chunk);
      chunk = [];
      chars = longest = 0;
    }
    chunk.push(item);
    chars += item.length;
    longest = Math.max(longest, tokens);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
