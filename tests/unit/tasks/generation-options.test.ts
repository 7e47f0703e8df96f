import { describe, expect, it } from 'vitest';
import { checkGenerationOptions, generationOptionKeys, toGenerationKwargs } from '../../../src/tasks/generation-options.ts';
import type { GenerationOptions } from '../../../src/tasks/generation-options.ts';
import { expectRangeError, expectTypeError } from './helpers.ts';

const every: Required<GenerationOptions> = {
  maxNewTokens: 64,
  maxLength: 128,
  minLength: 2,
  minNewTokens: 1,
  doSample: true,
  temperature: 0.7,
  topK: 40,
  topP: 0.9,
  numBeams: 2,
  repetitionPenalty: 1.2,
  noRepeatNgramSize: 3,
};

describe('generation options', () => {
  it('maps every option to its snake_case name', () => {
    const { maxLength: _maxLength, ...withoutMaxLength } = every;
    expect(toGenerationKwargs(withoutMaxLength)).toEqual({
      max_new_tokens: 64,
      min_length: 2,
      min_new_tokens: 1,
      do_sample: true,
      temperature: 0.7,
      top_k: 40,
      top_p: 0.9,
      num_beams: 2,
      repetition_penalty: 1.2,
      no_repeat_ngram_size: 3,
    });
    expect(generationOptionKeys).toHaveLength(11);
  });

  it('leaves unset options out, and lets maxLength alone override the pipeline default max_new_tokens', () => {
    expect(toGenerationKwargs(undefined)).toEqual({});
    expect(toGenerationKwargs({ maxNewTokens: undefined, doSample: false })).toEqual({ do_sample: false });
    expect(toGenerationKwargs({ maxLength: 40 })).toEqual({ max_length: 40, max_new_tokens: null });
  });

  it('accepts valid values and the range edges', () => {
    expect(() => checkGenerationOptions('t', {})).not.toThrow();
    expect(() => checkGenerationOptions('t', { maxNewTokens: 1 })).not.toThrow();
    expect(() => checkGenerationOptions('t', { maxNewTokens: 4096, topP: 1, topK: 0, numBeams: 1, minLength: 0 })).not.toThrow();
    expect(() => checkGenerationOptions('t', { maxLength: 10, minLength: 10 })).not.toThrow();
  });

  it('throws RangeError for impossible values, naming the task and option', () => {
    expectRangeError(
      () => checkGenerationOptions('text-generation', { maxNewTokens: 0 }),
      'text-generation: option "maxNewTokens" must be an integer from 1 to 4096, got 0',
    );
    expectRangeError(() => checkGenerationOptions('t', { maxNewTokens: 4097 }), 'maxNewTokens');
    expectRangeError(() => checkGenerationOptions('t', { maxNewTokens: 1.5 }), 'maxNewTokens');
    expectRangeError(() => checkGenerationOptions('t', { temperature: 0 }), 'option "temperature" must be a number > 0');
    expectRangeError(() => checkGenerationOptions('t', { temperature: Number.NaN }), 'temperature');
    expectRangeError(() => checkGenerationOptions('t', { topP: 0 }), 'option "topP" must be a number > 0 and ≤ 1');
    expectRangeError(() => checkGenerationOptions('t', { topP: 1.1 }), 'topP');
    expectRangeError(() => checkGenerationOptions('t', { topK: -1 }), 'topK');
    expectRangeError(() => checkGenerationOptions('t', { numBeams: 0 }), 'numBeams');
    expectRangeError(() => checkGenerationOptions('t', { repetitionPenalty: 0 }), 'repetitionPenalty');
    expectRangeError(() => checkGenerationOptions('t', { noRepeatNgramSize: -2 }), 'noRepeatNgramSize');
    expectRangeError(
      () => checkGenerationOptions('t', { minNewTokens: 10, maxNewTokens: 5 }),
      '"minNewTokens" (10) is above "maxNewTokens" (5)',
    );
    expectRangeError(() => checkGenerationOptions('t', { minLength: 10, maxLength: 5 }), '"minLength" (10) is above "maxLength" (5)');
  });

  it('throws TypeError for wrong types and for conflicting limits', () => {
    expectTypeError(
      () => checkGenerationOptions('summarization', { maxNewTokens: '10' }),
      'summarization: option "maxNewTokens" must be a number',
    );
    expectTypeError(() => checkGenerationOptions('t', { doSample: 'true' }), 'option "doSample" must be a boolean');
    expectTypeError(() => checkGenerationOptions('t', { maxNewTokens: 10, maxLength: 20 }), 'either option "maxNewTokens" or "maxLength"');
  });
});
