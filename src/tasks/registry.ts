/**
 * The registry of supported tasks, keyed by public task id (aliases included), and the types
 * that map a task id to its input, options and output.
 * @module
 */
import { InpageError } from '../errors.ts';
import { featureExtractionTask } from './feature-extraction.ts';
import type { FeatureExtractionInput, FeatureExtractionOptions, FeatureExtractionOutput } from './feature-extraction.ts';
import { fillMaskTask } from './fill-mask.ts';
import type { FillMaskInput, FillMaskOptions, FillMaskOutput } from './fill-mask.ts';
import { questionAnsweringTask } from './question-answering.ts';
import type { QuestionAnsweringInput, QuestionAnsweringOptions, QuestionAnsweringOutput } from './question-answering.ts';
import { summarizationTask } from './summarization.ts';
import type { SummarizationInput, SummarizationOptions, SummarizationOutput } from './summarization.ts';
import type { AnyTaskDefinition, TaskDefinition } from './task.ts';
import { text2textGenerationTask } from './text2text-generation.ts';
import type { Text2TextGenerationInput, Text2TextGenerationOptions, Text2TextGenerationOutput } from './text2text-generation.ts';
import { textClassificationTask } from './text-classification.ts';
import type { TextClassificationInput, TextClassificationOptions, TextClassificationOutput } from './text-classification.ts';
import { textGenerationTask } from './text-generation.ts';
import type { TextGenerationInput, TextGenerationOptions, TextGenerationOutput } from './text-generation.ts';
import { tokenClassificationTask } from './token-classification.ts';
import type { TokenClassificationInput, TokenClassificationOptions, TokenClassificationOutput } from './token-classification.ts';
import { translationTask } from './translation.ts';
import type { TranslationInput, TranslationOptions, TranslationOutput } from './translation.ts';
import { describeValue } from './validate.ts';
import { zeroShotClassificationTask } from './zero-shot-classification.ts';
import type {
  ZeroShotClassificationInput,
  ZeroShotClassificationOptions,
  ZeroShotClassificationOutput,
} from './zero-shot-classification.ts';

/**
 * The precise output of each task for an input type `I` and options type `O` (e.g. a single
 * string gives one result, `aggregationStrategy: 'simple'` gives entity groups).
 * @example
 * type Out = TaskOutputMap<string, { topK: 3 }>['question-answering']; // QuestionAnswer[]
 */
export interface TaskOutputMap<I, O> {
  'text-classification': TextClassificationOutput<I>;
  'sentiment-analysis': TextClassificationOutput<I>;
  'token-classification': TokenClassificationOutput<I, O>;
  ner: TokenClassificationOutput<I, O>;
  'feature-extraction': FeatureExtractionOutput<O>;
  translation: TranslationOutput<I>;
  summarization: SummarizationOutput<I>;
  'text2text-generation': Text2TextGenerationOutput<I>;
  'text-generation': TextGenerationOutput<I>;
  'fill-mask': FillMaskOutput<I>;
  'question-answering': QuestionAnsweringOutput<O>;
  'zero-shot-classification': ZeroShotClassificationOutput<I>;
}

/**
 * Every public task id (aliases included) → its input, options and output types. `output` is
 * the general form (a union where input or options decide); {@link TaskOutput} narrows it.
 * @example
 * type Labels = TaskTypes['sentiment-analysis']['output']; // TextClassificationLabel[] | TextClassificationLabel[][]
 */
export interface TaskTypes {
  'text-classification': { input: TextClassificationInput; options: TextClassificationOptions; output: TextClassificationOutput };
  'sentiment-analysis': TaskTypes['text-classification'];
  'token-classification': { input: TokenClassificationInput; options: TokenClassificationOptions; output: TokenClassificationOutput };
  ner: TaskTypes['token-classification'];
  'feature-extraction': { input: FeatureExtractionInput; options: FeatureExtractionOptions; output: FeatureExtractionOutput };
  translation: { input: TranslationInput; options: TranslationOptions; output: TranslationOutput };
  summarization: { input: SummarizationInput; options: SummarizationOptions; output: SummarizationOutput };
  'text2text-generation': {
    input: Text2TextGenerationInput;
    options: Text2TextGenerationOptions;
    output: Text2TextGenerationOutput;
  };
  'text-generation': { input: TextGenerationInput; options: TextGenerationOptions; output: TextGenerationOutput };
  'fill-mask': { input: FillMaskInput; options: FillMaskOptions; output: FillMaskOutput };
  'question-answering': { input: QuestionAnsweringInput; options: QuestionAnsweringOptions; output: QuestionAnsweringOutput };
  'zero-shot-classification': {
    input: ZeroShotClassificationInput;
    options: ZeroShotClassificationOptions;
    output: ZeroShotClassificationOutput;
  };
}

