/**
 * Shared checks for task input and options. Wrong types throw `TypeError`, impossible numbers
 * `RangeError`, well-typed but unusable input `InpageError('INVALID_INPUT')`. Every message
 * names the task and the field. An option whose value is `undefined` counts as not set.
 * @module
 */
import { InpageError } from '../errors.ts';
import { describeValue } from './describe-value.ts';

export { describeValue };

/**
 * Size limits on input, so that a mistake fails fast on the main thread instead of stalling
 * the worker.
 * @example
 * if (texts.length > inputLimits.maxItems) showTooMany();
 */
export const inputLimits = Object.freeze({
  /** Characters per text. */
  maxTextLength: 100_000,
  /** Texts per call (also candidate labels per zero-shot call). */
  maxItems: 1024,
});

function squash(key: string): string {
  return key.replace(/[_-]/g, '').toLowerCase();
}

/**
 * Checks that `options` is `undefined` or an object with only known keys, and returns it as a
 * record (`{}` for `undefined`). A snake_case or mistyped key gets a "did you mean" hint.
 * @throws TypeError when `options` is not an object or has an unknown key.
 * @example
 * const record = checkOptions('fill-mask', { top_k: 3 }, ['topK']);
 * // TypeError: fill-mask: unknown option "top_k" (did you mean "topK"?). Valid options: topK.
 */
