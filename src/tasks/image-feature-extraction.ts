/**
 * `image-feature-extraction`: image embeddings as a plain tensor (`data` + `dims`), moved to the
 * main thread, not copied.
 * @module
 */
import { defineTask } from './define-task.ts';
import { halfToFloat } from './feature-extraction.ts';
import type { TaskTypeSpec } from './define-task.ts';
import { checkImages } from './image-input.ts';
import { checkTransfer, imageCalls, imageCount, pipelineImages } from './image-task.ts';
import type { DecodedImages, ImagesInput, ImageTransferOption } from './image-types.ts';
import { readArray, readRecord } from './raw-output.ts';
import type { TaskDefinition, TaskPipeline } from './task.ts';
import { checkBoolean, checkOptions, unexpectedOutput } from './validate.ts';

/**
 * An image, or several images embedded in one inference.
 * @example
 * const input: ImageFeatureExtractionInput = [blob1, blob2];
 */
export type ImageFeatureExtractionInput = ImagesInput;

/**
 * Options of image-feature-extraction.
 * @example
 * const options: ImageFeatureExtractionOptions = { pool: true, normalize: true };
 */
export interface ImageFeatureExtractionOptions extends ImageTransferOption {
  /**
   * The model's pooled output (`pooler_output`: one vector per image) instead of its hidden states
   * (one vector per patch); the model must have a pooler.
   * @default false
   */
  pool?: boolean;
  /**
   * Scale each vector (the last dimension) to unit length, so that a dot product is the cosine similarity.
   * @default false
   */
  normalize?: boolean;
}

/**
 * A plain float32 tensor: `data` in row-major order, shaped by `dims`: `[n, d]` pooled (or for
 * models that embed, like CLIP's vision tower), `[n, tokens, d]` hidden states, for `n` images.
 * @example
 * const { data, dims } = features; // dims [1, 5, 3]
 */
export interface ImageFeatureExtractionOutput {
  data: Float32Array;
  dims: number[];
}

const id = 'image-feature-extraction';
const optionKeys = ['pool', 'normalize', 'transfer'] as const;

/**
 * Image feature extraction (embeddings), e.g. with `Xenova/vit-base-patch16-224-in21k` or
 * `Xenova/dinov2-small`.
 * @example
 * const embedder = await client.load('image-feature-extraction', 'Xenova/vit-base-patch16-224-in21k');
 * await embedder.run([blob1, blob2], { pool: true, normalize: true });
 * // { data: Float32Array(1536) [0.0164, -0.0298, …], dims: [2, 768] }
 */
export const imageFeatureExtractionTask: TaskDefinition<
  ImageFeatureExtractionInput,
  ImageFeatureExtractionOptions,
  ImageFeatureExtractionOutput
> = /* @__PURE__ */ Object.freeze({
  id,
  pipelineTask: id,
  batchable: false,
  streamable: false,
  validate(input: unknown, options: unknown): asserts input is ImageFeatureExtractionInput {
    checkImages(id, input);
    const record = checkOptions(id, options, optionKeys);
    checkBoolean(id, 'pool', record['pool']);
    checkBoolean(id, 'normalize', record['normalize']);
    checkTransfer(id, record['transfer']);
  },
  ...imageCalls<ImageFeatureExtractionOptions>(id),
});

/** A float32 copy that owns its whole buffer (so the worker can move it), unless it already does. */
function ownedFloats(raw: unknown, type: unknown): Float32Array {
  if (raw instanceof Float32Array) {
    const owns = raw.buffer instanceof ArrayBuffer && raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength;
    return owns ? raw : raw.slice();
  }
  if (raw instanceof Uint16Array && type === 'float16') return Float32Array.from(raw, halfToFloat);
  // Float16Array (where the browser has it), Float64Array.
  if (ArrayBuffer.isView(raw) && String(type).startsWith('float')) return Float32Array.from(raw as unknown as ArrayLike<number>);
  throw unexpectedOutput(id, 'the tensor data should be floats', raw);
}

function normalizeRows(data: Float32Array, width: number): void {
  for (let start = 0; start < data.length; start += width) {
    const row = data.subarray(start, start + width);
    const norm = Math.hypot(...row);
    if (norm > 0) row.forEach((value, index) => (row[index] = value / norm));
  }
}

/**
 * The worker half of image-feature-extraction: transformers.js call, and the Tensor as a plain
 * tensor whose buffer the worker moves.
 * @example
 * imageFeatureExtractionPipeline.toPipelineArgs(image, { pool: true }); // [image, { pool: true }]
 */
export const imageFeatureExtractionPipeline: TaskPipeline<DecodedImages, ImageFeatureExtractionOptions, ImageFeatureExtractionOutput> =
  /* @__PURE__ */ Object.freeze({
    inputKind: 'image',
    toPipelineArgs: (images: DecodedImages, options?: ImageFeatureExtractionOptions): unknown[] => [
      pipelineImages(images),
      { pool: options?.pool ?? false },
    ],
    fromPipelineOutput(raw: unknown, images: DecodedImages, options?: ImageFeatureExtractionOptions): ImageFeatureExtractionOutput {
      const tensor = readRecord(id, raw, 'the tensor');
      const dims = readArray(id, tensor['dims'], 'the tensor dims').map(Number);
      const data = ownedFloats(tensor['data'], tensor['type']);
      const { count } = imageCount(images);
      const size = dims.reduce((product, dim) => product * dim, 1);
      if (dims.length < 2 || dims[0] !== count || size !== data.length) {
        throw unexpectedOutput(id, `expected ${count} rows, got dims [${dims.join(', ')}] for ${data.length} values`, raw);
      }
      if (options?.normalize === true) normalizeRows(data, dims.at(-1) ?? 1);
      return { data, dims };
    },
  });

/** The types of image-feature-extraction, for the task table. */
export interface ImageFeatureExtractionTypes extends TaskTypeSpec {
  readonly input: ImageFeatureExtractionInput;
  readonly pipelineInput: DecodedImages;
  readonly options: ImageFeatureExtractionOptions;
  readonly output: ImageFeatureExtractionOutput;
}

/** image-feature-extraction in the task table (`registry.ts`), which loads this module on demand. */
export const task = /* @__PURE__ */ defineTask({
  types: {} as ImageFeatureExtractionTypes,
  definition: imageFeatureExtractionTask,
  pipeline: imageFeatureExtractionPipeline,
});
