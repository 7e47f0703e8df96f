/**
 * `object-detection`: labelled, scored boxes of the objects in each image.
 * @module
 */
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';
import { checkImages } from './image-input.ts';
import { checkTransfer, imageCalls, imageCount, pipelineImages } from './image-task.ts';
import type { PerImage } from './image-task.ts';
import type { DecodedImages, ImagesInput, ImageTransferOption } from './image-types.ts';
import { perImage } from './pixel-output.ts';
import { readArray, readArrayOf, readNumber, readRecord, readString } from './raw-output.ts';
import type { LoadedParts, TaskDefinition, TaskPipeline } from './task.ts';
import { checkBoolean, checkNumber, checkOptions } from './validate.ts';

/**
 * An image, or several images (run one after the other: transformers.js detects in one image at
 * a time). See {@link ImageInput} for the kinds.
 * @example
 * const input: ObjectDetectionInput = fileInput.files[0];
 */
export type ObjectDetectionInput = ImagesInput;

/**
 * Options of object-detection.
 * @example
 * const options: ObjectDetectionOptions = { threshold: 0.5, percentage: true };
 */
export interface ObjectDetectionOptions extends ImageTransferOption {
  /**
   * The lowest score a detection may have to be returned, from 0 to 1.
   * @default 0.9 (as transformers.js)
   */
  threshold?: number;
  /**
   * Box coordinates as fractions of the image's width and height (0 to 1) instead of whole pixels.
   * @default false
   */
  percentage?: boolean;
}

/**
 * A box in the image: its left, top, right and bottom edges, in pixels from the top-left corner
 * (whole numbers, rounded towards 0), or in fractions of the image size with `percentage: true`.
 * @example
 * const box: BoundingBox = { xmin: 8, ymin: 16, xmax: 32, ymax: 28 }; // 24 × 12 pixels
 */
export interface BoundingBox {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

/**
 * One detected object.
 * @example
 * const cat: DetectedObject = { label: 'cat', score: 0.9984, box: { xmin: 331, ymin: 19, xmax: 649, ymax: 371 } };
 */
export interface DetectedObject {
  label: string;
  /** The label's probability, at least the call's `threshold`. */
  score: number;
  box: BoundingBox;
}

/**
 * For one image: its detected objects, in the model's query order. For an array: one list per image.
 * @example
 * type One = ObjectDetectionOutput<Blob>;    // DetectedObject[]
 * type Many = ObjectDetectionOutput<Blob[]>; // DetectedObject[][]
 */
export type ObjectDetectionOutput<I = ObjectDetectionInput> = PerImage<I, DetectedObject[]>;

const id = 'object-detection';
const optionKeys = ['threshold', 'percentage', 'transfer'] as const;

function pipelineOptions(options: ObjectDetectionOptions | undefined): { threshold: number; percentage: boolean } {
  return { threshold: options?.threshold ?? 0.9, percentage: options?.percentage ?? false };
}

/**
 * Object detection, e.g. with `Xenova/detr-resnet-50` (DETR, YOLOS, RT-DETR, D-FINE, … as transformers.js 4.3.1).
 * @example
 * const detector = await client.load('object-detection', 'Xenova/detr-resnet-50');
 * await detector.run(fileInput.files[0], { threshold: 0.9 });
 * // [{ label: 'remote', score: 0.9976, box: { xmin: 31, ymin: 68, xmax: 190, ymax: 118 } },
 * //  { label: 'cat', score: 0.9984, box: { xmin: 331, ymin: 19, xmax: 649, ymax: 371 } }]
 */
export const objectDetectionTask: TaskDefinition<ObjectDetectionInput, ObjectDetectionOptions, ObjectDetectionOutput> =
  /* @__PURE__ */ Object.freeze({
    id,
    pipelineTask: id,
    batchable: false,
    streamable: false,
    validate(input: unknown, options: unknown): asserts input is ObjectDetectionInput {
      checkImages(id, input);
      const record = checkOptions(id, options, optionKeys);
      checkNumber(id, 'threshold', record['threshold'], { min: 0, max: 1 });
      checkBoolean(id, 'percentage', record['percentage']);
      checkTransfer(id, record['transfer']);
    },
    ...imageCalls<ObjectDetectionOptions>(id),
  });

function readBox(raw: unknown): BoundingBox {
  const box = readRecord(id, raw, 'a box');
  return {
    xmin: readNumber(id, box, 'xmin'),
    ymin: readNumber(id, box, 'ymin'),
    xmax: readNumber(id, box, 'xmax'),
    ymax: readNumber(id, box, 'ymax'),
  };
}

function readObjects(raw: unknown): DetectedObject[] {
  return readArray(id, raw, 'the objects of an image').map((item) => {
    const object = readRecord(id, item, 'an object');
    return { label: readString(id, object, 'label'), score: readNumber(id, object, 'score'), box: readBox(object['box']) };
  });
}

function readOutput(raw: unknown, images: DecodedImages): ObjectDetectionOutput {
  const { count, many } = imageCount(images);
  return many ? readArrayOf(id, raw, count, 'one result per image').map(readObjects) : readObjects(raw);
}

/**
 * The worker half of object-detection: one transformers.js call per image, and output conversion.
 * @example
 * objectDetectionPipeline.toPipelineArgs(image, { threshold: 0.5 }); // [image, { threshold: 0.5, percentage: false }]
 */
export const objectDetectionPipeline: TaskPipeline<DecodedImages, ObjectDetectionOptions, ObjectDetectionOutput> =
  /* @__PURE__ */ Object.freeze({
    inputKind: 'image',
    toPipelineArgs: (images: DecodedImages, options?: ObjectDetectionOptions): unknown[] => [
      pipelineImages(images),
      pipelineOptions(options),
    ],
    fromPipelineOutput: (raw: unknown, images: DecodedImages): ObjectDetectionOutput => readOutput(raw, images),
    async run(
      pipe: LoadedParts,
      images: DecodedImages,
      options?: ObjectDetectionOptions,
      signal?: AbortSignal,
    ): Promise<ObjectDetectionOutput> {
      return readOutput(await perImage(pipe, images, (image) => [image, pipelineOptions(options)], signal), images);
    },
  });

/** The types of object-detection, for the task table. */
export interface ObjectDetectionTypes extends TaskTypeSpec {
  readonly input: ObjectDetectionInput;
  readonly pipelineInput: DecodedImages;
  readonly options: ObjectDetectionOptions;
  readonly output: ObjectDetectionOutput<this['callInput']>;
}

/** object-detection in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as ObjectDetectionTypes,
  definition: objectDetectionTask,
  pipeline: objectDetectionPipeline,
});
