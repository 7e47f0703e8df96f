/**
 * `zero-shot-classification`: scores of labels chosen at call time, using an NLI model (each
 * label is tested as the hypothesis "This example is {label}.").
 * @module
 */
import { readArrayOf, readNumbers, readRecord, readString, readStrings } from './raw-output.ts';
import type { PerText, TaskDefinition, TaskPipeline } from './task.ts';
import { checkBoolean, checkTexts, checkZeroShotOptions, unexpectedOutput } from './validate.ts';
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';

/**
 * A text, or several texts classified in one call.
 * @example
 * const input: ZeroShotClassificationInput = 'I have a problem with my iphone that needs to be resolved asap!';
 */
export type ZeroShotClassificationInput = string | readonly string[];

/**
 * Options of zero-shot-classification; `candidateLabels` is required.
 * @example
 * const options: ZeroShotClassificationOptions = { candidateLabels: ['urgent', 'not urgent', 'phone'], multiLabel: true };
 */
export interface ZeroShotClassificationOptions {
  /** The labels to score (1 to 1024). Each costs one inference per text. */
  candidateLabels: readonly string[];
  /**
   * The hypothesis each label is put into; `{}` is replaced by the label.
   * @default 'This example is {}.'
   */
  hypothesisTemplate?: string;
  /**
   * Score each label on its own (entailment vs contradiction), so several can be true; otherwise
   * the scores are a softmax over the labels and add up to 1.
   * @default false
   */
  multiLabel?: boolean;
}

/**
 * The labels of one text sorted by score, best first.
 * @example
 * const result: ZeroShotClassification = { sequence: 'I love it', labels: ['positive', 'negative'], scores: [0.98, 0.02] };
 */
export interface ZeroShotClassification {
  /** The input text. */
  sequence: string;
  /** The candidate labels, best first. */
  labels: string[];
  /** The score of each label in `labels`, same order. */
  scores: number[];
}

/**
 * One classification for a string, one per text for an array.
 * @example
 * type Out = ZeroShotClassificationOutput<string[]>; // ZeroShotClassification[]
 */
export type ZeroShotClassificationOutput<I = ZeroShotClassificationInput> = PerText<I, ZeroShotClassification>;

const id = 'zero-shot-classification';
const optionKeys = ['candidateLabels', 'hypothesisTemplate', 'multiLabel'] as const;

/**
 * Zero-shot classification, e.g. with `Xenova/mobilebert-uncased-mnli`.
 * @example
 * const classifier = await client.load('zero-shot-classification', 'Xenova/mobilebert-uncased-mnli');
 * await classifier.run('I have a problem with my iphone that needs to be resolved asap!', {
 *   candidateLabels: ['urgent', 'not urgent', 'phone', 'tablet', 'computer'],
 *   multiLabel: true,
 * });
 * // { sequence: 'I have a problem with my iphone that needs to be resolved asap!',
 * //   labels: ['urgent', 'phone', 'computer', 'tablet', 'not urgent'],
 * //   scores: [0.9958, 0.9923, 0.0027, 0.0026, 0.0009] }
 */
export const zeroShotClassificationTask: TaskDefinition<
  ZeroShotClassificationInput,
  ZeroShotClassificationOptions,
  ZeroShotClassificationOutput
> = /* @__PURE__ */ Object.freeze({
  id,
  pipelineTask: 'zero-shot-classification',
  batchable: false,
  streamable: false,
  validate(input: unknown, options: unknown): asserts input is ZeroShotClassificationInput {
    checkTexts(id, input);
    const record = checkZeroShotOptions(id, options, optionKeys, {
      labels: "['positive', 'negative']",
      template: "'This text is about {}.'",
    });
    checkBoolean(id, 'multiLabel', record['multiLabel']);
  },
});

function readClassification(raw: unknown, text: string): ZeroShotClassification {
  const record = readRecord(id, raw, 'a classification');
  const labels = readStrings(id, record['labels'], 'labels');
  const scores = readNumbers(id, record['scores'], 'scores');
  if (labels.length !== scores.length) throw unexpectedOutput(id, `${labels.length} labels but ${scores.length} scores`, raw);
  // transformers.js echoes the text as `sequence`; keep the caller's text if it is missing.
  const sequence = typeof record['sequence'] === 'string' ? readString(id, record, 'sequence') : text;
  return { sequence, labels, scores };
}

/**
 * The worker half of zero-shot-classification: transformers.js call and output conversion.
 * @example
 * zeroShotClassificationPipeline.toPipelineArgs('I love it', { candidateLabels: ['positive', 'negative'] });
 * // ['I love it', ['positive', 'negative'], { hypothesis_template: 'This example is {}.', multi_label: false }]
 */
export const zeroShotClassificationPipeline: TaskPipeline<
  ZeroShotClassificationInput,
  ZeroShotClassificationOptions,
  ZeroShotClassificationOutput
> = /* @__PURE__ */ Object.freeze({
  toPipelineArgs(input: ZeroShotClassificationInput, options?: ZeroShotClassificationOptions): unknown[] {
    if (options === undefined) throw new TypeError(`${id}: option "candidateLabels" is required.`);
    const kwargs = { hypothesis_template: options.hypothesisTemplate ?? 'This example is {}.', multi_label: options.multiLabel ?? false };
    return [typeof input === 'string' ? input : [...input], [...options.candidateLabels], kwargs];
  },
  fromPipelineOutput(raw: unknown, input: ZeroShotClassificationInput): ZeroShotClassificationOutput {
    if (typeof input === 'string') return readClassification(raw, input);
    return readArrayOf(id, raw, input.length, 'one result per text').map((item, index) => readClassification(item, input[index] ?? ''));
  },
});

/**
 * The types of zero-shot-classification, for the task table: input, options, and the output a call's input and
 * options give.
 */
export interface ZeroShotClassificationTypes extends TaskTypeSpec {
  readonly input: ZeroShotClassificationInput;
  readonly options: ZeroShotClassificationOptions;
  readonly output: ZeroShotClassificationOutput<this['callInput']>;
}

/** zero-shot-classification in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as ZeroShotClassificationTypes,
  definition: zeroShotClassificationTask,
  pipeline: zeroShotClassificationPipeline,
});