/**
 * A supported public task id.
 * @example
 * const task: TaskId = 'sentiment-analysis';
 */
export type TaskId = keyof TaskTypes;

/**
 * The input type of a task.
 * @example
 * type QA = TaskInput<'question-answering'>; // QuestionAnsweringInput
 */
export type TaskInput<T extends TaskId> = TaskTypes[T]['input'];

/**
 * The options type of a task.
 * @example
 * type Ner = TaskOptions<'ner'>; // TokenClassificationOptions
 */
export type TaskOptions<T extends TaskId> = TaskTypes[T]['options'];

/**
 * The output type of a task, narrowed by the input type `I` and options type `O` when given.
 * @example
 * type A = TaskOutput<'text-generation', string>;                         // string
 * type B = TaskOutput<'ner', string[], { aggregationStrategy: 'simple' }>; // EntityGroup[][]
 * type C = TaskOutput<'feature-extraction', string, { pooling: 'mean' }>; // FeatureExtractionTensor<Float32Array>
 */
export type TaskOutput<T extends TaskId, I = TaskInput<T>, O = TaskOptions<T>> = TaskOutputMap<I, O>[T];

/**
 * `O` with every key that is not an option of task `T` turned into `never`, so that a typo in an
 * options object literal fails to compile even where `O` is inferred (generic `run()` signatures,
 * where TypeScript's excess-property check does not apply).
 * @example
 * declare function run<T extends TaskId, const O extends TaskOptions<T>>(task: T, input: TaskInput<T>, options?: ExactOptions<T, O>): void;
 * run('zero-shot-classification', 'text', { candidateLabels: ['a'], multilabel: true }); // error: multilabel
 */
export type ExactOptions<T extends TaskId, O> = O & { [K in Exclude<keyof O, keyof TaskOptions<T>>]: never };

/**
 * Every task module by public task id, aliases included (`'sentiment-analysis'` is
 * text-classification, `'ner'` is token-classification). Frozen.
 * @example
 * tasks['sentiment-analysis'] === tasks['text-classification']; // true
 */
export const tasks = Object.freeze({
  'text-classification': textClassificationTask,
  'sentiment-analysis': textClassificationTask,
  'token-classification': tokenClassificationTask,
  ner: tokenClassificationTask,
  'feature-extraction': featureExtractionTask,
  translation: translationTask,
  summarization: summarizationTask,
  'text2text-generation': text2textGenerationTask,
  'text-generation': textGenerationTask,
  'fill-mask': fillMaskTask,
  'question-answering': questionAnsweringTask,
  'zero-shot-classification': zeroShotClassificationTask,
}) satisfies { readonly [K in TaskId]: TaskDefinition<TaskInput<K>, TaskOptions<K>, TaskOutput<K>> };

/**
 * The ids of the tasks that support `stream()`.
 * @example
 * const id: StreamableTaskId = 'text-generation';
 */
export type StreamableTaskId = { [K in TaskId]: (typeof tasks)[K] extends { readonly streamable: true } ? K : never }[TaskId];

/**
 * The ids of the tasks whose calls can be coalesced into batches.
 * @example
 * const id: BatchableTaskId = 'feature-extraction';
 */
export type BatchableTaskId = { [K in TaskId]: (typeof tasks)[K] extends { readonly batchable: true } ? K : never }[TaskId];

/**
 * Every supported task id, aliases included, in registry order.
 * @example
 * taskIds.includes('ner'); // true
 */
export const taskIds: readonly TaskId[] = Object.freeze(Object.keys(tasks) as TaskId[]);

/**
 * Type guard: is `value` a supported task id?
 * @example
 * if (!isTaskId(name)) showUnsupported(name);
 */
export function isTaskId(value: unknown): value is TaskId {
  return typeof value === 'string' && Object.hasOwn(tasks, value);
}

/**
 * The task module of a task id.
 * @throws TypeError when `id` is not a string; InpageError `UNSUPPORTED_TASK` (listing the
 *   supported ids) when it is not a supported task.
 * @example
 * const task: AnyTaskDefinition = getTask(request.task); // explicit type: `validate` is an assertion
 * task.validate(request.input, request.options);
 */
export function getTask<T extends TaskId>(id: T): (typeof tasks)[T];
export function getTask(id: string): AnyTaskDefinition;
export function getTask(id: unknown): AnyTaskDefinition {
  if (typeof id !== 'string') throw new TypeError(`Task id must be a string, got ${describeValue(id)}.`);
  if (!isTaskId(id)) {
    throw new InpageError('UNSUPPORTED_TASK', `Unsupported task "${id}". Supported tasks: ${taskIds.join(', ')}.`);
  }
  return tasks[id];
}
