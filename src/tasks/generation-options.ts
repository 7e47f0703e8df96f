/**
 * Generation options shared by the text generation tasks (translation, summarization,
 * text2text-generation, text-generation): their types, range checks and snake_case mapping.
 * @module
 */
import { MAX_NEW_TOKENS } from './limits.ts';
import { checkBoolean, checkInteger, checkNumber } from './validate.ts';
import type { NumberBounds } from './validate.ts';

/**
 * How text is generated. Every field is optional; unset fields keep the model's
 * `generation_config.json` value, then transformers.js's default.
 * @example
 * const options: GenerationOptions = { maxNewTokens: 64, doSample: true, temperature: 0.7, topK: 40 };
 */
export interface GenerationOptions {
  /**
   * Most tokens to generate, not counting the prompt. Integer from 1 to {@link MAX_NEW_TOKENS}
   * (4096). The prompt and these tokens must fit the model's positions together: a prompt that
   * does not fit is refused with `INVALID_INPUT`, never cut.
   * @default 256 (the transformers.js pipeline default)
   */
  maxNewTokens?: number;
  /**
   * Most tokens in the whole output sequence (for decoder-only models, the prompt included).
   * Integer ≥ 1, at most the model's positions (`max_position_embeddings` / `n_positions`;
   * `INVALID_INPUT` beyond). Set either this or `maxNewTokens`, not both.
   */
  maxLength?: number;
  /**
   * Fewest tokens in the whole output sequence (end-of-sequence is suppressed before). Integer ≥ 0,
   * at most the model's positions (`INVALID_INPUT` beyond).
   */
  minLength?: number;
  /** Fewest tokens to generate, not counting the prompt. Integer from 0 to {@link MAX_NEW_TOKENS} (4096). */
  minNewTokens?: number;
  /**
   * Sample the next token instead of taking the most likely one.
   * @default false
   */
  doSample?: boolean;
  /** Sampling temperature (> 0; only used when `doSample` is true). Lower is more deterministic. */
  temperature?: number;
  /** Sample only among the `topK` most likely tokens (integer ≥ 0; 0 disables the limit). */
  topK?: number;
  /**
   * Nucleus sampling: keep the most likely tokens whose probabilities add up to `topP`, in (0, 1].
   * Passed through, but transformers.js 4.3.1 does not apply it yet.
   */
  topP?: number;
  /**
   * Number of beams (integer from 1 to 64). transformers.js 4.3.1 keeps only the best beam at
   * each step, so values above 1 currently act like greedy search.
   */
  numBeams?: number;
  /** Penalty for tokens already generated (> 0; 1 means none, above 1 discourages repetition). */
  repetitionPenalty?: number;
  /** Forbid repeating any n-gram of this size (integer ≥ 0; 0 disables). */
  noRepeatNgramSize?: number;
}

/** The snake_case generation kwargs passed to a transformers.js text pipeline. */
export type GenerationKwargs = Record<string, number | boolean | null>;

type Rule = { kind: 'integer'; min: number; max: number } | { kind: 'number'; bounds: NumberBounds } | { kind: 'boolean' };

const unbounded = Number.MAX_SAFE_INTEGER;

/** Each option's accepted values. */
const generationOptionRules: Readonly<Record<keyof GenerationOptions, Rule>> = {
  maxNewTokens: { kind: 'integer', min: 1, max: MAX_NEW_TOKENS },
  // Bounded by the model's positions, which only the worker knows (worker/model-limits.ts).
  maxLength: { kind: 'integer', min: 1, max: unbounded },
  minLength: { kind: 'integer', min: 0, max: unbounded },
  minNewTokens: { kind: 'integer', min: 0, max: MAX_NEW_TOKENS },
  doSample: { kind: 'boolean' },
  temperature: { kind: 'number', bounds: { min: 0, minExclusive: true } },
  topK: { kind: 'integer', min: 0, max: unbounded },
  topP: { kind: 'number', bounds: { min: 0, minExclusive: true, max: 1 } },
  numBeams: { kind: 'integer', min: 1, max: 64 },
  repetitionPenalty: { kind: 'number', bounds: { min: 0, minExclusive: true } },
  noRepeatNgramSize: { kind: 'integer', min: 0, max: unbounded },
};

/** Each option's transformers.js name (a table of its own: only the worker needs it). */
const pipelineKeys: Readonly<Record<keyof GenerationOptions, string>> = {
  maxNewTokens: 'max_new_tokens',
  maxLength: 'max_length',
  minLength: 'min_length',
  minNewTokens: 'min_new_tokens',
  doSample: 'do_sample',
  temperature: 'temperature',
  topK: 'top_k',
  topP: 'top_p',
  numBeams: 'num_beams',
  repetitionPenalty: 'repetition_penalty',
  noRepeatNgramSize: 'no_repeat_ngram_size',
};

/**
 * The keys of {@link GenerationOptions}, for `checkOptions`'s list of valid keys.
 * @example
 * checkOptions('summarization', options, generationOptionKeys);
 */
export const generationOptionKeys: readonly (keyof GenerationOptions)[] = Object.freeze(
  Object.keys(generationOptionRules) as (keyof GenerationOptions)[],
);

/**
 * Checks the generation options of an options record (other keys are left to the caller).
 * @throws TypeError for a wrong type or for both `maxNewTokens` and `maxLength`; RangeError for a
 *   value out of range or a minimum above its maximum.
 * @example
 * checkGenerationOptions('text-generation', { maxNewTokens: 0 });
 * // RangeError: text-generation: option "maxNewTokens" must be an integer from 1 to 4096, got 0.
 */
export function checkGenerationOptions(task: string, options: Readonly<Record<string, unknown>>): void {
  for (const key of generationOptionKeys) {
    const value = options[key];
    const rule = generationOptionRules[key];
    if (rule.kind === 'integer') checkInteger(task, key, value, rule.min, rule.max);
    else if (rule.kind === 'number') checkNumber(task, key, value, rule.bounds);
    else checkBoolean(task, key, value);
  }
  const { maxNewTokens, maxLength, minNewTokens, minLength } = options as GenerationOptions;
  if (maxNewTokens !== undefined && maxLength !== undefined) {
    throw new TypeError(`${task}: set either option "maxNewTokens" or "maxLength", not both.`);
  }
  if (minNewTokens !== undefined && maxNewTokens !== undefined && minNewTokens > maxNewTokens) {
    throw new RangeError(`${task}: option "minNewTokens" (${minNewTokens}) is above "maxNewTokens" (${maxNewTokens}).`);
  }
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
    throw new RangeError(`${task}: option "minLength" (${minLength}) is above "maxLength" (${maxLength}).`);
  }
}

/**
 * Maps generation options to transformers.js kwargs. Unset options are left out. `maxLength`
 * alone also sends `max_new_tokens: null`, because the pipelines' default `max_new_tokens: 256`
 * would otherwise take precedence over it.
 * @example
 * toGenerationKwargs({ maxNewTokens: 20, doSample: true }); // { max_new_tokens: 20, do_sample: true }
 * toGenerationKwargs({ maxLength: 40 }); // { max_length: 40, max_new_tokens: null }
 */
export function toGenerationKwargs(options: GenerationOptions | undefined): GenerationKwargs {
  const kwargs: GenerationKwargs = {};
  if (options === undefined) return kwargs;
  for (const key of generationOptionKeys) {
    const value = options[key];
    if (value !== undefined) kwargs[pipelineKeys[key]] = value;
  }
  if (options.maxLength !== undefined && options.maxNewTokens === undefined) kwargs['max_new_tokens'] = null;
  return kwargs;
}
