import { MAX_CHARS_PER_INFERENCE, MAX_ITEMS_PER_INFERENCE } from '../tasks/limits.ts';

/**
 * Splits items into inferences of at most {@link MAX_ITEMS_PER_INFERENCE} items and
 * {@link MAX_CHARS_PER_INFERENCE} characters (an item longer than that alone makes one inference).
 * @example
 * inferenceChunks(texts).length; // 1 for up to 256 short texts
 */
export function inferenceChunks(items: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let chunk: string[] = [];
  let chars = 0;
  for (const item of items) {
    if (chunk.length > 0 && (chunk.length >= MAX_ITEMS_PER_INFERENCE || chars + item.length > MAX_CHARS_PER_INFERENCE)) {
      chunks.push(chunk);
      chunk = [];
      chars = 0;
    }
    chunk.push(item);
    chars += item.length;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
