/**
 * `text2text-generation`: an output text for each input text (encoder-decoder models such as
 * Flan-T5), following the instruction or prefix the text carries.
 * @module
 */
import type { GenerationOptions } from './generation-options.ts';
import { createTextToTextPipeline, createTextToTextTask } from './seq2seq.ts';
import type { TextToTextInput, TextToTextOutput } from './seq2seq.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

/**
 * A text, or several texts processed in one call.
 * @example
 * const input: Text2TextGenerationInput = 'Translate to German: How old are you?';
 */
export type Text2TextGenerationInput = TextToTextInput;

/**
 * Options of text2text-generation: the generation options.
 * @example
 * const options: Text2TextGenerationOptions = { maxNewTokens: 32 };
 */
export type Text2TextGenerationOptions = GenerationOptions;

/**
 * The generated text for a string input, one per text for an array.
 * @example
 * type Out = Text2TextGenerationOutput<string[]>; // string[]
 */
export type Text2TextGenerationOutput<I = Text2TextGenerationInput> = TextToTextOutput<I>;

/**
 * Text-to-text generation, e.g. with `Xenova/flan-t5-small`. Streamable (a single string).
 * @example
 * const generator = await client.load('text2text-generation', 'Xenova/flan-t5-small');
 * await generator.run('Translate to German: How old are you?');
 * // 'Wie alt sind Sie?'
 */
export const text2textGenerationTask = /* @__PURE__ */ createTextToTextTask<Text2TextGenerationOptions>({
  id: 'text2text-generation',
  extraOptionKeys: [],
  checkExtraOptions: () => undefined,
});

/**
 * The worker half of text2text-generation: transformers.js call and output conversion.
 * @example
 * text2textGenerationPipeline.toPipelineArgs('Translate to German: hi'); // ['Translate to German: hi', {}]
 */
export const text2textGenerationPipeline = /* @__PURE__ */ createTextToTextPipeline<Text2TextGenerationOptions>({
  id: 'text2text-generation',
  outputKey: 'generated_text',
  extraKwargs: () => ({}),
});

/**
 * The types of text2text-generation, for the task table: input, options, and the output a call's input and
 * options give.
 */
export interface Text2TextGenerationTypes extends TaskTypeSpec {
  readonly input: Text2TextGenerationInput;
  readonly options: Text2TextGenerationOptions;
  readonly output: Text2TextGenerationOutput<this['callInput']>;
}

/** text2text-generation in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as Text2TextGenerationTypes,
  definition: text2textGenerationTask,
  pipeline: text2textGenerationPipeline,
});
