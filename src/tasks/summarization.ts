/**
 * `summarization`: a shorter text for each text (encoder-decoder models such as BART or T5).
 * @module
 */
import type { GenerationOptions } from './generation-options.ts';
import { createTextToTextPipeline, createTextToTextTask } from './seq2seq.ts';
import type { TextToTextInput, TextToTextOutput } from './seq2seq.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

/**
 * A text, or several texts summarized in one call.
 * @example
 * const input: SummarizationInput = 'The tower is 324 metres tall, about the same height as an 81-storey building…';
 */
export type SummarizationInput = TextToTextInput;

/**
 * Options of summarization: the generation options.
 * @example
 * const options: SummarizationOptions = { maxNewTokens: 60, noRepeatNgramSize: 3 };
 */
export type SummarizationOptions = GenerationOptions;

/**
 * A summary for a string input, one summary per text for an array.
 * @example
 * type Out = SummarizationOutput<string>; // string
 */
export type SummarizationOutput<I = SummarizationInput> = TextToTextOutput<I>;

/**
 * Summarization, e.g. with `Xenova/distilbart-cnn-6-6`. Streamable (a single string).
 * @example
 * const summarizer = await client.load('summarization', 'Xenova/distilbart-cnn-6-6');
 * await summarizer.run(article, { maxNewTokens: 60 });
 * // 'The tower is 324 metres (1,063 ft) tall, about the same height as an 81-storey building.'
 */
export const summarizationTask = /* @__PURE__ */ createTextToTextTask<SummarizationOptions>({
  id: 'summarization',
  extraOptionKeys: [],
  checkExtraOptions: () => undefined,
});

/**
 * The worker half of summarization: transformers.js call and output conversion.
 * @example
 * summarizationPipeline.toPipelineArgs('A long article…', { maxNewTokens: 60 });
 * // ['A long article…', { max_new_tokens: 60 }]
 */
export const summarizationPipeline = /* @__PURE__ */ createTextToTextPipeline<SummarizationOptions>({
  id: 'summarization',
  outputKey: 'summary_text',
  extraKwargs: () => ({}),
});

/**
 * The types of summarization, for the task table: input, options, and the output a call's input and
 * options give.
 */
export interface SummarizationTypes extends TaskTypeSpec {
  readonly input: SummarizationInput;
  readonly options: SummarizationOptions;
  readonly output: SummarizationOutput<this['callInput']>;
}

/** summarization in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as SummarizationTypes,
  definition: summarizationTask,
  pipeline: summarizationPipeline,
});
