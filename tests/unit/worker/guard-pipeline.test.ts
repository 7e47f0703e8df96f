/**
 * guardPipeline on stand-ins with the shape of transformers.js 4.3.1's pipelines: the tokenizer's
 * `model_max_length` getter, `model.config`, `model.generate` and `_prepare_generation_config`.
 */
import { describe, expect, it } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import { guardPipeline } from '../../../src/worker/guard-pipeline.ts';
import type { LoadedPipeline } from '../../../src/worker/loaded-pipelines.ts';
import type { PositionConfig } from '../../../src/worker/model-limits.ts';

/** A tokenizer whose `model_max_length` is a prototype getter, as in transformers.js. */
class StandInTokenizer {
  constructor(readonly config: { model_max_length?: number }) {}
  get model_max_length(): number {
    return this.config.model_max_length ?? Infinity;
  }
}

function standIn(task: string, config: PositionConfig, tokenizerConfig: { model_max_length?: number }) {
  const generated: Record<string, unknown>[] = [];
  const model = {
    config,
    generation_config: { max_length: 20 },
    _prepare_generation_config(this: { generation_config: object }, _config: unknown, kwargs: Record<string, unknown>) {
      return { max_new_tokens: null, max_length: 20, min_length: 0, min_new_tokens: null, ...this.generation_config, ...kwargs };
    },
    generate: async (options: Record<string, unknown>) => void generated.push(options),
  };
  const tokenizer = new StandInTokenizer(tokenizerConfig);
  const calls: unknown[][] = [];
  const pipe = Object.assign(
    async (...args: unknown[]) => {
      calls.push(args);
      if (task === 'text-generation') await model.generate({ input_ids: { dims: [1, 1020] }, max_new_tokens: 256, ...(args[1] as object) });
      if (args[0] === 'explode') throw new Error('Input must be a string, an array of strings, a Chat, or an array of Chats');
      return [];
    },
    { task, model, tokenizer, dispose: async () => undefined },
  ) as unknown as LoadedPipeline;
  return { pipe, tokenizer, calls, generated };
}

describe('guardPipeline', () => {
  it("sets model_max_length from the model's positions when tokenizer_config.json has none", () => {
    const { pipe, tokenizer } = standIn(
      'text-classification',
      { model_type: 'roberta', max_position_embeddings: 514, pad_token_id: 1 },
      {},
    );
    guardPipeline(pipe);
    expect(tokenizer.model_max_length).toBe(512);
  });

  it('lowers a bogus model_max_length (1e30) to the positions, keeps a smaller one', () => {
    const bogus = standIn('feature-extraction', { model_type: 'bert', max_position_embeddings: 512 }, { model_max_length: 1e30 });
    guardPipeline(bogus.pipe);
    expect(bogus.tokenizer.model_max_length).toBe(512);
    const smaller = standIn('token-classification', { model_type: 'bert', max_position_embeddings: 512 }, { model_max_length: 128 });
    guardPipeline(smaller.pipe);
    expect(smaller.tokenizer.model_max_length).toBe(128);
  });

  it('never lets a generation pipeline cut its prompt, and refuses it in generate() before the model runs', async () => {
    const { pipe, tokenizer, generated } = standIn(
      'text-generation',
      { model_type: 'gpt2', n_positions: 1024 },
      { model_max_length: 1024 },
    );
    const guarded = guardPipeline(pipe);
    expect(tokenizer.model_max_length).toBe(Infinity);
    const error = await guarded('one two', { max_new_tokens: 8 }).catch((e: unknown) => e);
    expect(isInpageError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toContain('the prompt has 1020 tokens and maxNewTokens is 8');
    expect(generated).toEqual([]);
    await guarded('one two', { max_new_tokens: 4 });
    expect(generated).toHaveLength(1);
  });

  it('classifies a failure of the call with the stage known, and passes properties through', async () => {
    const { pipe, tokenizer } = standIn('text-classification', { model_type: 'bert', max_position_embeddings: 512 }, {});
    const guarded = guardPipeline(pipe);
    expect(guarded.tokenizer).toBe(tokenizer);
    expect(await guarded('fine')).toEqual([]);
    const error = await guarded('explode').catch((e: unknown) => e);
    expect(isInpageError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toMatch(/^Inference failed/);
  });
});
