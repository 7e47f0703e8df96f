import { describe, expect, it } from 'vitest';
import { MAX_CHARS_PER_INFERENCE, MAX_ITEMS_PER_INFERENCE, MAX_NEW_TOKENS } from '../../../src/index.ts';
import { loadTask } from '../../../src/tasks/registry.ts';
import { checkGenerationOptions } from '../../../src/tasks/generation-options.ts';
import { checkTextList, checkTexts } from '../../../src/tasks/validate.ts';
import { expectRangeError, expectTypeError } from './helpers.ts';

describe('limits', () => {
  it('are exported constants', () => {
    expect(MAX_ITEMS_PER_INFERENCE).toBe(256);
    expect(MAX_CHARS_PER_INFERENCE).toBe(262_144);
    expect(MAX_NEW_TOKENS).toBe(4096);
  });

  it('refuse sparse arrays: a hole is not a string', async () => {
    expectTypeError(() => checkTexts('text-classification', new Array(5)), 'input[0] must be a string, got undefined');
    // eslint-disable-next-line no-sparse-arrays -- the point of the test
    expectTypeError(() => checkTexts('feature-extraction', ['a', , 'c']), 'input[1] must be a string');
    expectTypeError(() => checkTextList('zero-shot-classification', new Array(2), 'option "candidateLabels"'), 'candidateLabels"[0]');
    const sentiment = (await loadTask('sentiment-analysis')).definition;
    const generation = (await loadTask('text-generation')).definition;
    expectTypeError(() => sentiment.validate(new Array(3), undefined), 'input[0]');
    expectTypeError(() => generation.validate(new Array(1), undefined), 'input[0]');
  });

  it('bound maxNewTokens and minNewTokens by MAX_NEW_TOKENS', () => {
    expect(() => checkGenerationOptions('text-generation', { maxNewTokens: MAX_NEW_TOKENS })).not.toThrow();
    expectRangeError(() => checkGenerationOptions('text-generation', { maxNewTokens: MAX_NEW_TOKENS + 1 }), 'maxNewTokens');
    expectRangeError(() => checkGenerationOptions('text-generation', { minNewTokens: MAX_NEW_TOKENS + 1 }), 'minNewTokens');
  });
});