export function checkOptions(task: string, options: unknown, validKeys: readonly string[]): Readonly<Record<string, unknown>> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${task}: options must be an object or undefined, got ${describeValue(options)}.`);
  }
  const record = options as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(record)) {
    if (validKeys.includes(key)) continue;
    const near = validKeys.find((valid) => squash(valid) === squash(key));
    const hint = near === undefined ? '' : ` (did you mean "${near}"?)`;
    const valid = validKeys.length === 0 ? 'none' : validKeys.join(', ');
    throw new TypeError(`${task}: unknown option "${key}"${hint}. Valid options: ${valid}.`);
  }
  return record;
}

/**
 * Checks one text: a string of at most {@link inputLimits}`.maxTextLength` characters.
 * @throws TypeError for a non-string, InpageError `INVALID_INPUT` for an over-long string.
 * @example
 * checkText('question-answering', input.question, 'input.question');
 */
export function checkText(task: string, value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`${task}: ${field} must be a string, got ${describeValue(value)}.`);
  }
  if (value.length > inputLimits.maxTextLength) {
    throw new InpageError(
      'INVALID_INPUT',
      `${task}: ${field} has ${value.length} characters; the limit is ${inputLimits.maxTextLength}. Split the text first.`,
    );
  }
}

/**
 * Checks a list of strings: an array of 1 to {@link inputLimits}`.maxItems` strings, each
 * checked with {@link checkText}. A sparse array (`new Array(5)`) is refused: its holes are not strings.
 * @throws TypeError when not an array of strings (holes included), InpageError `INVALID_INPUT` when empty or too long.
 * @example
 * checkTextList('zero-shot-classification', options.candidateLabels, 'option "candidateLabels"');
 */
export function checkTextList(task: string, value: unknown, field: string): asserts value is readonly string[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`${task}: ${field} must be an array of strings, got ${describeValue(value)}.`);
  }
  const list: readonly unknown[] = value;
  if (list.length === 0) throw new InpageError('INVALID_INPUT', `${task}: ${field} is empty; give at least one string.`);
  if (list.length > inputLimits.maxItems) {
    throw new InpageError(
      'INVALID_INPUT',
      `${task}: ${field} has ${list.length} items; the limit is ${inputLimits.maxItems}. Split it into several calls.`,
    );
  }
  // By index, not forEach: a sparse array's holes (`new Array(5)`) are items too, and not strings.
  for (let index = 0; index < list.length; index++) checkText(task, list[index], `${field}[${index}]`);
}

/**
 * Checks a task's main input: a string, or a non-empty array of strings.
 * @throws TypeError for another type, InpageError `INVALID_INPUT` for an empty array, too many
 *   texts or an over-long text.
 * @example
 * checkTexts('text-classification', 42);
 * // TypeError: text-classification: input must be a string or an array of strings, got a number (42).
 */
export function checkTexts(task: string, input: unknown): asserts input is string | readonly string[] {
  if (typeof input === 'string') return checkText(task, input, 'input');
  if (!Array.isArray(input)) {
    throw new TypeError(`${task}: input must be a string or an array of strings, got ${describeValue(input)}.`);
  }
  checkTextList(task, input, 'input');
}

/**
 * Checks an optional integer option in `[min, max]`.
 * @throws TypeError for a non-number, RangeError for a non-integer or a value out of range.
 * @example
 * checkInteger('fill-mask', 'topK', 0, 1, 1000);
 * // RangeError: fill-mask: option "topK" must be an integer from 1 to 1000, got 0.
 */
export function checkInteger(task: string, name: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number') {
    throw new TypeError(`${task}: option "${name}" must be a number, got ${describeValue(value)}.`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`${task}: option "${name}" must be an integer ${range}, got ${String(value)}.`);
  }
}

/** Bounds of {@link checkNumber}; `exclusive` bounds exclude the value itself. */
export interface NumberBounds {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/**
 * Checks an optional finite number option within bounds.
 * @throws TypeError for a non-number, RangeError for NaN, ±Infinity or a value out of bounds.
 * @example
 * checkNumber('text-generation', 'topP', 0, { min: 0, minExclusive: true, max: 1 });
 * // RangeError: text-generation: option "topP" must be a number > 0 and ≤ 1, got 0.
 */
export function checkNumber(task: string, name: string, value: unknown, bounds: NumberBounds): void {
  if (value === undefined) return;
  if (typeof value !== 'number') {
    throw new TypeError(`${task}: option "${name}" must be a number, got ${describeValue(value)}.`);
  }
  const { min, max, minExclusive = false, maxExclusive = false } = bounds;
  const tooLow = min !== undefined && (minExclusive ? value <= min : value < min);
  const tooHigh = max !== undefined && (maxExclusive ? value >= max : value > max);
  if (!Number.isFinite(value) || tooLow || tooHigh) {
    const parts: string[] = [];
    if (min !== undefined) parts.push(`${minExclusive ? '>' : '≥'} ${min}`);
    if (max !== undefined) parts.push(`${maxExclusive ? '<' : '≤'} ${max}`);
    const range = parts.length === 0 ? 'finite' : parts.join(' and ');
    throw new RangeError(`${task}: option "${name}" must be a number ${range}, got ${String(value)}.`);
  }
}

/**
 * Checks an optional boolean option.
 * @throws TypeError for anything but `true`, `false` or `undefined`.
 * @example
 * checkBoolean('feature-extraction', 'normalize', 'yes');
 * // TypeError: feature-extraction: option "normalize" must be a boolean, got a string ("yes").
 */
export function checkBoolean(task: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`${task}: option "${name}" must be a boolean, got ${describeValue(value)}.`);
  }
}

/**
 * Checks an optional option that must be one of a few strings.
 * @throws TypeError for any other value.
 * @example
 * checkOneOf('token-classification', 'aggregationStrategy', 'first', ['none', 'simple']);
 * // TypeError: token-classification: option "aggregationStrategy" must be one of 'none', 'simple', got a string ("first").
 */
export function checkOneOf(task: string, name: string, value: unknown, allowed: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    const list = allowed.map((item) => `'${item}'`).join(', ');
    throw new TypeError(`${task}: option "${name}" must be one of ${list}, got ${describeValue(value)}.`);
  }
}

/**
 * A key that is equal for equal plain data, whatever the key order of its objects.
 * @example
 * stableKey({ b: 1, a: [true] }) === stableKey({ a: [true], b: 1 }); // true
 */
export function stableKey(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    const record = item as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, record[key]]),
    );
  });
}

/**
 * The error for a pipeline output that does not have the shape this task expects (a model whose
 * head does not fit the task, or a transformers.js change). `UNSUPPORTED_MODEL`, not `RUNTIME`:
 * the worker is healthy, and restarting it would not change the output.
 * @example
 * if (!Array.isArray(raw)) throw unexpectedOutput('fill-mask', 'expected an array', raw);
 */
export function unexpectedOutput(task: string, detail: string, raw: unknown): InpageError {
  return new InpageError('UNSUPPORTED_MODEL', `${task}: unexpected pipeline output (${detail}), got ${describeValue(raw)}.`);
}

/**
 * Checks a zero-shot call's options (text or image): `candidateLabels`, required and non-empty, and
 * `hypothesisTemplate`, which must contain `{}` where the label goes.
 * @returns the options as a record, for the task's other options.
 * @throws TypeError for missing or wrong-typed options; InpageError `INVALID_INPUT` for a template without `{}`.
 * @example
 * const record = checkZeroShotOptions('zero-shot-classification', options, optionKeys, { labels: "['positive', 'negative']", template: "'This text is about {}.'" });
 */
export function checkZeroShotOptions(
  task: string,
  options: unknown,
  validKeys: readonly string[],
  examples: { labels: string; template: string },
): Readonly<Record<string, unknown>> {
  if (options === undefined) {
    throw new TypeError(`${task}: options { candidateLabels: string[] } are required, e.g. { candidateLabels: ${examples.labels} }.`);
  }
  const record = checkOptions(task, options, validKeys);
  if (record['candidateLabels'] === undefined) {
    throw new TypeError(`${task}: option "candidateLabels" is required, e.g. { candidateLabels: ${examples.labels} }.`);
  }
  checkTextList(task, record['candidateLabels'], 'option "candidateLabels"');
  const template = record['hypothesisTemplate'];
  if (template !== undefined) {
    checkText(task, template, 'option "hypothesisTemplate"');
    if (!template.includes('{}')) {
      throw new InpageError(
        'INVALID_INPUT',
        `${task}: option "hypothesisTemplate" must contain "{}" where the label goes, e.g. ${examples.template}.`,
      );
    }
  }
  return record;
}
