/**
 * `image-segmentation`: the segments of each image, each with its label, score and pixel mask.
 * @module
 */
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';
import { checkImages } from './image-input.ts';
import { checkTransfer, imageCalls, imageCount, pipelineImages } from './image-task.ts';
import type { PerImage } from './image-task.ts';
import type { DecodedImages, ImagesInput, ImageTransferOption } from './image-types.ts';
import { perImage, readPixels } from './pixel-output.ts';
import type { PixelBuffer } from './pixel-output.ts';
import { readArray, readArrayOf, readRecord } from './raw-output.ts';
import type { LoadedParts, TaskDefinition, TaskPipeline } from './task.ts';
import { checkInteger, checkNumber, checkOptions, describeValue, unexpectedOutput } from './validate.ts';

/**
 * An image, or several images (run one after the other: transformers.js segments one image at a
 * time). See {@link ImageInput} for the kinds.
 * @example
 * const input: ImageSegmentationInput = canvas;
 */
export type ImageSegmentationInput = ImagesInput;

/**
 * Options of image-segmentation. The kind of segmentation is the first the model's processor
 * supports, in transformers.js's order: panoptic, instance, semantic (transformers.js 4.3.1 fails
 * when it is named explicitly, so inpage does not offer it). `threshold`, `maskThreshold`,
 * `overlapMaskAreaThreshold` and `labelIdsToFuse` apply to panoptic and instance models only.
 * @example
 * const options: ImageSegmentationOptions = { threshold: 0.9 };
 */
export interface ImageSegmentationOptions extends ImageTransferOption {
  /**
   * The lowest score a segment may have to be returned, from 0 to 1.
   * @default 0.5
   */
  threshold?: number;
  /**
   * The probability from which a pixel belongs to a segment's mask, from 0 to 1.
   * @default 0.5
   */
  maskThreshold?: number;
  /**
   * The share of a segment's pixels that must survive overlaps with other segments for it to be kept, from 0 to 1.
   * @default 0.8
   */
  overlapMaskAreaThreshold?: number;
  /**
   * Label ids whose segments are merged into one (e.g. all "sky" regions), panoptic only.
   * @default []
   */
  labelIdsToFuse?: readonly number[];
}

/**
 * A segment's mask: one byte per pixel, 255 in the segment and 0 outside, at the image's size.
 * Its buffer is transferred from the worker, never copied.
 * @example
 * const inside = mask.data[y * mask.width + x] === 255;
 */
export type SegmentMask = PixelBuffer;

/**
 * One segment.
 * @example
 * const sky: ImageSegment = { label: 'sky', score: null, mask: { data: new Uint8ClampedArray(512 * 512), width: 512, height: 512 } };
 */
export interface ImageSegment {
  /** The segment's label; `null` for models without labels. */
  label: string | null;
  /** The segment's score (panoptic and instance models); `null` for semantic segmentation. */
  score: number | null;
  mask: SegmentMask;
}

/**
 * For one image: its segments. For an array: one list per image.
 * @example
 * type One = ImageSegmentationOutput<Blob>;    // ImageSegment[]
 * type Many = ImageSegmentationOutput<Blob[]>; // ImageSegment[][]
 */
export type ImageSegmentationOutput<I = ImageSegmentationInput> = PerImage<I, ImageSegment[]>;

const id = 'image-segmentation';
const optionKeys = ['threshold', 'maskThreshold', 'overlapMaskAreaThreshold', 'labelIdsToFuse', 'transfer'] as const;

function pipelineOptions(options: ImageSegmentationOptions | undefined): Record<string, unknown> {
  return {
    threshold: options?.threshold ?? 0.5,
    mask_threshold: options?.maskThreshold ?? 0.5,
    overlap_mask_area_threshold: options?.overlapMaskAreaThreshold ?? 0.8,
    label_ids_to_fuse: options?.labelIdsToFuse ? [...options.labelIdsToFuse] : null,
  };
}

