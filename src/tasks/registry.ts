/**
 * The task table: one line per supported task, keyed by Hub task id, with its aliases. Every task
 * id, input, options and output type is derived from it, and each task's module loads on demand
 * (on the main thread at the first `load()` of that task, in the worker at its first use).
 *
 * A new task is one module (`src/tasks/<hub-task-id>.ts`, exporting `task = defineTask(…)`) plus
 * one line below.
 * @module
 */
import type { OutputFor } from './define-task.ts';
import { defineTaskTable } from './task-table.ts';
import type { LoadedTask, TableIdsWith, TableModule, TableTaskId, TableTypes } from './task-table.ts';

/**
 * Every supported task by Hub task id: its module's loader and its aliases. Frozen.
 * @example
 * const { definition } = await taskTable.load('sentiment-analysis'); // text-classification
 */
export const taskTable = defineTaskTable({
  'text-classification': { load: () => import('./text-classification.ts'), aliases: ['sentiment-analysis'] },
  'token-classification': { load: () => import('./token-classification.ts'), aliases: ['ner'] },
  'feature-extraction': { load: () => import('./feature-extraction.ts') },
  'object-detection': { load: () => import('./object-detection.ts') },
  'image-segmentation': { load: () => import('./image-segmentation.ts') },
  'background-removal': { load: () => import('./background-removal.ts') },
  translation: { load: () => import('./translation.ts') },
  summarization: { load: () => import('./summarization.ts') },
  'text2text-generation': { load: () => import('./text2text-generation.ts') },
  'text-generation': { load: () => import('./text-generation.ts') },
  'fill-mask': { load: () => import('./fill-mask.ts') },
  'question-answering': { load: () => import('./question-answering.ts') },
  'zero-shot-classification': { load: () => import('./zero-shot-classification.ts') },
  'image-classification': { load: () => import('./image-classification.ts') },
  'zero-shot-image-classification': { load: () => import('./zero-shot-image-classification.ts') },
  'image-feature-extraction': { load: () => import('./image-feature-extraction.ts') },
  // audio
  'automatic-speech-recognition': { load: () => import('./automatic-speech-recognition.ts'), aliases: ['asr'] },
  'audio-classification': { load: () => import('./audio-classification.ts') },
  'image-to-text': { load: () => import('./image-to-text.ts') },
});

type Entries = typeof taskTable.entries;

/**
 * A supported public task id (aliases included).
 * @example
 * const task: TaskId = 'sentiment-analysis';
 */
export type TaskId = TableTaskId<Entries>;

/**
 * The input type of a task.
 * @example
 * type QA = TaskInput<'question-answering'>; // QuestionAnsweringInput
 */
export type TaskInput<T extends TaskId> = TableTypes<Entries, T>['input'];

/**
 * The options type of a task.
 * @example
 * type Ner = TaskOptions<'ner'>; // TokenClassificationOptions
 */
export type TaskOptions<T extends TaskId> = TableTypes<Entries, T>['options'];

/**
 * The output type of a task, narrowed by the input type `I` and options type `O` when given.
 * @example
 * type A = TaskOutput<'text-generation', string>;                         // string
 * type B = TaskOutput<'ner', string[], { aggregationStrategy: 'simple' }>; // EntityGroup[][]
 * type C = TaskOutput<'feature-extraction', string, { pooling: 'mean' }>; // FeatureExtractionTensor<Float32Array>
 */
export type TaskOutput<T extends TaskId, I = TaskInput<T>, O = TaskOptions<T>> = OutputFor<TableTypes<Entries, T>, I, O>;

/**
 * The precise output of each task for an input type `I` and options type `O`.
 * @example
 * type Out = TaskOutputMap<string, { topK: 3 }>['question-answering']; // QuestionAnswer[]
 */
export type TaskOutputMap<I, O> = { [K in TaskId]: TaskOutput<K, I, O> };

/**
 * Every public task id → its input, options and general output types.
 * @example
 * type Labels = TaskTypes['sentiment-analysis']['output']; // TextClassificationLabel[] | TextClassificationLabel[][]
 */
export type TaskTypes = { [K in TaskId]: { input: TaskInput<K>; options: TaskOptions<K>; output: TaskOutput<K> } };

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
 * The ids of the tasks that support `stream()`.
 * @example
 * const id: StreamableTaskId = 'text-generation';
 */
export type StreamableTaskId = TableIdsWith<Entries, 'streamable'>;

/**
 * The ids of the tasks whose calls can be coalesced into batches.
 * @example
 * const id: BatchableTaskId = 'feature-extraction';
 */
export type BatchableTaskId = TableIdsWith<Entries, 'batchable'>;

/** The loaded module of a task id (both halves, typed for that task). */
export type TaskModuleOf<T extends TaskId> = TableModule<Entries, T>;

/**
 * Every supported task id, aliases included, in table order.
 * @example
 * taskIds.includes('ner'); // true
 */
export const taskIds: readonly TaskId[] = taskTable.ids;

/**
 * Type guard: is `value` a supported task id?
 * @example
 * if (!isTaskId(name)) showUnsupported(name);
 */
export function isTaskId(value: unknown): value is TaskId {
  return taskTable.has(value);
}

/**
 * Checks a task id from a caller or from the wire, without loading its module.
 * @throws TypeError when `id` is not a string; InpageError `UNSUPPORTED_TASK` (listing the
 *   supported ids) when it is not a supported task.
 * @example
 * const task = checkTaskId(request.task);
 */
export function checkTaskId(id: unknown): TaskId {
  return taskTable.check(id);
}

/**
 * Loads a task's module (once per realm): its main-thread and worker halves.
 * @throws the errors of {@link checkTaskId}; InpageError `NETWORK` when its code could not be fetched.
 * @example
 * const { definition, pipeline } = await loadTask('ner');
 */
export function loadTask<T extends TaskId>(id: T): Promise<TaskModuleOf<T>>;
export function loadTask(id: unknown): Promise<LoadedTask>;
export function loadTask(id: unknown): Promise<LoadedTask> {
  return taskTable.load(id);
}
