/**
 * `background-removal`: each image as RGBA pixels whose alpha is the model's foreground mask.
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
import { readArrayOf } from './raw-output.ts';
import type { LoadedParts, TaskDefinition, TaskPipeline } from './task.ts';
import { checkOptions } from './validate.ts';

/**
 * An image, or several images (run one after the other). See {@link ImageInput} for the kinds.
 * @example
 * const input: BackgroundRemovalInput = fileInput.files[0];
 */
export type BackgroundRemovalInput = ImagesInput;

/**
 * Options of background-removal: only `transfer` (transformers.js 4.3.1 takes none).
 * @example
 * const options: BackgroundRemovalOptions = { transfer: true };
 */
export type BackgroundRemovalOptions = ImageTransferOption;

/**
 * An image as RGBA pixels (4 bytes per pixel) at the input's size: the input's colours, with
 * alpha 0 on the background and 255 on the foreground (in between where the model is unsure).
 * Ready for `new ImageData(data, width, height)`; its buffer is transferred from the worker,
 * never copied.
 * @example
 * context.putImageData(new ImageData(cutout.data, cutout.width, cutout.height), 0, 0);
 */
export type RgbaImage = PixelBuffer;

/**
 * For one image: the image without its background. For an array: one per image.
 * @example
 * type One = BackgroundRemovalOutput<Blob>;    // RgbaImage
 * type Many = BackgroundRemovalOutput<Blob[]>; // RgbaImage[]
 */
export type BackgroundRemovalOutput<I = BackgroundRemovalInput> = PerImage<I, RgbaImage>;

const id = 'background-removal';
const optionKeys = ['transfer'] as const;

/**
 * Background removal, e.g. with `Xenova/modnet` or `briaai/RMBG-1.4`.
 * @example
 * const remover = await client.load('background-removal', 'Xenova/modnet');
 * const cutout = await remover.run(fileInput.files[0]);
 * // { data: Uint8ClampedArray(648000), width: 360, height: 450 }
 * context.putImageData(new ImageData(cutout.data, cutout.width, cutout.height), 0, 0);
 */
export const backgroundRemovalTask: TaskDefinition<BackgroundRemovalInput, BackgroundRemovalOptions, BackgroundRemovalOutput> =
  /* @__PURE__ */ Object.freeze({
    id,
    pipelineTask: id,
    batchable: false,
    streamable: false,
    validate(input: unknown, options: unknown): asserts input is BackgroundRemovalInput {
      checkImages(id, input);
      checkTransfer(id, checkOptions(id, options, optionKeys)['transfer']);
    },
    ...imageCalls<BackgroundRemovalOptions>(id),
  });

function readOutput(raw: unknown, images: DecodedImages): BackgroundRemovalOutput {
  const { count, many } = imageCount(images);
  const read = (image: unknown): RgbaImage => readPixels(id, image, 4);
  return many ? readArrayOf(id, raw, count, 'one image per input image').map(read) : read(raw);
}

/**
 * The worker half of background-removal: one transformers.js call per image, and output
 * conversion into RGBA pixels whose buffer the worker transfers.
 * @example
 * backgroundRemovalPipeline.toPipelineArgs(image); // [image, {}]
 */
export const backgroundRemovalPipeline: TaskPipeline<DecodedImages, BackgroundRemovalOptions, BackgroundRemovalOutput> =
  /* @__PURE__ */ Object.freeze({
    inputKind: 'image',
    toPipelineArgs: (images: DecodedImages): unknown[] => [pipelineImages(images), {}],
    fromPipelineOutput: (raw: unknown, images: DecodedImages): BackgroundRemovalOutput => readOutput(raw, images),
    async run(
      pipe: LoadedParts,
      images: DecodedImages,
      _options?: BackgroundRemovalOptions,
      signal?: AbortSignal,
    ): Promise<BackgroundRemovalOutput> {
      return readOutput(await perImage(pipe, images, (image) => [image, {}], signal), images);
    },
  });

/** The types of background-removal, for the task table. */
export interface BackgroundRemovalTypes extends TaskTypeSpec {
  readonly input: BackgroundRemovalInput;
  readonly pipelineInput: DecodedImages;
  readonly options: BackgroundRemovalOptions;
  readonly output: BackgroundRemovalOutput<this['callInput']>;
}

/** background-removal in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as BackgroundRemovalTypes,
  definition: backgroundRemovalTask,
  pipeline: backgroundRemovalPipeline,
});
