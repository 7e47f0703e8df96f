/**
 * The common part of transformers.js's text-to-text pipelines (text2text-generation,
 * summarization, translation): input and output are one string per text, and options are
 * generation options plus a few task-specific ones.
 * @module
 */
import { InpageError } from '../errors.ts';
import { checkGenerationOptions, generationOptionKeys, toGenerationKwargs } from './generation-options.ts';
import type { GenerationOptions } from './generation-options.ts';
import { readArray, readRecord, readString } from './raw-output.ts';
import type { PerText, StreamableTask, StreamerOptions, StreamingPipeline } from './task.ts';
import { checkOptions, checkTexts, describeValue, unexpectedOutput } from './validate.ts';

/**
 * A text, or several texts processed in one call.
 * @example
 * const input: TextToTextInput = ['first text', 'second text'];
 */
export type TextToTextInput = string | readonly string[];

/**
 * One string for a string input, one string per text for an array.
 * @example
 * type Out = TextToTextOutput<string[]>; // string[]
 */
export type TextToTextOutput<I = TextToTextInput> = PerText<I, string>;

/** What distinguishes one text-to-text task from another on the main thread. */
export interface TextToTextSpec<Options extends GenerationOptions> {
  id: string;
  /** Options besides the generation options. */
  extraOptionKeys: readonly (keyof Options & string)[];
  /** Checks the extra options. */
  checkExtraOptions(record: Readonly<Record<string, unknown>>): void;
}

/** What distinguishes one text-to-text pipeline from another in the worker. */
export interface TextToTextPipelineSpec<Options extends GenerationOptions> {
  id: string;
  /** The field of transformers.js's output items that holds the text. */
  outputKey: 'generated_text' | 'summary_text' | 'translation_text';
  /** Maps the extra options to transformers.js kwargs. */
  extraKwargs(options: Options | undefined): Record<string, unknown>;
}

/**
 * The streamer setup of text-to-text and text-generation: one text only, special tokens left out.
 * @throws InpageError `INVALID_INPUT` for an array input (the same error `stream()` gives on the
 *   main thread: an array is a well-typed input that streaming cannot use).
 * @example
 * singleTextStreamer('summarization', 'A long article…', true); // { skip_prompt: true, skip_special_tokens: true }
 */
export function singleTextStreamer(task: string, input: string | readonly string[], skipPrompt: boolean): StreamerOptions {
  if (typeof input !== 'string') {
    throw new InpageError(
      'INVALID_INPUT',
      `${task}: stream() takes a single string (got ${describeValue(input)}); use run() for several texts.`,
    );
  }
  return { skip_prompt: skipPrompt, skip_special_tokens: true };
}

/**
 * Builds the main-thread half of a text-to-text task from its spec.
 * @example
 * export const summarizationTask = createTextToTextTask<SummarizationOptions>({
 *   id: 'summarization', extraOptionKeys: [], checkExtraOptions: () => undefined,
 * });
 */
export function createTextToTextTask<Options extends GenerationOptions>(
  spec: TextToTextSpec<Options>,
): StreamableTask<TextToTextInput, Options, TextToTextOutput> {
  const { id } = spec;
  const optionKeys = [...generationOptionKeys, ...spec.extraOptionKeys];
  return Object.freeze({
    id,
    pipelineTask: id,
    batchable: false,
    streamable: true,
    validate(input: unknown, options: unknown): asserts input is TextToTextInput {
      checkTexts(id, input);
      const record = checkOptions(id, options, optionKeys);
      checkGenerationOptions(id, record);
      spec.checkExtraOptions(record);
    },
  });
}

/**
 * Builds the worker half of a text-to-text task from its spec.
 * @example
 * export const summarizationPipeline = createTextToTextPipeline<SummarizationOptions>({
 *   id: 'summarization', outputKey: 'summary_text', extraKwargs: () => ({}),
 * });
 */
export function createTextToTextPipeline<Options extends GenerationOptions>(
  spec: TextToTextPipelineSpec<Options>,
): StreamingPipeline<TextToTextInput, Options, TextToTextOutput> {
  const { id, outputKey } = spec;
  return Object.freeze({
    toPipelineArgs(input: TextToTextInput, options?: Options): unknown[] {
      const kwargs = { ...toGenerationKwargs(options), ...spec.extraKwargs(options) };
      return [typeof input === 'string' ? input : [...input], kwargs];
    },
    fromPipelineOutput(raw: unknown, input: TextToTextInput): TextToTextOutput {
      // transformers.js returns a flat list of `{ [outputKey]: text }`, also for a single string;
      // a model whose generation config asks for several sequences gives them consecutively.
      const items = readArray(id, raw, 'the generated texts');
      const texts = typeof input === 'string' ? 1 : input.length;
      const perText = items.length / texts;
      if (items.length === 0 || !Number.isInteger(perText)) {
        throw unexpectedOutput(id, `${items.length} results for ${texts} texts`, raw);
      }
      const outputs = Array.from({ length: texts }, (_, index) =>
        readString(id, readRecord(id, items[index * perText], 'a result'), outputKey),
      );
      return typeof input === 'string' ? (outputs[0] ?? '') : outputs;
    },
    streamerOptions: (input: TextToTextInput) => singleTextStreamer(id, input, true),
  });
}
