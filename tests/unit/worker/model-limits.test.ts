import { describe, expect, it } from 'vitest';
import { MAX_NEW_TOKENS } from '../../../src/tasks/limits.ts';
import { checkGenerationLengths, inputPositions, outputPositions } from '../../../src/worker/model-limits.ts';
import type { GenerationLengths } from '../../../src/worker/model-limits.ts';
import { expectInpageError } from '../tasks/helpers.ts';

const gpt2 = { model_type: 'gpt2', n_positions: 1024, n_ctx: 1024 };
const marian = { model_type: 'marian', is_encoder_decoder: true, max_position_embeddings: 512 };
const lengths = (partial: Partial<GenerationLengths>): GenerationLengths => ({
  promptTokens: 10,
  maxNewTokens: null,
  maxLength: null,
  minLength: null,
  minNewTokens: null,
  ...partial,
});

describe('model positions from config.json (truncation without model_max_length)', () => {
  it('reads max_position_embeddings, then n_positions', () => {
    expect(inputPositions({ model_type: 'bert', max_position_embeddings: 512 })).toBe(512);
    expect(inputPositions({ model_type: 'distilbert', max_position_embeddings: 512 })).toBe(512);
    expect(inputPositions(gpt2)).toBe(1024);
    expect(inputPositions({ model_type: 'llama', max_position_embeddings: 131072 })).toBe(131072);
  });

  it('subtracts padding_idx + 1 for RoBERTa-family models (514 rows, padding index 1: 512 tokens)', () => {
    expect(inputPositions({ model_type: 'roberta', max_position_embeddings: 514, pad_token_id: 1 })).toBe(512);
    expect(inputPositions({ model_type: 'xlm-roberta', max_position_embeddings: 514, pad_token_id: 1 })).toBe(512);
    expect(inputPositions({ model_type: 'camembert', max_position_embeddings: 514 })).toBe(512);
    expect(inputPositions({ model_type: 'mpnet', max_position_embeddings: 514, pad_token_id: 1 })).toBe(512);
    // BART's offset is inside its table: 1024 positions usable.
    expect(inputPositions({ model_type: 'bart', is_encoder_decoder: true, max_position_embeddings: 1024, pad_token_id: 1 })).toBe(1024);
  });

  it('has no limit when the config names none, and ignores nonsense', () => {
    expect(inputPositions({ model_type: 'bloom' })).toBeUndefined();
    expect(inputPositions({ model_type: 'bert', max_position_embeddings: '512' })).toBeUndefined();
    expect(inputPositions({ model_type: 'bert', max_position_embeddings: 0 })).toBeUndefined();
  });

  it('uses max_source_positions / max_target_positions where an encoder-decoder has them', () => {
    const whisperLike = { model_type: 'whisper', is_encoder_decoder: true, max_source_positions: 1500, max_target_positions: 448 };
    expect(inputPositions(whisperLike)).toBe(1500);
    expect(outputPositions(whisperLike)).toBe(448);
    expect(outputPositions(marian)).toBe(512);
  });
});

describe('generation lengths', () => {
  it('refuses a prompt that does not fit with maxNewTokens, stating both token counts', () => {
    expectInpageError(
      () => checkGenerationLengths('text-generation', gpt2, lengths({ promptTokens: 1020, maxNewTokens: 8 })),
      'INVALID_INPUT',
      'the prompt has 1020 tokens and maxNewTokens is 8',
      "1028 tokens do not fit the model's 1024 positions",
    );
    expect(() => checkGenerationLengths('text-generation', gpt2, lengths({ promptTokens: 1016, maxNewTokens: 8 }))).not.toThrow();
  });

  it('refuses a prompt longer than the positions on its own (the default 256 new tokens count too)', () => {
    expectInpageError(
      () => checkGenerationLengths('text-generation', gpt2, lengths({ promptTokens: 2000, maxNewTokens: 256 })),
      'INVALID_INPUT',
      'the prompt has 2000 tokens',
    );
  });

  it('bounds maxLength and minLength by the positions', () => {
    expectInpageError(
      () => checkGenerationLengths('text-generation', gpt2, lengths({ maxLength: 5000 })),
      'INVALID_INPUT',
      'option "maxLength" (5000)',
      '1024 positions',
    );
    expect(() => checkGenerationLengths('text-generation', gpt2, lengths({ maxLength: 1024 }))).not.toThrow();
    expectInpageError(
      () => checkGenerationLengths('text-generation', gpt2, lengths({ maxNewTokens: 8, minLength: 1025 })),
      'INVALID_INPUT',
      'option "minLength" (1025)',
    );
  });

  it('without positions in the config, maxLength may add at most MAX_NEW_TOKENS to the prompt: generation always ends', () => {
    const bloom = { model_type: 'bloom' };
    expect(() =>
      checkGenerationLengths('text-generation', bloom, lengths({ promptTokens: 10, maxLength: 10 + MAX_NEW_TOKENS })),
    ).not.toThrow();
    expectInpageError(
      () => checkGenerationLengths('text-generation', bloom, lengths({ promptTokens: 10, maxLength: Number.MAX_SAFE_INTEGER })),
      'INVALID_INPUT',
      `more than ${MAX_NEW_TOKENS} tokens`,
    );
  });

  it('for an encoder-decoder: refuses a text longer than the encoder positions, and counts the output from one start token', () => {
    expectInpageError(
      () => checkGenerationLengths('translation', marian, lengths({ promptTokens: 600, maxNewTokens: 16 })),
      'INVALID_INPUT',
      'the text has 600 tokens; the model takes at most 512',
    );
    expect(() => checkGenerationLengths('translation', marian, lengths({ promptTokens: 500, maxNewTokens: 511 }))).not.toThrow();
    expectInpageError(
      () => checkGenerationLengths('translation', marian, lengths({ promptTokens: 5, maxNewTokens: 512 })),
      'INVALID_INPUT',
      'maxNewTokens is 512',
    );
  });
});
