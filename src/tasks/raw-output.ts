/**
 * Duck-typed readers for transformers.js raw pipeline output. They copy only the fields inpage
 * returns, so the result is plain data, and they fail with InpageError `UNSUPPORTED_MODEL` naming the task
 * when the shape is not the expected one.
 * @module
 */
import { unexpectedOutput } from './validate.ts';

/**
 * Reads an array.
 * @throws InpageError `UNSUPPORTED_MODEL` when `value` is not an array.
 * @example
 * const rows = readArray('fill-mask', raw, 'the candidates');
 */
export function readArray(task: string, value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw unexpectedOutput(task, `${what} should be an array`, value);
  return value;
}

/**
 * Reads an array of exactly `length` items.
 * @throws InpageError `UNSUPPORTED_MODEL` when `value` is not an array of that length.
 * @example
 * const perText = readArrayOf('token-classification', raw, texts.length, 'one list per text');
 */
export function readArrayOf(task: string, value: unknown, length: number, what: string): readonly unknown[] {
  const array = readArray(task, value, what);
  if (array.length !== length) throw unexpectedOutput(task, `${what}: expected ${length} items, got ${array.length}`, value);
  return array;
}

/**
 * Reads an object (not an array, not null).
 * @throws InpageError `UNSUPPORTED_MODEL` otherwise.
 * @example
 * const answer = readRecord('question-answering', raw, 'the answer');
 */
export function readRecord(task: string, value: unknown, what: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw unexpectedOutput(task, `${what} should be an object`, value);
  }
  return value as Readonly<Record<string, unknown>>;
}

/**
 * Reads a string field.
 * @throws InpageError `UNSUPPORTED_MODEL` when the field is not a string.
 * @example
 * const label = readString('text-classification', item, 'label');
 */
export function readString(task: string, record: Readonly<Record<string, unknown>>, key: string): string {
  const value = record[key];
  if (typeof value !== 'string') throw unexpectedOutput(task, `field "${key}" should be a string`, value);
  return value;
}

/**
 * Reads a numeric field; a bigint (token ids are int64) becomes a number.
 * @throws InpageError `UNSUPPORTED_MODEL` when the field is neither a number nor a bigint.
 * @example
 * const score = readNumber('text-classification', item, 'score');
 */
export function readNumber(task: string, record: Readonly<Record<string, unknown>>, key: string): number {
  const value = record[key];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw unexpectedOutput(task, `field "${key}" should be a number`, value);
}

/**
 * Reads a list of strings.
 * @throws InpageError `UNSUPPORTED_MODEL` when it is not an array of strings.
 * @example
 * const labels = readStrings('zero-shot-classification', record.labels, 'labels');
 */
export function readStrings(task: string, value: unknown, what: string): string[] {
  return readArray(task, value, what).map((item) => {
    if (typeof item !== 'string') throw unexpectedOutput(task, `${what} should hold strings`, item);
    return item;
  });
}

/**
 * Reads a list of numbers.
 * @throws InpageError `UNSUPPORTED_MODEL` when it is not an array of numbers.
 * @example
 * const scores = readNumbers('zero-shot-classification', record.scores, 'scores');
 */
export function readNumbers(task: string, value: unknown, what: string): number[] {
  return readArray(task, value, what).map((item) => {
    if (typeof item !== 'number') throw unexpectedOutput(task, `${what} should hold numbers`, item);
    return item;
  });
}
