/**
 * Makes a transformers.js pipeline hold inpage's limits, and catches the input mistakes that
 * transformers.js would only find after running the model, before any ONNX Runtime call:
 * - truncation to the model's positions, also without `model_max_length` (see tasks/limits.ts);
 * - a generation prompt is never cut; one that does not fit is refused with both token counts;
 * - `maxLength`/`minLength` within the model's positions;
 * - fill-mask text without the mask token.
 * Failures of a call are classified (see classify-error.ts) with the stage known.
 * @module
 */
import { InpageError } from '../errors.ts';
import { classifyError } from './classify-error.ts';
import { checkGenerationLengths, inputPositions } from './model-limits.ts';
import type { GenerationLengths, PositionConfig } from './model-limits.ts';
import type { LoadedPipeline } from './loaded-pipelines.ts';

/** The parts of a transformers.js tokenizer the guard uses. */
interface TokenizerLike {
  (texts: string[], options: Record<string, unknown>): { input_ids: { tolist(): unknown[][] } };
  readonly model_max_length: number;
  readonly mask_token?: string | null;
  readonly mask_token_id?: number | null;
}

type Generate = (options: Record<string, unknown>) => Promise<unknown>;

/** The parts of a transformers.js model the guard uses. */
interface ModelLike {
  config: PositionConfig;
  generate?: Generate;
  _prepare_generation_config?: (config: unknown, kwargs: Record<string, unknown>) => Record<string, unknown>;
}

/** The transformers.js pipelines that generate text. */
const generationTasks: ReadonlySet<string> = new Set(['text-generation', 'text2text-generation', 'summarization', 'translation']);

/** Shadows the tokenizer's `model_max_length` getter (transformers.js reads it for every truncation). */
function setModelMaxLength(tokenizer: TokenizerLike, length: number): void {
  Object.defineProperty(tokenizer, 'model_max_length', { value: length, configurable: true, enumerable: false, writable: false });
}

function nullableNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Wraps `model.generate` so that lengths are checked before the first token (and the encoder) runs. */
function guardGeneration(task: string, model: ModelLike): void {
  const generate = model.generate;
  const prepare = model._prepare_generation_config;
  if (typeof generate !== 'function' || typeof prepare !== 'function') return;
  model.generate = function (this: ModelLike, options: Record<string, unknown>): Promise<unknown> {
    const { inputs, generation_config, ...kwargs } = options;
    // transformers.js's own merge of the model's generation config, the pipeline defaults and the
    // call's options (it picks only generation-config keys from `kwargs`).
    const config = prepare.call(this, generation_config ?? null, kwargs);
    const ids = (kwargs['input_ids'] ?? inputs) as { dims?: readonly number[] } | undefined;
    const lengths: GenerationLengths = {
      promptTokens: ids?.dims?.at(-1) ?? 0,
      maxNewTokens: nullableNumber(config['max_new_tokens']),
      maxLength: nullableNumber(config['max_length']),
      minLength: nullableNumber(config['min_length']),
      minNewTokens: nullableNumber(config['min_new_tokens']),
    };
    checkGenerationLengths(task, this.config, lengths);
    return generate.call(this, options);
  };
}

/** Refuses fill-mask texts whose tokens (after truncation) hold no mask token. */
function checkMaskTokens(tokenizer: TokenizerLike, input: unknown): void {
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? (input as string[]) : [];
  const { mask_token: mask, mask_token_id: maskId } = tokenizer;
  if (texts.length === 0 || typeof maskId !== 'number') return;
  const rows = tokenizer(texts, { padding: true, truncation: true }).input_ids.tolist();
  rows.forEach((row, index) => {
    if (row.some((id) => Number(id) === maskId)) return;
    const which = texts.length === 1 ? 'the text' : `text ${index}`;
    const text = texts[index] ?? '';
    throw new InpageError(
      'INVALID_INPUT',
      mask && text.includes(mask)
        ? `fill-mask: the mask token of ${which} comes after the model's ${tokenizer.model_max_length} tokens; move it nearer the start.`
        : `fill-mask: ${which} has no mask token; this model's mask token is ${JSON.stringify(mask ?? null)}.`,
    );
  });
}

/**
 * Applies inpage's limits to a freshly created pipeline and returns it, wrapped so that each call
 * is checked first and its failure classified.
 * @example
 * const pipe = guardPipeline((await pipeline('fill-mask', repo, options)) as unknown as LoadedPipeline);
 */
export function guardPipeline(pipe: LoadedPipeline): LoadedPipeline {
  const { task, model } = pipe as unknown as { task?: unknown; model?: ModelLike };
  const tokenizer = pipe.tokenizer as TokenizerLike | undefined;
  // transformers.js keeps a `translation_xx_to_yy` task name as given.
  const taskName = typeof task === 'string' ? (task.split('_', 1)[0] ?? task) : 'inference';
  const generates = generationTasks.has(taskName);
  const positions = model ? inputPositions(model.config) : undefined;
  if (tokenizer) {
    // A prompt is checked (and refused) whole in generate(), never cut; other inputs are cut to the positions.
    if (generates) setModelMaxLength(tokenizer, Infinity);
    else if (positions !== undefined && !(tokenizer.model_max_length <= positions)) setModelMaxLength(tokenizer, positions);
  }
  if (generates && model) guardGeneration(taskName, model);
  return new Proxy(pipe, {
    apply: async (target, thisArg, args: unknown[]) => {
      try {
        if (taskName === 'fill-mask' && tokenizer) checkMaskTokens(tokenizer, args[0]);
        return (await Reflect.apply(target, thisArg, args)) as unknown;
      } catch (error) {
        throw classifyError(error, 'Inference failed', 'run');
      }
    },
  });
}