/**
 * Image segmentation, e.g. semantic with `Xenova/segformer-b0-finetuned-ade-512-512` or panoptic
 * with `Xenova/detr-resnet-50-panoptic`.
 * @example
 * const segmenter = await client.load('image-segmentation', 'Xenova/detr-resnet-50-panoptic');
 * await segmenter.run(fileInput.files[0]);
 * // [{ label: 'remote', score: 0.9985, mask: { data: Uint8ClampedArray(307200), width: 640, height: 480 } },
 * //  { label: 'cat', score: 0.9994, mask: { data: Uint8ClampedArray(307200), width: 640, height: 480 } }]
 */
export const imageSegmentationTask: TaskDefinition<ImageSegmentationInput, ImageSegmentationOptions, ImageSegmentationOutput> =
  /* @__PURE__ */ Object.freeze({
    id,
    pipelineTask: id,
    batchable: false,
    streamable: false,
    validate(input: unknown, options: unknown): asserts input is ImageSegmentationInput {
      checkImages(id, input);
      const record = checkOptions(id, options, optionKeys);
      for (const name of ['threshold', 'maskThreshold', 'overlapMaskAreaThreshold'])
        checkNumber(id, name, record[name], { min: 0, max: 1 });
      const fuse = record['labelIdsToFuse'];
      if (fuse !== undefined && !Array.isArray(fuse)) {
        throw new TypeError(`${id}: option "labelIdsToFuse" must be an array of label ids, got ${describeValue(fuse)}.`);
      }
      for (const labelId of (fuse ?? []) as unknown[]) checkInteger(id, 'labelIdsToFuse', labelId, 0, Number.MAX_SAFE_INTEGER);
      checkTransfer(id, record['transfer']);
    },
    ...imageCalls<ImageSegmentationOptions>(id),
  });

function readNullable<T>(value: unknown, type: 'string' | 'number', what: string): T | null {
  if (value === null || typeof value === type) return value as T | null;
  throw unexpectedOutput(id, `${what} should be a ${type} or null`, value);
}

function readSegments(raw: unknown): ImageSegment[] {
  return readArray(id, raw, 'the segments of an image').map((item) => {
    const segment = readRecord(id, item, 'a segment');
    return {
      label: readNullable<string>(segment['label'] ?? null, 'string', 'a label'),
      score: readNullable<number>(segment['score'] ?? null, 'number', 'a score'),
      mask: readPixels(id, segment['mask'], 1),
    };
  });
}

function readOutput(raw: unknown, images: DecodedImages): ImageSegmentationOutput {
  const { count, many } = imageCount(images);
  return many ? readArrayOf(id, raw, count, 'one result per image').map(readSegments) : readSegments(raw);
}

/**
 * The worker half of image-segmentation: one transformers.js call per image, and output
 * conversion into masks whose buffers the worker transfers.
 * @example
 * imageSegmentationPipeline.toPipelineArgs(image, { threshold: 0.9 });
 * // [image, { threshold: 0.9, mask_threshold: 0.5, overlap_mask_area_threshold: 0.8, label_ids_to_fuse: null }]
 */
export const imageSegmentationPipeline: TaskPipeline<DecodedImages, ImageSegmentationOptions, ImageSegmentationOutput> =
  /* @__PURE__ */ Object.freeze({
    inputKind: 'image',
    toPipelineArgs: (images: DecodedImages, options?: ImageSegmentationOptions): unknown[] => [
      pipelineImages(images),
      pipelineOptions(options),
    ],
    fromPipelineOutput: (raw: unknown, images: DecodedImages): ImageSegmentationOutput => readOutput(raw, images),
    async run(
      pipe: LoadedParts,
      images: DecodedImages,
      options?: ImageSegmentationOptions,
      signal?: AbortSignal,
    ): Promise<ImageSegmentationOutput> {
      return readOutput(await perImage(pipe, images, (image) => [image, pipelineOptions(options)], signal), images);
    },
  });

/** The types of image-segmentation, for the task table. */
export interface ImageSegmentationTypes extends TaskTypeSpec {
  readonly input: ImageSegmentationInput;
  readonly pipelineInput: DecodedImages;
  readonly options: ImageSegmentationOptions;
  readonly output: ImageSegmentationOutput<this['callInput']>;
}

/** image-segmentation in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as ImageSegmentationTypes,
  definition: imageSegmentationTask,
  pipeline: imageSegmentationPipeline,
});
