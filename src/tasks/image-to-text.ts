/**
 * `image-to-text`: a caption (or the text read) for each image, with vision-encoder-decoder models
 * (ViT-GPT2 captioners, TrOCR, Donut-style readers) and generation options.
 * @module
 */
import { defineTask } from './define-task.ts';
import type { TaskTypeSpec } from './define-task.ts';
import { checkGenerationOptions, generationOptionKeys, toGenerationKwargs } from './generation-options.ts';
import type { GenerationOptions } from './generation-options.ts';
import { checkImages } from './image-input.ts';
import { checkTransfer, imageCalls, imageCount, pipelineImages } from './image-task.ts';
import type { PerImage } from './image-task.ts';
import type { DecodedImages, ImagesInput, ImageTransferOption } from './image-types.ts';
import { readArray, readArrayOf, readRecord, readString } from './raw-output.ts';
import type { TaskDefinition, TaskPipeline } from './task.ts';
import { checkOptions } from './validate.ts';

/**
 * An image, or several images captioned in one call.
 * @example
 * const input: ImageToTextInput = fileInput.files[0];
 */
export type ImageToTextInput = ImagesInput;

/**
 * Options of image-to-text: generation options, and the images' transfer.
 * @example
 * const options: ImageToTextOptions = { maxNewTokens: 20 };
 */
export interface ImageToTextOptions extends GenerationOptions, ImageTransferOption {}

/**
 * The text for one image; one text per image for an array.
 * @example
 * type One = ImageToTextOutput<Blob>;    // string
 * type Many = ImageToTextOutput<Blob[]>; // string[]
 */
export type ImageToTextOutput<I = ImageToTextInput> = PerImage<I, string>;

const id = 'image-to-text';
const optionKeys = [...generationOptionKeys, 'transfer'];

/**
 * Image captioning, e.g. with `Xenova/vit-gpt2-image-captioning`.
 * @example
 * const captioner = await client.load('image-to-text', 'Xenova/vit-gpt2-image-captioning');
 * await captioner.run(fileInput.files[0]); // 'a cat laying on a couch'
 */
export const imageToTextTask: TaskDefinition<ImageToTextInput, ImageToTextOptions, ImageToTextOutput> = /* @__PURE__ */ Object.freeze({
  id,
  pipelineTask: id,
  batchable: false,
  streamable: false,
  validate(input: unknown, options: unknown): asserts input is ImageToTextInput {
    checkImages(id, input);
    const record = checkOptions(id, options, optionKeys);
    checkGenerationOptions(id, record);
    checkTransfer(id, record['transfer']);
  },
  ...imageCalls<ImageToTextOptions>(id),
});

/** The text of one image's result list (transformers.js gives `[{ generated_text }]` per image). */
function readText(raw: unknown): string {
  const [first] = readArray(id, raw, 'the texts of an image');
  return readString(id, readRecord(id, first, 'a text'), 'generated_text');
}

/**
 * The worker half of image-to-text: transformers.js call and output conversion.
 * @example
 * imageToTextPipeline.toPipelineArgs(image, { maxNewTokens: 20 }); // [image, { max_new_tokens: 20 }]
 */
export const imageToTextPipeline: TaskPipeline<DecodedImages, ImageToTextOptions, ImageToTextOutput> = /* @__PURE__ */ Object.freeze({
  inputKind: 'image',
  toPipelineArgs: (images: DecodedImages, options?: ImageToTextOptions): unknown[] => [pipelineImages(images), toGenerationKwargs(options)],
  fromPipelineOutput(raw: unknown, images: DecodedImages): ImageToTextOutput {
    const { count, many } = imageCount(images);
    return many ? readArrayOf(id, raw, count, 'one result per image').map(readText) : readText(raw);
  },
});

/** The types of image-to-text, for the task table. */
export interface ImageToTextTypes extends TaskTypeSpec {
  readonly input: ImageToTextInput;
  readonly pipelineInput: DecodedImages;
  readonly options: ImageToTextOptions;
  readonly output: ImageToTextOutput<this['callInput']>;
}

/** image-to-text in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as ImageToTextTypes,
  definition: imageToTextTask,
  pipeline: imageToTextPipeline,
});
