/**
 * `zero-shot-image-classification`: scores of labels chosen at call time, with a CLIP-style model
 * (each label is put into a sentence, and the text and image embeddings compared).
 * @module
 */
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';
import { checkImages } from './image-input.ts';
import { checkTransfer, imageCalls, imageCount, pipelineImages } from './image-task.ts';
import type { PerImage } from './image-task.ts';
import type { DecodedImages, ImagesInput, ImageTransferOption } from './image-types.ts';
import { readArray, readArrayOf, readNumber, readRecord, readString } from './raw-output.ts';
import type { TaskDefinition, TaskPipeline } from './task.ts';
import { checkZeroShotOptions } from './validate.ts';

/**
 * An image, or several images scored against the same labels in one inference.
 * @example
 * const input: ZeroShotImageClassificationInput = 'https://example.com/tiger.jpg';
 */
export type ZeroShotImageClassificationInput = ImagesInput;

/**
 * Options of zero-shot-image-classification; `candidateLabels` is required.
 * @example
 * const options: ZeroShotImageClassificationOptions = { candidateLabels: ['tiger', 'horse', 'dog'] };
 */
export interface ZeroShotImageClassificationOptions extends ImageTransferOption {
  /** The labels to score (1 to 1024). */
  candidateLabels: readonly string[];
  /**
   * The sentence each label is put into; `{}` is replaced by the label.
   * @default 'This is a photo of {}'
   */
  hypothesisTemplate?: string;
}

/**
 * One candidate label and its score (softmax over the candidate labels).
 * @example
 * const best: ZeroShotImageLabel = { label: 'tiger', score: 0.9994 };
 */
export interface ZeroShotImageLabel {
  label: string;
  score: number;
}

/**
 * For one image: every candidate label, best first. For an array: one such list per image.
 * @example
 * type Many = ZeroShotImageClassificationOutput<Blob[]>; // ZeroShotImageLabel[][]
 */
export type ZeroShotImageClassificationOutput<I = ZeroShotImageClassificationInput> = PerImage<I, ZeroShotImageLabel[]>;

const id = 'zero-shot-image-classification';
const optionKeys = ['candidateLabels', 'hypothesisTemplate', 'transfer'] as const;
const defaultTemplate = 'This is a photo of {}';

/**
 * Zero-shot image classification, e.g. with `Xenova/clip-vit-base-patch32`.
 * @example
 * const clip = await client.load('zero-shot-image-classification', 'Xenova/clip-vit-base-patch32');
 * await clip.run(imageElement, { candidateLabels: ['tiger', 'horse', 'dog'] });
 * // [{ label: 'tiger', score: 0.9994 }, { label: 'horse', score: 0.0004 }, { label: 'dog', score: 0.0003 }]
 */
export const zeroShotImageClassificationTask: TaskDefinition<
  ZeroShotImageClassificationInput,
  ZeroShotImageClassificationOptions,
  ZeroShotImageClassificationOutput
> = /* @__PURE__ */ Object.freeze({
  id,
  pipelineTask: id,
  batchable: false,
  streamable: false,
  validate(input: unknown, options: unknown): asserts input is ZeroShotImageClassificationInput {
    checkImages(id, input);
    const record = checkZeroShotOptions(id, options, optionKeys, { labels: "['cat', 'dog']", template: "'a photo of {}'" });
    checkTransfer(id, record['transfer']);
  },
  ...imageCalls<ZeroShotImageClassificationOptions>(id),
});

function readLabels(raw: unknown): ZeroShotImageLabel[] {
  return readArray(id, raw, 'the labels of an image').map((item) => {
    const record = readRecord(id, item, 'a label');
    return { label: readString(id, record, 'label'), score: readNumber(id, record, 'score') };
  });
}

/**
 * The worker half of zero-shot-image-classification: transformers.js call and output conversion.
 * @example
 * zeroShotImageClassificationPipeline.toPipelineArgs(image, { candidateLabels: ['cat', 'dog'] });
 * // [image, ['cat', 'dog'], { hypothesis_template: 'This is a photo of {}' }]
 */
export const zeroShotImageClassificationPipeline: TaskPipeline<
  DecodedImages,
  ZeroShotImageClassificationOptions,
  ZeroShotImageClassificationOutput
> = /* @__PURE__ */ Object.freeze({
  inputKind: 'image',
  toPipelineArgs(images: DecodedImages, options?: ZeroShotImageClassificationOptions): unknown[] {
    if (options === undefined) throw new TypeError(`${id}: option "candidateLabels" is required.`);
    return [pipelineImages(images), [...options.candidateLabels], { hypothesis_template: options.hypothesisTemplate ?? defaultTemplate }];
  },
  fromPipelineOutput(raw: unknown, images: DecodedImages): ZeroShotImageClassificationOutput {
    const { count, many } = imageCount(images);
    return many ? readArrayOf(id, raw, count, 'one result per image').map(readLabels) : readLabels(raw);
  },
});

/** The types of zero-shot-image-classification, for the task table. */
export interface ZeroShotImageClassificationTypes extends TaskTypeSpec {
  readonly input: ZeroShotImageClassificationInput;
  readonly pipelineInput: DecodedImages;
  readonly options: ZeroShotImageClassificationOptions;
  readonly output: ZeroShotImageClassificationOutput<this['callInput']>;
}

/** zero-shot-image-classification in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as ZeroShotImageClassificationTypes,
  definition: zeroShotImageClassificationTask,
  pipeline: zeroShotImageClassificationPipeline,
});
