/**
 * Helpers for batchable tasks whose output has one result per text: one caller's input becomes
 * its texts, and the per-text results of a batch are handed back to each caller.
 * @module
 */
import { InpageError } from '../errors.ts';

/**
 * The texts of one input: `[text]` for a string, a copy of the array otherwise.
 * @example
 * textItems('hi');         // ['hi']
 * textItems(['a', 'b']);   // ['a', 'b']
 */
export function textItems(input: string | readonly string[]): string[] {
  return typeof input === 'string' ? [input] : [...input];
}

/**
 * Splits the output of a batched call (whose input was an array, so its output is a list with
 * one result per text) into those results.
 * @throws InpageError `UNSUPPORTED_MODEL` when the output does not hold `count` results.
 * @example
 * splitPerText('fill-mask', [[a], [b]], 2); // [[a], [b]]
 */
export function splitPerText<T>(task: string, output: T | T[], count: number): T[] {
  // A batch's input is always an array, so its output is always the list form.
  const list = output as T[];
  if (!Array.isArray(list) || list.length !== count) {
    throw new InpageError(
      'UNSUPPORTED_MODEL',
      `${task}: a batched output should hold ${count} results, got ${Array.isArray(list) ? list.length : 'none'}.`,
    );
  }
  return [...list];
}

/**
 * Rebuilds one caller's output from its per-text results: the only result for a string input,
 * the list for an array input.
 * @throws InpageError `UNSUPPORTED_MODEL` when a string input does not get exactly one result.
 * @example
 * joinPerText('text-classification', [[{ label: 'POSITIVE', score: 0.99 }]], 'I love it');
 * // [{ label: 'POSITIVE', score: 0.99 }]
 */
export function joinPerText<T>(task: string, items: readonly T[], input: string | readonly string[]): T | T[] {
  if (typeof input !== 'string') return [...items];
  const [only] = items;
  if (items.length !== 1 || only === undefined) {
    throw new InpageError('UNSUPPORTED_MODEL', `${task}: a single text should get one result, got ${items.length}.`);
  }
  return only;
}
