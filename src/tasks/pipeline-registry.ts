/**
 * The worker's registry: the pipeline half of every task (transformers.js call, output
 * conversion, streamer setup), keyed like `tasks` in `registry.ts`. Only the worker imports it,
 * so the main bundle carries none of this code.
 * @module
 */
import { InpageError } from '../errors.ts';
import { featureExtractionPipeline } from './feature-extraction.ts';
import { fillMaskPipeline } from './fill-mask.ts';
import { questionAnsweringPipeline } from './question-answering.ts';
import { isTaskId, taskIds } from './registry.ts';
import type { TaskId, TaskInput, TaskOptions, TaskOutput } from './registry.ts';
import { summarizationPipeline } from './summarization.ts';
import type { AnyTaskPipeline, TaskPipeline } from './task.ts';
import { text2textGenerationPipeline } from './text2text-generation.ts';
import { textClassificationPipeline } from './text-classification.ts';
import { textGenerationPipeline } from './text-generation.ts';
import { tokenClassificationPipeline } from './token-classification.ts';
import { translationPipeline } from './translation.ts';
import { describeValue } from './validate.ts';
import { zeroShotClassificationPipeline } from './zero-shot-classification.ts';

/**
 * Every task pipeline by public task id, aliases included. Frozen.
 * @example
 * taskPipelines.ner === taskPipelines['token-classification']; // true
 */
export const taskPipelines = Object.freeze({
  'text-classification': textClassificationPipeline,
  'sentiment-analysis': textClassificationPipeline,
  'token-classification': tokenClassificationPipeline,
  ner: tokenClassificationPipeline,
  'feature-extraction': featureExtractionPipeline,
  translation: translationPipeline,
  summarization: summarizationPipeline,
  'text2text-generation': text2textGenerationPipeline,
  'text-generation': textGenerationPipeline,
  'fill-mask': fillMaskPipeline,
  'question-answering': questionAnsweringPipeline,
  'zero-shot-classification': zeroShotClassificationPipeline,
}) satisfies { readonly [K in TaskId]: TaskPipeline<TaskInput<K>, TaskOptions<K>, TaskOutput<K>> };

/**
 * The pipeline half of a task id.
 * @throws TypeError when `id` is not a string; InpageError `UNSUPPORTED_TASK` (listing the
 *   supported ids) when it is not a supported task.
 * @example
 * const pipeline: AnyTaskPipeline = getTaskPipeline(request.task);
 * const raw: unknown = await pipe(...pipeline.toPipelineArgs(input, options));
 * return pipeline.fromPipelineOutput(raw, input, options);
 */
export function getTaskPipeline<T extends TaskId>(id: T): (typeof taskPipelines)[T];
export function getTaskPipeline(id: string): AnyTaskPipeline;
export function getTaskPipeline(id: unknown): AnyTaskPipeline {
  if (typeof id !== 'string') throw new TypeError(`Task id must be a string, got ${describeValue(id)}.`);
  if (!isTaskId(id)) {
    throw new InpageError('UNSUPPORTED_TASK', `Unsupported task "${id}". Supported tasks: ${taskIds.join(', ')}.`);
  }
  return taskPipelines[id] as AnyTaskPipeline;
}
