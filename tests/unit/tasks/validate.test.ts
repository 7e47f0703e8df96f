import { describe, expect, it } from 'vitest';
import {
  checkBoolean,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkTexts,
  describeValue,
  inputLimits,
  stableKey,
} from '../../../src/tasks/validate.ts';
import { expectInpageError, expectRangeError, expectTypeError } from './helpers.ts';

describe('checkOptions', () => {
  it('accepts undefined and known keys', () => {
    expect(checkOptions('t', undefined, ['a'])).toEqual({});
    expect(checkOptions('t', { a: 1 }, ['a'])).toEqual({ a: 1 });
    expect(checkOptions('t', { a: undefined }, ['a'])).toEqual({ a: undefined });
  });

  it('rejects non-objects with a TypeError naming the task', () => {
    expectTypeError(() => checkOptions('fill-mask', null, ['topK']), 'fill-mask', 'options must be an object', 'null');
    expectTypeError(() => checkOptions('fill-mask', [], ['topK']), 'an array');
    expectTypeError(() => checkOptions('fill-mask', 'topK', ['topK']), 'a string');
  });

  it('rejects unknown keys, listing the valid ones and suggesting the camelCase name', () => {
    expectTypeError(
      () => checkOptions('fill-mask', { top_k: 3 }, ['topK']),
      'unknown option "top_k"',
      'did you mean "topK"',
      'Valid options: topK',
    );
    expectTypeError(() => checkOptions('fill-mask', { topk: 3 }, ['topK']), 'did you mean "topK"');
    expectTypeError(() => checkOptions('t', { color: 'red' }, ['a', 'b']), 'unknown option "color". Valid options: a, b.');
  });
});

describe('checkTexts', () => {
  it('accepts a string and a non-empty array of strings', () => {
    expect(() => checkTexts('t', '')).not.toThrow();
    expect(() => checkTexts('t', ['a', 'b'])).not.toThrow();
  });

  it('rejects other types with a TypeError', () => {
    expectTypeError(
      () => checkTexts('text-classification', 42),
      'text-classification: input must be a string or an array of strings, got a number (42)',
    );
    expectTypeError(() => checkTexts('t', undefined), 'got undefined');
    expectTypeError(() => checkTexts('t', ['a', 1]), 'input[1] must be a string');
  });

  it('rejects unusable input with INVALID_INPUT', () => {
    expectInpageError(() => checkTexts('t', []), 'INVALID_INPUT', 'input is empty');
    expectInpageError(() => checkTexts('t', 'x'.repeat(inputLimits.maxTextLength + 1)), 'INVALID_INPUT', 'the limit is 100000');
    expectInpageError(() => checkTexts('t', ['ok', 'x'.repeat(inputLimits.maxTextLength + 1)]), 'INVALID_INPUT', 'input[1]');
    expectInpageError(
      () =>
        checkTexts(
          't',
          Array.from({ length: inputLimits.maxItems + 1 }, () => 'a'),
        ),
      'INVALID_INPUT',
      '1025 items',
    );
  });

  it('accepts exactly the limits', () => {
    expect(() => checkTexts('t', 'x'.repeat(inputLimits.maxTextLength))).not.toThrow();
    expect(() =>
      checkTexts(
        't',
        Array.from({ length: inputLimits.maxItems }, () => 'a'),
      ),
    ).not.toThrow();
  });
});

describe('number, boolean and enum checks', () => {
  it('checkInteger: TypeError for a non-number, RangeError out of range or fractional', () => {
    expect(() => checkInteger('t', 'n', undefined, 1, 5)).not.toThrow();
    expect(() => checkInteger('t', 'n', 5, 1, 5)).not.toThrow();
    expectTypeError(() => checkInteger('t', 'n', '3', 1, 5), 'option "n" must be a number');
    expectRangeError(() => checkInteger('t', 'n', 0, 1, 5), 'option "n" must be an integer from 1 to 5, got 0');
    expectRangeError(() => checkInteger('t', 'n', 2.5, 1, 5), 'got 2.5');
    expectRangeError(() => checkInteger('t', 'n', Number.NaN, 1, Number.MAX_SAFE_INTEGER), 'an integer ≥ 1');
  });

  it('checkNumber: bounds, exclusive bounds, finiteness', () => {
    expect(() => checkNumber('t', 'p', 1, { min: 0, minExclusive: true, max: 1 })).not.toThrow();
    expectRangeError(() => checkNumber('t', 'p', 0, { min: 0, minExclusive: true, max: 1 }), 'must be a number > 0 and ≤ 1, got 0');
    expectRangeError(() => checkNumber('t', 'p', Infinity, { min: 0 }), 'got Infinity');
    expectTypeError(() => checkNumber('t', 'p', null, {}), 'got null');
  });

  it('checkBoolean and checkOneOf: TypeError', () => {
    expect(() => checkBoolean('t', 'b', false)).not.toThrow();
    expectTypeError(() => checkBoolean('t', 'b', 'yes'), 'option "b" must be a boolean, got a string ("yes")');
    expect(() => checkOneOf('t', 'e', 'a', ['a', 'b'])).not.toThrow();
    expectTypeError(() => checkOneOf('t', 'e', 'c', ['a', 'b']), "must be one of 'a', 'b'");
  });
});

describe('helpers', () => {
  it('describeValue is short and specific', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue([])).toBe('an array');
    expect(describeValue({})).toBe('an object');
    expect(describeValue(3n)).toBe('a bigint (3)');
    expect(describeValue('x'.repeat(50))).toBe('a string');
    expect(describeValue(() => 1)).toBe('a function');
  });

  it('stableKey ignores key order, keeps array order', () => {
    expect(stableKey({ b: 1, a: { d: [1, 2], c: null } })).toBe(stableKey({ a: { c: null, d: [1, 2] }, b: 1 }));
    expect(stableKey({ a: [1, 2] })).not.toBe(stableKey({ a: [2, 1] }));
  });
});
