/**
 * `text-classification` (alias `sentiment-analysis`): labels and scores for each text.
 * @module
 */
import { joinPerText, splitPerText, textItems } from './batching.ts';
import { readArray, readArrayOf, readNumber, readRecord, readString } from './raw-output.ts';
import type { BatchableTask, PerText, TaskPipeline } from './task.ts';
import { checkInteger, checkOptions, checkTexts, stableKey } from './validate.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

/**
 * A text, or several texts classified in one call.
 * @example
 * const input: TextClassificationInput = ['I love it', 'I hate it'];
 */
export type TextClassificationInput = string | readonly string[];

/**
 * Options of text-classification.
 * @example
 * const options: TextClassificationOptions = { topK: null }; // every label, best first
 */
export interface TextClassificationOptions {
  /**
   * How many labels to return per text, best first: an integer ≥ 1, or `null` for all labels.
   * @default 1
   */
  topK?: number | null;
}

/**
 * One label and its probability.
 * @example
 * const best: TextClassificationLabel = { label: 'POSITIVE', score: 0.9998 };
 */
export interface TextClassificationLabel {
  label: string;
  /** Probability in [0, 1] (softmax, or sigmoid for multi-label models). */
  score: number;
}

/**
 * For a string: its labels sorted by score (length `topK`). For an array: one such list per text.
 * @example
 * type One = TextClassificationOutput<string>;     // TextClassificationLabel[]
 * type Many = TextClassificationOutput<string[]>;  // TextClassificationLabel[][]
 */
export type TextClassificationOutput<I = TextClassificationInput> = PerText<I, TextClassificationLabel[]>;

const id = 'text-classification';
const optionKeys = ['topK'] as const;

function resolveTopK(options: TextClassificationOptions | undefined): number | null {
  return options?.topK === undefined ? 1 : options.topK;
}

/**
 * Text classification, e.g. sentiment analysis with
 * `Xenova/distilbert-base-uncased-finetuned-sst-2-english`. Batchable.
 * @example
 * const sentiment = await client.load('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english');
 * await sentiment.run('I love transformers!');
 * // [{ label: 'POSITIVE', score: 0.999788761138916 }]
 * await sentiment.run(['Great', 'Awful'], { topK: null });
 * // [[{ label: 'POSITIVE', score: 0.9998 }, { label: 'NEGATIVE', score: 0.0002 }],
 * //  [{ label: 'NEGATIVE', score: 0.9997 }, { label: 'POSITIVE', score: 0.0003 }]]
 */
export const textClassificationTask: BatchableTask<
  TextClassificationInput,
  TextClassificationOptions,
  TextClassificationOutput,
  TextClassificationLabel[]
> = /* @__PURE__ */ Object.freeze({
  id,
  pipelineTask: 'text-classification',
  batchable: true,
  streamable: false,
  validate(input: unknown, options: unknown): asserts input is TextClassificationInput {
    checkTexts(id, input);
    const record = checkOptions(id, options, optionKeys);
    if (record['topK'] !== null) checkInteger(id, 'topK', record['topK'], 1, Number.MAX_SAFE_INTEGER);
  },
  canBatch: () => true,
  batchKey: (options?: TextClassificationOptions) => stableKey({ topK: resolveTopK(options) }),
  toItems: textItems,
  batchInput: (items: readonly string[]) => [...items],
  splitOutput: (output: TextClassificationOutput, count: number) => splitPerText<TextClassificationLabel[]>(id, output, count),
  joinItems: (items: readonly TextClassificationLabel[][], input: TextClassificationInput) =>
    joinPerText<TextClassificationLabel[]>(id, items, input),
});

function readLabel(raw: unknown): TextClassificationLabel {
  const record = readRecord(id, raw, 'a label');
  return { label: readString(id, record, 'label'), score: readNumber(id, record, 'score') };
}

function readLabels(raw: unknown): TextClassificationLabel[] {
  return readArray(id, raw, 'the labels of a text').map(readLabel);
}

/**
 * The worker half of text-classification: transformers.js call and output conversion.
 * @example
 * textClassificationPipeline.toPipelineArgs(['a', 'b'], { topK: null }); // [['a', 'b'], { top_k: null }]
 */
export const textClassificationPipeline: TaskPipeline<TextClassificationInput, TextClassificationOptions, TextClassificationOutput> =
  /* @__PURE__ */ Object.freeze({
    toPipelineArgs(input: TextClassificationInput, options?: TextClassificationOptions): unknown[] {
      return [typeof input === 'string' ? input : [...input], { top_k: resolveTopK(options) }];
    },
    fromPipelineOutput(raw: unknown, input: TextClassificationInput, options?: TextClassificationOptions): TextClassificationOutput {
      // transformers.js: a string gives a flat list of labels; an array gives one label per text
      // when top_k is 1, else one list per text.
      if (typeof input === 'string') return readLabels(raw);
      const perText = readArrayOf(id, raw, input.length, 'one result per text');
      return resolveTopK(options) === 1 ? perText.map((label) => [readLabel(label)]) : perText.map(readLabels);
    },
  });

/**
 * The types of text-classification, for the task table: input, options, and the output a call's input and
 * options give.
 */
export interface TextClassificationTypes extends TaskTypeSpec {
  readonly input: TextClassificationInput;
  readonly options: TextClassificationOptions;
  readonly output: TextClassificationOutput<this['callInput']>;
}

/** text-classification in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as TextClassificationTypes,
  definition: textClassificationTask,
  pipeline: textClassificationPipeline,
});
