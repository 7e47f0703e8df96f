import { beforeAll, describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import type { ImageInput, Model } from 'inpage';
import { colourClassification, quadrantPixels, solidPixels, visionModels } from '../../fixtures/vision-expectations.ts';
import { canvasElement, expectLabels, imageBitmap, imageData, imageElement, offscreenCanvas, pngBlob } from './image-support.ts';
import { hubUrl } from '../support/hub.ts';
import { fileClient, itOnWasm } from './task-support.ts';

/** The transfer list of every message the page posted to the worker. */
const posted: Transferable[][] = [];

/** inpage's worker, with its `postMessage` recorded (comlink posts every call through it). */
function recordingWorker(): Worker {
  const worker = new Worker(new URL('../../../src/worker.ts', import.meta.url), { type: 'module' });
  const post = worker.postMessage.bind(worker) as (message: unknown, transfer: Transferable[]) => void;
  worker.postMessage = ((message: unknown, options?: Transferable[] | StructuredSerializeOptions) => {
    const transfer = Array.isArray(options) ? options : (options?.transfer ?? []);
    posted.push([...transfer]);
    post(message, transfer);
  }) as Worker['postMessage'];
  return worker;
}

/** What one call posted: the transfer lists of the messages sent while it ran. */
async function transfersOf(call: () => Promise<unknown>): Promise<Transferable[]> {
  const from = posted.length;
  await call();
  return posted.slice(from).flat();
}

const client = fileClient({ worker: recordingWorker });
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

/** Runs a call and returns its InpageError code (or what it threw, synchronously or not). */
async function codeOf(call: () => Promise<unknown>): Promise<unknown> {
  const error: unknown = await Promise.resolve()
    .then(call)
    .then(
      () => 'resolved',
      (caught: unknown) => caught,
    );
  return isInpageError(error) ? error.code : error;
}

describe('image inputs: buffers', () => {
  it('moves the pixels inpage reads from a canvas, and copies a caller ImageData (not detached)', async () => {
    const fromCanvas = await transfersOf(() => classifier.run(canvasElement(red), { topK: 1 }));
    expect(fromCanvas).toHaveLength(1);
    expect(fromCanvas[0]).toBeInstanceOf(ArrayBuffer);
    expect((fromCanvas[0] as ArrayBuffer).byteLength).toBe(0); // moved: detached on this side

    const image = imageData(red);
    const copied = await transfersOf(() => classifier.run(image, { topK: 1 }));
    expect(copied).toHaveLength(1); // inpage's copy moved
    expect(copied[0]).not.toBe(image.data.buffer);
    expect(image.data.byteLength).toBe(16 * 16 * 4);
    expect(image.data[0]).toBe(255);
  });

  it('moves a caller ImageData, pixels and ImageBitmap with transfer: true', async () => {
    const image = imageData(red);
    const moved = await transfersOf(() => classifier.run(image, { topK: 1, transfer: true }));
    expect(moved).toEqual([image.data.buffer]);
    expect(image.data.byteLength).toBe(0);

    const pixels = { data: new Uint8Array(red), width: 16, height: 16 };
    expect((await classifier.run(pixels, { topK: 1, transfer: true }))[0]?.label).toBe('red');
    expect(pixels.data.byteLength).toBe(0);

    const kept = await imageBitmap(red);
    await classifier.run(kept, { topK: 1 });
    expect(kept.width).toBe(16); // cloned, still open
    const bitmap = await imageBitmap(red);
    expect((await classifier.run(bitmap, { topK: 1, transfer: true }))[0]?.label).toBe('red');
    expect(bitmap.width).toBe(0); // moved: closed on this side
  });

  it('never moves a Blob (it is cloned by reference)', async () => {
    const blob = await pngBlob(red);
    expect(await transfersOf(() => classifier.run(blob, { topK: 1 }))).toEqual([]);
    expect(blob.size).toBeGreaterThan(0);
  });
});

describe('image inputs: INVALID_INPUT', () => {
  it('refuses a detached buffer, a closed bitmap, a zero-size canvas and an empty Blob before the worker', async () => {
    const image = imageData(red);
    await classifier.run(image, { transfer: true });
    expect(await codeOf(() => classifier.run(image))).toBe('INVALID_INPUT');
    const bitmap = await imageBitmap(red);
    bitmap.close();
    expect(await codeOf(() => classifier.run(bitmap))).toBe('INVALID_INPUT');
    expect(await codeOf(() => classifier.run(new OffscreenCanvas(0, 16)))).toBe('INVALID_INPUT');
    expect(await codeOf(() => classifier.run(new Blob([])))).toBe('INVALID_INPUT');
    expect(await codeOf(() => classifier.run({ data: new Uint8Array(10), width: 16, height: 16 }))).toBe('INVALID_INPUT');
    expect(await codeOf(() => classifier.run([]))).toBe('INVALID_INPUT');
  });

  it('refuses an undecodable Blob and a broken <img>, and the model still answers', async () => {
    const notAnImage = new Blob(['this is not a PNG'], { type: 'image/png' });
    expect(await codeOf(() => classifier.run(notAnImage))).toBe('INVALID_INPUT');
    const broken = new Image();
    broken.src = URL.createObjectURL(notAnImage);
    expect(await codeOf(() => classifier.run(broken))).toBe('INVALID_INPUT');
    expect((await classifier.run(imageData(red), { topK: 1 }))[0]?.label).toBe('red');
  });

  it('refuses a cross-origin <img> loaded without CORS, and a URL that answers 404', async () => {
    const foreign = new Image(); // no crossOrigin: the pixels are tainted whatever the server sends
    foreign.src = `${hubUrl}/${visionModels.colourClassifier}/resolve/main/sample.png`;
    await foreign.decode();
    expect(await codeOf(() => classifier.run(foreign))).toBe('INVALID_INPUT');
    expect(await codeOf(() => classifier.run(`${hubUrl}/${visionModels.colourClassifier}/resolve/main/missing.png`))).toBe('INVALID_INPUT');
  });
});
