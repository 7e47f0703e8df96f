/**
 * `image-classification`: labels and scores for each image.
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
import { checkInteger, checkOptions } from './validate.ts';

/**
 * An image, or several images classified in one inference (see {@link ImageInput} for the kinds).
 * @example
 * const input: ImageClassificationInput = [fileInput.files[0], canvas];
 */
export type ImageClassificationInput = ImagesInput;

/**
 * Options of image-classification.
 * @example
 * const options: ImageClassificationOptions = { topK: 3 };
 */
export interface ImageClassificationOptions extends ImageTransferOption {
  /**
   * How many labels to return per image, best first: an integer ≥ 1, or `null` for all labels.
   * @default 5 (as transformers.js)
   */
  topK?: number | null;
}

/**
 * One label and its probability (softmax over the model's labels).
 * @example
 * const best: ImageClassificationLabel = { label: 'tiger, Panthera tigris', score: 0.6327 };
 */
export interface ImageClassificationLabel {
  label: string;
  score: number;
}

/**
 * For one image: its labels sorted by score (at most `topK`). For an array: one such list per image.
 * @example
 * type One = ImageClassificationOutput<Blob>;    // ImageClassificationLabel[]
 * type Many = ImageClassificationOutput<Blob[]>; // ImageClassificationLabel[][]
 */
export type ImageClassificationOutput<I = ImageClassificationInput> = PerImage<I, ImageClassificationLabel[]>;

const id = 'image-classification';
const optionKeys = ['topK', 'transfer'] as const;

function resolveTopK(options: ImageClassificationOptions | undefined): number | null {
  return options?.topK === undefined ? 5 : options.topK;
}

/**
 * Image classification, e.g. with `Xenova/vit-base-patch16-224`.
 * @example
 * const classifier = await client.load('image-classification', 'Xenova/vit-base-patch16-224');
 * await classifier.run(fileInput.files[0], { topK: 2 });
 * // [{ label: 'tiger, Panthera tigris', score: 0.6327 }, { label: 'tiger cat', score: 0.3635 }]
 */
export const imageClassificationTask: TaskDefinition<ImageClassificationInput, ImageClassificationOptions, ImageClassificationOutput> =
  /* @__PURE__ */ Object.freeze({
    id,
    pipelineTask: id,
    batchable: false,
    streamable: false,
    validate(input: unknown, options: unknown): asserts input is ImageClassificationInput {
      checkImages(id, input);
      const record = checkOptions(id, options, optionKeys);
      if (record['topK'] !== null) checkInteger(id, 'topK', record['topK'], 1, Number.MAX_SAFE_INTEGER);
      checkTransfer(id, record['transfer']);
    },
    ...imageCalls<ImageClassificationOptions>(id),
  });

function readLabels(raw: unknown): ImageClassificationLabel[] {
  return readArray(id, raw, 'the labels of an image').map((item) => {
    const record = readRecord(id, item, 'a label');
    return { label: readString(id, record, 'label'), score: readNumber(id, record, 'score') };
  });
}

/**
 * The worker half of image-classification: transformers.js call and output conversion.
 * @example
 * imageClassificationPipeline.toPipelineArgs(image, { topK: null }); // [image, { top_k: null }]
 */
export const imageClassificationPipeline: TaskPipeline<DecodedImages, ImageClassificationOptions, ImageClassificationOutput> =
  /* @__PURE__ */ Object.freeze({
    inputKind: 'image',
    toPipelineArgs: (images: DecodedImages, options?: ImageClassificationOptions): unknown[] => [
      pipelineImages(images),
      { top_k: resolveTopK(options) },
    ],
    fromPipelineOutput(raw: unknown, images: DecodedImages): ImageClassificationOutput {
      const { count, many } = imageCount(images);
      return many ? readArrayOf(id, raw, count, 'one result per image').map(readLabels) : readLabels(raw);
    },
  });

/** The types of image-classification, for the task table. */
export interface ImageClassificationTypes extends TaskTypeSpec {
  readonly input: ImageClassificationInput;
  readonly pipelineInput: DecodedImages;
  readonly options: ImageClassificationOptions;
  readonly output: ImageClassificationOutput<this['callInput']>;
}

/** image-classification in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as ImageClassificationTypes,
  definition: imageClassificationTask,
  pipeline: imageClassificationPipeline,
});
