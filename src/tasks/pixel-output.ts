/**
 * What object-detection, image-segmentation and background-removal share in the worker: running a
 * pipeline that takes one image at a time over each image of a call, and reading transformers.js
 * `RawImage` outputs (masks, RGBA images) into plain pixels whose buffers the worker transfers.
 * Pure code: task modules never import transformers.js.
 * @module
 */
import { abortError } from '../errors.ts';
import { imageCount, pipelineImages } from './image-task.ts';
import type { DecodedImage, DecodedImages } from './image-types.ts';
import { readNumber, readRecord } from './raw-output.ts';
import type { LoadedParts } from './task.ts';
import { unexpectedOutput } from './validate.ts';

/**
 * Pixels as the vision tasks return them: row-major from the top-left corner, one byte per pixel
 * for a mask (0 outside, 255 inside), four for RGBA. `data` owns its whole buffer, which the
 * worker transfers (never copies) to the page.
 * @example
 * const { data, width, height } = mask; // data.length === width * height
 */
export interface PixelBuffer {
  data: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
}

/**
 * Runs `pipe` on each image of a call in turn (object detection and segmentation take a batch of
 * one in transformers.js 4.3.1) and returns the raw outputs in order: one for one image, an array
 * for an array. Once `signal` is aborted, no further image is started.
 * @throws InpageError `ABORTED` when `signal` is aborted between two images.
 * @example
 * const raw = await perImage(pipe, images, (image) => [image, { threshold: 0.9 }], signal);
 */
export async function perImage(
  pipe: LoadedParts,
  images: DecodedImages,
  args: (image: unknown) => unknown[],
  signal?: AbortSignal,
): Promise<unknown> {
  const { many } = imageCount(images);
  if (!many) return pipe(...args(pipelineImages(images)));
  const outputs: unknown[] = [];
  for (const image of images as readonly DecodedImage[]) {
    if (signal?.aborted) throw abortError(signal);
    outputs.push(await pipe(...args(image)));
  }
  return outputs;
}

/** A `Uint8ClampedArray` that owns its whole buffer (copied only when it does not). */
function ownedBytes(task: string, data: unknown): Uint8ClampedArray<ArrayBuffer> {
  if (data instanceof Uint8ClampedArray) {
    const owns = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    return owns ? (data as Uint8ClampedArray<ArrayBuffer>) : data.slice();
  }
  if (data instanceof Uint8Array) return new Uint8ClampedArray(data); // a copy, in its own buffer
  throw unexpectedOutput(task, 'image data should be 8-bit', data);
}

/** One channel of interleaved pixels (the first by default). */
function channelOf(data: Uint8ClampedArray, channels: number, channel = 0): Uint8ClampedArray<ArrayBuffer> {
  const plane = new Uint8ClampedArray(data.length / channels);
  for (let i = 0; i < plane.length; i++) plane[i] = data[i * channels + channel] ?? 0;
  return plane;
}

/**
 * Reads a transformers.js `RawImage` (by duck typing) as pixels with `channels` channels: a mask
 * keeps its first channel, an RGBA image must have 4.
 * @throws InpageError `UNSUPPORTED_MODEL` when `raw` is not such an image.
 * @example
 * const mask = readPixels('image-segmentation', segment.mask, 1);
 */
export function readPixels(task: string, raw: unknown, channels: 1 | 4): PixelBuffer {
  const image = readRecord(task, raw, 'an image');
  const width = readNumber(task, image, 'width');
  const height = readNumber(task, image, 'height');
  const found = readNumber(task, image, 'channels');
  const data = ownedBytes(task, image['data']);
  if (data.length !== width * height * found || (channels === 4 && found !== 4)) {
    throw unexpectedOutput(task, `a ${width}×${height} image with ${channels} channel(s) was expected`, raw);
  }
  return { data: found === channels ? data : channelOf(data, found), width, height };
}
