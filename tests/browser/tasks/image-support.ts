/**
 * Helpers of the browser vision tests: the same RGBA pixels in every form a page holds an image
 * (PNG Blob and File, ImageBitmap, ImageData, `<img>`, `<canvas>`, OffscreenCanvas, URL), and
 * expectations of labels within the dtype's score tolerance.
 * @module
 */
import { expect } from 'vitest';
import type { ResolvedDtype } from 'inpage';
import type { ExpectedLabel } from '../../fixtures/vision-expectations.ts';
import { VISION_SIZE } from '../../fixtures/vision-expectations.ts';
import { expectScore } from './task-support.ts';

/** `ImageData` of 16×16 RGBA pixels (a copy). */
export function imageData(pixels: Uint8ClampedArray, size = VISION_SIZE): ImageData {
  return new ImageData(new Uint8ClampedArray(pixels), size, size);
}

/** An OffscreenCanvas showing the pixels. */
export function offscreenCanvas(pixels: Uint8ClampedArray, size = VISION_SIZE): OffscreenCanvas {
  const canvas = new OffscreenCanvas(size, size);
  canvas.getContext('2d')?.putImageData(imageData(pixels, size), 0, 0);
  return canvas;
}

/** An `HTMLCanvasElement` showing the pixels. */
export function canvasElement(pixels: Uint8ClampedArray, size = VISION_SIZE): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  canvas.getContext('2d')?.putImageData(imageData(pixels, size), 0, 0);
  return canvas;
}

/** The pixels as a PNG Blob (lossless). */
export function pngBlob(pixels: Uint8ClampedArray, size = VISION_SIZE): Promise<Blob> {
  return offscreenCanvas(pixels, size).convertToBlob({ type: 'image/png' });
}

/** An `<img>` whose src is the pixels' PNG; not awaited, so inpage sees it while it may still load. */
export async function imageElement(pixels: Uint8ClampedArray): Promise<HTMLImageElement> {
  const image = new Image();
  image.src = URL.createObjectURL(await pngBlob(pixels));
  return image;
}

/** An ImageBitmap of the pixels. */
export function imageBitmap(pixels: Uint8ClampedArray): Promise<ImageBitmap> {
  return createImageBitmap(imageData(pixels), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
}

/**
 * Asserts labels (best first) equal the expected ones: same labels in order, scores within the
 * dtype's tolerance. Only the first `count` expected labels are compared.
 */
export function expectLabels(
  actual: readonly { label: string; score: number }[],
  expected: readonly ExpectedLabel[],
  dtype: ResolvedDtype,
  count = expected.length,
): void {
  const wanted = expected.slice(0, count);
  expect(actual.map((item) => item.label)).toEqual(wanted.map((item) => item.label));
  wanted.forEach((item, index) => expectScore(actual[index]?.score, item.score, dtype));
}
