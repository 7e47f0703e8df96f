/**
 * `text-generation`: a continuation of each prompt (decoder-only models such as GPT-2, Llama,
 * Qwen). Chat messages are out of scope: pass the prompt text, formatted as the model expects.
 * @module
 */
import { checkGenerationOptions, generationOptionKeys, toGenerationKwargs } from './generation-options.ts';
import type { GenerationOptions } from './generation-options.ts';
import { readArray, readArrayOf, readRecord, readString } from './raw-output.ts';
import { singleTextStreamer } from './seq2seq.ts';
import type { PerText, StreamableTask, StreamingPipeline } from './task.ts';
import { checkBoolean, checkOptions, checkTexts, unexpectedOutput } from './validate.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

/**
 * A prompt, or several prompts completed in one call.
 * @example
 * const input: TextGenerationInput = 'Once upon a time,';
 */
export type TextGenerationInput = string | readonly string[];

/**
 * Options of text-generation: the generation options and `returnFullText`.
 * @example
 * const options: TextGenerationOptions = { maxNewTokens: 50, doSample: true, temperature: 0.8 };
 */
export interface TextGenerationOptions extends GenerationOptions {
  /**
   * Return the prompt followed by the generated text, instead of the generated text only.
   * Unlike transformers.js (whose default is `true`), inpage defaults to `false`, so that the
   * pieces of `stream()` joined equal the output of `run()`.
   * @default false
   */
  returnFullText?: boolean;
}

/**
 * The generated text for a string input, one per prompt for an array.
 * @example
 * type Out = TextGenerationOutput<string>; // string
 */
export type TextGenerationOutput<I = TextGenerationInput> = PerText<I, string>;

const id = 'text-generation';
const optionKeys = [...generationOptionKeys, 'returnFullText'] as const;

/**
 * Text generation, e.g. with `onnx-community/Qwen2.5-0.5B-Instruct` or `Xenova/gpt2`.
 * Streamable (a single string).
 * @example
 * const generator = await client.load('text-generation', 'Xenova/gpt2');
 * await generator.run('Once upon a time,', { maxNewTokens: 8 });
 * // ' there was a little girl who lived in'
 * await generator.run('Once upon a time,', { maxNewTokens: 8, returnFullText: true });
 * // 'Once upon a time, there was a little girl who lived in'
 */
export const textGenerationTask: StreamableTask<TextGenerationInput, TextGenerationOptions, TextGenerationOutput> =
  /* @__PURE__ */ Object.freeze({
    id,
    pipelineTask: 'text-generation',
    batchable: false,
    streamable: true,
    validate(input: unknown, options: unknown): asserts input is TextGenerationInput {
      checkTexts(id, input);
      const record = checkOptions(id, options, optionKeys);
      checkGenerationOptions(id, record);
      checkBoolean(id, 'returnFullText', record['returnFullText']);
    },
  });

/** The first generated text of one prompt's `[{ generated_text }, …]`. */
function readFirst(raw: unknown): string {
  const [first] = readArray(id, raw, "one prompt's results");
  if (first === undefined) throw unexpectedOutput(id, 'no result for a prompt', raw);
  return readString(id, readRecord(id, first, 'a result'), 'generated_text');
}

/**
 * The worker half of text-generation: transformers.js call, output conversion and streamer setup.
 * @example
 * textGenerationPipeline.toPipelineArgs('Once upon a time,', { maxNewTokens: 8 });
 * // ['Once upon a time,', { max_new_tokens: 8, return_full_text: false }]
 */
export const textGenerationPipeline: StreamingPipeline<TextGenerationInput, TextGenerationOptions, TextGenerationOutput> =
  /* @__PURE__ */ Object.freeze({
    toPipelineArgs(input: TextGenerationInput, options?: TextGenerationOptions): unknown[] {
      const kwargs = { ...toGenerationKwargs(options), return_full_text: options?.returnFullText ?? false };
      return [typeof input === 'string' ? input : [...input], kwargs];
    },
    fromPipelineOutput(raw: unknown, input: TextGenerationInput): TextGenerationOutput {
      // transformers.js: `[{ generated_text }]` for a string, one such list per prompt for an array.
      if (typeof input === 'string') return readFirst(raw);
      return readArrayOf(id, raw, input.length, 'one list per prompt').map(readFirst);
    },
    streamerOptions: (input: TextGenerationInput, options?: TextGenerationOptions) =>
      singleTextStreamer(id, input, options?.returnFullText !== true),
  });

/**
 * The types of text-generation, for the task table: input, options, and the output a call's input and
 * options give.
 */
export interface TextGenerationTypes extends TaskTypeSpec {
  readonly input: TextGenerationInput;
  readonly options: TextGenerationOptions;
  readonly output: TextGenerationOutput<this['callInput']>;
}

/** text-generation in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as TextGenerationTypes,
  definition: textGenerationTask,
  pipeline: textGenerationPipeline,
});
