import { beforeAll, describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import type { ImageInput, Model } from 'inpage';
import { colourClassification, quadrantPixels, solidPixels, visionModels } from '../../fixtures/vision-expectations.ts';
import { canvasElement, expectLabels, imageBitmap, imageData, imageElement, offscreenCanvas, pngBlob } from './image-support.ts';
import { fileClient, itOnWasm } from './task-support.ts';

const client = fileClient();
let classifier: Model<'image-classification'>;

beforeAll(async () => {
  classifier = await client.load('image-classification', visionModels.colourClassifier);
});

const red = solidPixels('red');
const mostlyBlue = quadrantPixels(['blue', 'blue', 'blue', 'yellow']);

/** Every kind of image a page has, all showing the same pixels. */
const inputKinds: readonly [string, (pixels: Uint8ClampedArray) => Promise<ImageInput> | ImageInput][] = [
  ['a PNG Blob', (pixels) => pngBlob(pixels)],
  ['a File', async (pixels) => new File([await pngBlob(pixels)], 'image.png', { type: 'image/png' })],
  ['an ImageBitmap', (pixels) => imageBitmap(pixels)],
  ['an ImageData', (pixels) => imageData(pixels)],
  ['raw RGBA pixels', (pixels) => ({ data: new Uint8Array(pixels), width: 16, height: 16 })],
  ['an HTMLImageElement (still loading)', (pixels) => imageElement(pixels)],
  ['an HTMLCanvasElement', (pixels) => canvasElement(pixels)],
  ['an OffscreenCanvas', (pixels) => offscreenCanvas(pixels)],
  ['a URL, fetched in the worker', async (pixels) => new URL(URL.createObjectURL(await pngBlob(pixels)))],
  ['a URL string, fetched in the worker', async (pixels) => URL.createObjectURL(await pngBlob(pixels))],
];

describe('image-classification', () => {
  it.each(inputKinds)('classifies %s by its dominant colour', async (_kind, make) => {
    const output = await classifier.run(await make(mostlyBlue), { topK: 3 });
    expectLabels(output, colourClassification(mostlyBlue), classifier.dtype, 3);
  });

  it('gives the top 5 labels by default, best first', async () => {
    const output = await classifier.run(imageData(red));
    expectLabels(output, colourClassification(red), classifier.dtype, 5);
    expect(output[0]?.score).toBeGreaterThan(0.99);
  });

  itOnWasm('gives every label with topK: null', async () => {
    const output = await classifier.run(imageData(red), { topK: null });
    expectLabels(output, colourClassification(red), classifier.dtype);
  });

  it('classifies an array of images in one call, one list per image', async () => {
    const green = solidPixels('green');
    const output = await classifier.run([imageData(red), await pngBlob(green), offscreenCanvas(mostlyBlue)], { topK: 1 });
    expect(output.map((labels) => labels.map((item) => item.label))).toEqual([['red'], ['green'], ['blue']]);
    expectLabels(output[2] ?? [], colourClassification(mostlyBlue), classifier.dtype, 1);
  });

  itOnWasm('reads a canvas at call time: drawing on it afterwards does not change the call', async () => {
    const canvas = canvasElement(red);
    const pending = classifier.run(canvas, { topK: 1 });
    canvas.getContext('2d')?.putImageData(imageData(solidPixels('green')), 0, 0);
    expect((await pending)[0]?.label).toBe('red');
  });

  itOnWasm('aborts a call whose signal is aborted while it waits', async () => {
    const controller = new AbortController();
    const first = classifier.run(imageData(red));
    const second = classifier.run(imageData(red), { signal: controller.signal }).catch((caught: unknown) => caught);
    controller.abort();
    await first;
    const error: unknown = await second;
    expect(isInpageError(error) && error.code).toBe('ABORTED');
  });

  it('checks options before anything reaches the worker', () => {
    expect(() => classifier.run(imageData(red), { topK: 0 })).toThrow(RangeError);
    // @ts-expect-error snake_case option
    expect(() => classifier.run(imageData(red), { top_k: 2 })).toThrow(/did you mean "topK"/);
    // @ts-expect-error not an image
    expect(() => classifier.run(42)).toThrow(TypeError);
  });
});
