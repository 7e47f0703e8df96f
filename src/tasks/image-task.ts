/**
 * What the vision task modules share: the main-thread hooks that send images to the worker, and
 * the per-image shape of their outputs.
 * @module
 */
import type { DecodedImages, ImageInput, ImagesInput, ImageTransferOption } from './image-types.ts';
import { toWireImages, wireTransfers } from './image-input.ts';
import { checkBoolean } from './validate.ts';

/**
 * One result per image: `T` for one image, `T[]` for an array of images, the union when unknown.
 * @example
 * type A = PerImage<Blob, number>;   // number
 * type B = PerImage<Blob[], number>; // number[]
 */
export type PerImage<I, T> = [I] extends [readonly unknown[]] ? T[] : [I] extends [ImageInput] ? T : T | T[];

/**
 * The `prepare` and `transfer` hooks of a vision task's definition: images become wire images at
 * call time, and the buffers inpage made (or the caller's, with `transfer: true`) move to the worker.
 * @example
 * export const imageClassificationTask = Object.freeze({ id, …, ...imageCalls(id) });
 */
export function imageCalls<Options extends ImageTransferOption>(
  task: string,
): {
  prepare(input: ImagesInput, options: Options | undefined): Promise<unknown>;
  transfer(sent: unknown): Transferable[];
} {
  return {
    prepare: (input, options) => toWireImages(task, input, options?.transfer === true),
    transfer: wireTransfers,
  };
}

/**
 * Checks the `transfer` call option of a vision task.
 * @throws TypeError when it is not a boolean.
 * @example
 * checkTransfer('image-classification', record['transfer']);
 */
export function checkTransfer(task: string, value: unknown): void {
  checkBoolean(task, 'transfer', value);
}

/**
 * How many images a decoded input holds, and whether the call gave an array.
 * @example
 * const { count, many } = imageCount(images);
 */
export function imageCount(images: DecodedImages): { count: number; many: boolean } {
  return Array.isArray(images) ? { count: images.length, many: true } : { count: 1, many: false };
}

/**
 * The images as transformers.js's pipelines take them (a copy of an array).
 * @example
 * return [pipelineImages(images), { top_k: 5 }];
 */
export function pipelineImages(images: DecodedImages): unknown {
  return Array.isArray(images) ? [...(images as readonly unknown[])] : images;
}
