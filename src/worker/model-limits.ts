/**
 * How long a sequence a model can take, from its `config.json`, and the length checks of text
 * generation. Pure: plain config objects in, numbers or an `INVALID_INPUT` error out.
 * @module
 */
import { InpageError } from '../errors.ts';
import { MAX_NEW_TOKENS } from '../tasks/limits.ts';

/** The fields of a model's `config.json` that bound its sequence length. */
export interface PositionConfig {
  model_type?: unknown;
  is_encoder_decoder?: unknown;
  max_position_embeddings?: unknown;
  n_positions?: unknown;
  n_ctx?: unknown;
  max_source_positions?: unknown;
  max_target_positions?: unknown;
  pad_token_id?: unknown;
}

/**
 * Model types whose position ids start after the padding index (`padding_idx + 1`), as in
 * RoBERTa: their table has `max_position_embeddings` rows, of which `padding_idx + 1` are unusable
 * (514 rows, padding index 1: 512 tokens).
 */
const paddingOffsetTypes: ReadonlySet<string> = new Set([
  'roberta',
  'xlm-roberta',
  'xlm-roberta-xl',
  'camembert',
  'roberta-prelayernorm',
  'data2vec-text',
  'longformer',
  'mpnet',
  'ibert',
  'luke',
  'xmod',
  'esm',
  'markuplm',
  'layoutlmv3',
]);

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function tablePositions(config: PositionConfig, table: number | undefined): number | undefined {
  if (table === undefined) return undefined;
  const type = typeof config.model_type === 'string' ? config.model_type : '';
  if (!paddingOffsetTypes.has(type)) return table;
  const paddingIndex = typeof config.pad_token_id === 'number' && config.pad_token_id >= 0 ? config.pad_token_id : 1;
  const usable = table - (paddingIndex + 1);
  return usable > 0 ? usable : undefined;
}

/**
 * The most tokens a model's (encoder's) input can hold: `max_position_embeddings` or `n_positions`
 * (`max_source_positions` for an encoder-decoder that has it), minus `padding_idx + 1` for
 * RoBERTa-family models. `undefined` when the config names no limit.
 * @example
 * inputPositions({ model_type: 'bert', max_position_embeddings: 512 });                  // 512
 * inputPositions({ model_type: 'roberta', max_position_embeddings: 514, pad_token_id: 1 }); // 512
 * inputPositions({ model_type: 'gpt2', n_positions: 1024 });                              // 1024
 */
export function inputPositions(config: PositionConfig): number | undefined {
  const table =
    positive(config.max_source_positions) ??
    positive(config.max_position_embeddings) ??
    positive(config.n_positions) ??
    positive(config.n_ctx);
  return tablePositions(config, table);
}

/**
 * The most tokens a model can generate into, its prompt included for a decoder-only model:
 * `max_target_positions`, else the same table as {@link inputPositions}.
 * @example
 * outputPositions({ model_type: 'marian', is_encoder_decoder: true, max_position_embeddings: 512 }); // 512
 */
export function outputPositions(config: PositionConfig): number | undefined {
  const table =
    positive(config.max_target_positions) ??
    positive(config.max_position_embeddings) ??
    positive(config.n_positions) ??
    positive(config.n_ctx);
  return tablePositions(config, table);
}

/** The lengths of one `generate()` call, as transformers.js computes them. */
export interface GenerationLengths {
  /** The (longest) prompt's tokens: the encoder input of an encoder-decoder, the prompt of a decoder-only model. */
  promptTokens: number;
  /** `max_new_tokens` after defaults, `null` when `max_length` applies. */
  maxNewTokens: number | null;
  maxLength: number | null;
  minLength: number | null;
  minNewTokens: number | null;
}

/**
 * Refuses a generation that does not fit the model's positions, stating the token counts, instead
 * of letting transformers.js cut the prompt or run past the position table. Without a position
 * limit in the config, `maxLength` may add at most {@link MAX_NEW_TOKENS} tokens to the prompt.
 * @throws InpageError `INVALID_INPUT`.
 * @example
 * checkGenerationLengths('text-generation', { model_type: 'gpt2', n_positions: 1024 },
 *   { promptTokens: 1020, maxNewTokens: 8, maxLength: null, minLength: null, minNewTokens: null });
 * // InpageError INVALID_INPUT: text-generation: the prompt has 1020 tokens and maxNewTokens is 8: 1028 tokens
 * // do not fit the model's 1024 positions. Shorten the prompt or lower maxNewTokens.
 */
export function checkGenerationLengths(task: string, config: PositionConfig, lengths: GenerationLengths): void {
  const encoderDecoder = config.is_encoder_decoder === true;
  const input = inputPositions(config);
  const output = outputPositions(config);
  const { promptTokens, maxNewTokens, maxLength, minLength, minNewTokens } = lengths;
  const refuse = (detail: string): never => {
    throw new InpageError('INVALID_INPUT', `${task}: ${detail}`);
  };
  if (encoderDecoder && input !== undefined && promptTokens > input) {
    refuse(`the text has ${promptTokens} tokens; the model takes at most ${input}. Split the text first.`);
  }
  // What the output starts from: the prompt for a decoder-only model, one start token otherwise.
  const start = encoderDecoder ? 1 : promptTokens;
  const what = encoderDecoder ? 'the output starts with 1 token' : `the prompt has ${promptTokens} tokens`;
  if (maxNewTokens !== null) {
    if (output !== undefined && start + maxNewTokens > output) {
      refuse(
        `${what} and maxNewTokens is ${maxNewTokens}: ${start + maxNewTokens} tokens do not fit the model's ${output} positions. ` +
          (encoderDecoder ? 'Lower maxNewTokens.' : 'Shorten the prompt or lower maxNewTokens.'),
      );
    }
  } else if (maxLength !== null) {
    const most = output ?? start + MAX_NEW_TOKENS;
    if (maxLength > most) {
      refuse(
        output !== undefined
          ? `option "maxLength" (${maxLength}) is above the model's ${output} positions.`
          : `option "maxLength" (${maxLength}) would generate more than ${MAX_NEW_TOKENS} tokens after the ${start} of the prompt.`,
      );
    }
  }
  if (output !== undefined && minLength !== null && minLength > output) {
    refuse(`option "minLength" (${minLength}) is above the model's ${output} positions.`);
  }
  if (output !== undefined && minNewTokens !== null && minNewTokens > 0 && start + minNewTokens > output) {
    refuse(`${what} and minNewTokens is ${minNewTokens}: ${start + minNewTokens} tokens do not fit the model's ${output} positions.`);
  }
}
