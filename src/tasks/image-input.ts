/**
 * Image inputs on the main thread: checks at call time, and conversion of what the page holds into
 * what crosses to the worker ({@link WireImage}). Loaded with the vision task modules, never with
 * the main entry. Kinds are told apart by their `Object.prototype.toString` tag, so images from
 * another frame (another realm) are recognised too.
 * @module
 */
import { InpageError } from '../errors.ts';
import { describeValue } from './describe-value.ts';
import { imageLimits } from './image-types.ts';
import type { ImageInput, ImagePixels, ImagesInput, WireImage, WireImages } from './image-types.ts';

type ImageKind = 'blob' | 'bitmap' | 'imagedata' | 'pixels' | 'element' | 'canvas' | 'url';

const kindsByTag: Readonly<Record<string, ImageKind>> = {
  Blob: 'blob',
  File: 'blob',
  ImageBitmap: 'bitmap',
  ImageData: 'imagedata',
  HTMLImageElement: 'element',
  HTMLCanvasElement: 'canvas',
  OffscreenCanvas: 'canvas',
  URL: 'url',
};

const accepted =
  'a Blob/File, ImageBitmap, ImageData, { data, width, height } pixels, HTMLImageElement, HTMLCanvasElement, OffscreenCanvas, URL or URL string';
const urlProtocols = ['http:', 'https:', 'blob:', 'data:'];

function tagOf(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function isPixels(value: unknown): value is ImagePixels {
  if (typeof value !== 'object' || value === null) return false;
  const { data } = value as Partial<ImagePixels>;
  return ArrayBuffer.isView(data) && 'width' in value && 'height' in value;
}

function kindOf(value: unknown): ImageKind | undefined {
  if (typeof value === 'string') return 'url';
  return kindsByTag[tagOf(value)] ?? (isPixels(value) ? 'pixels' : undefined);
}

function invalid(task: string, what: string, detail: string, cause?: unknown): InpageError {
  return new InpageError('INVALID_INPUT', `${task}: ${what} ${detail}`, cause === undefined ? undefined : { cause });
}

function checkSize(task: string, what: string, width: number, height: number): void {
  if (width === 0 || height === 0) throw invalid(task, what, `has no pixels (${width}×${height}).`);
  if (width * height > imageLimits.maxPixels) {
    throw invalid(task, what, `has ${width}×${height} pixels; the limit is ${imageLimits.maxPixels}. Scale it down first.`);
  }
}

function pageBase(): string | undefined {
  return globalThis.document?.baseURI ?? globalThis.location?.href;
}

/** The absolute URL of a URL input, relative to the page (the worker's base URL is its script). */
function absoluteUrl(task: string, what: string, value: string | URL): string {
  let url: URL;
  try {
    url = new URL(value, pageBase());
  } catch (error) {
    throw invalid(task, what, `is not a URL: ${describeValue(String(value))}.`, error);
  }
  if (!urlProtocols.includes(url.protocol))
    throw invalid(task, what, `has an unsupported URL scheme "${url.protocol}" (use ${urlProtocols.join(' ')}).`);
  return url.href;
}

function checkPixels(task: string, what: string, pixels: ImagePixels): 1 | 3 | 4 {
  const { data, width, height, channels = 4 } = pixels;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new TypeError(`${task}: ${what}'s data must be a Uint8Array or Uint8ClampedArray, got ${tagOf(data)}.`);
  }
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (typeof value !== 'number') throw new TypeError(`${task}: ${what}'s ${name} must be a number, got ${describeValue(value)}.`);
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${task}: ${what}'s ${name} must be an integer ≥ 0, got ${value}.`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new RangeError(`${task}: ${what}'s channels must be 1, 3 or 4, got ${describeValue(channels)}.`);
  }
  checkSize(task, what, width, height);
  if (data.byteLength === 0) throw invalid(task, what, 'has a detached buffer (it was transferred); pass a fresh copy.');
  const expected = width * height * channels;
  if (data.length !== expected) {
    throw invalid(task, what, `has ${data.length} bytes; ${width}×${height}×${channels} needs ${expected}.`);
  }
  return channels;
}

/** Checks one image synchronously (what can be known before decoding). */
function checkImage(task: string, value: unknown, what: string): asserts value is ImageInput {
  switch (kindOf(value)) {
    case 'url':
      if (value === '') throw invalid(task, what, 'is an empty string; give a URL.');
      absoluteUrl(task, what, value as string | URL);
      return;
    case 'blob': {
      const { size } = value as Blob;
      if (size === 0) throw invalid(task, what, 'is an empty Blob (0 bytes).');
      if (size > imageLimits.maxBytes) throw invalid(task, what, `has ${size} bytes; the limit is ${imageLimits.maxBytes}.`);
      return;
    }
    case 'bitmap': {
      const bitmap = value as ImageBitmap;
      if (bitmap.width === 0 || bitmap.height === 0)
        throw invalid(task, what, 'is an ImageBitmap without pixels (closed, or transferred).');
      return checkSize(task, what, bitmap.width, bitmap.height);
    }
    case 'imagedata': {
      const image = value as ImageData;
      if (image.data.byteLength === 0) throw invalid(task, what, 'is an ImageData whose buffer is detached (it was transferred).');
      return checkSize(task, what, image.width, image.height);
    }
    case 'pixels':
      checkPixels(task, what, value as ImagePixels);
      return;
    case 'canvas': {
      const canvas = value as HTMLCanvasElement | OffscreenCanvas;
      return checkSize(task, what, canvas.width, canvas.height);
    }
    case 'element':
      return; // it may still be loading: checked once decoded
    default:
      throw new TypeError(`${task}: ${what} must be ${accepted}; got ${describeValue(value)}.`);
  }
}

/**
 * Checks a vision task's input: one image, or a non-empty array of at most
 * {@link imageLimits}`.maxImages` images.
 * @throws TypeError for a value that is no image; InpageError `INVALID_INPUT` for an empty array,
 *   an empty Blob, a zero-size image, a detached buffer, a closed bitmap, a bad URL.
 * @example
 * checkImages('image-classification', [blob, canvas]);
 */
export function checkImages(task: string, input: unknown): asserts input is ImagesInput {
  if (!Array.isArray(input)) return checkImage(task, input, 'the image');
  const list: readonly unknown[] = input;
  if (list.length === 0) throw invalid(task, 'the input', 'is an empty array; give at least one image.');
  if (list.length > imageLimits.maxImages) {
    throw invalid(task, 'the input', `has ${list.length} images; the limit is ${imageLimits.maxImages} per call.`);
  }
  for (let index = 0; index < list.length; index++) checkImage(task, list[index], `image ${index}`);
}

/** RGBA pixels of something `drawImage` takes, read on a fresh canvas (inpage's buffer: moved to the worker). */
function drawnPixels(task: string, what: string, source: CanvasImageSource, width: number, height: number): WireImage {
  checkSize(task, what, width, height);
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!context) throw new InpageError('RUNTIME', `${task}: this browser gave no 2D canvas to read ${what}.`);
  try {
    context.drawImage(source, 0, 0);
    return { kind: 'pixels', data: context.getImageData(0, 0, width, height).data, width, height, channels: 4 };
  } catch (error) {
    if (error instanceof DOMException && error.name === 'SecurityError') {
      throw invalid(
        task,
        what,
        'comes from another origin without CORS, so its pixels cannot be read (load it with crossOrigin="anonymous" from a server that allows it).',
        error,
      );
    }
    throw invalid(task, what, `could not be read: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

async function elementPixels(task: string, what: string, image: HTMLImageElement): Promise<WireImage> {
  if (!image.complete || image.naturalWidth === 0) {
    try {
      await image.decode();
    } catch (error) {
      throw invalid(task, what, `could not be decoded (a broken image, or no src): ${image.currentSrc || image.src || 'no src'}.`, error);
    }
  }
  return drawnPixels(task, what, image, image.naturalWidth, image.naturalHeight);
}

function ownPixels(data: Uint8Array | Uint8ClampedArray, transfer: boolean): Uint8Array | Uint8ClampedArray {
  // A shared buffer cannot move; a view of part of a buffer would move the rest with it: copy both.
  const whole = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return transfer && whole ? data : data.slice();
}

async function toWireImage(task: string, value: ImageInput, what: string, transfer: boolean): Promise<WireImage> {
  switch (kindOf(value)) {
    case 'url':
      return { kind: 'url', url: absoluteUrl(task, what, value as string | URL) };
    case 'blob':
      return { kind: 'blob', blob: value as Blob };
    case 'bitmap':
      return { kind: 'bitmap', bitmap: value as ImageBitmap, moved: transfer };
    case 'imagedata': {
      const { data, width, height } = value as ImageData;
      return { kind: 'pixels', data: ownPixels(data, transfer), width, height, channels: 4 };
    }
    case 'pixels': {
      const pixels = value as ImagePixels;
      const channels = checkPixels(task, what, pixels);
      return { kind: 'pixels', data: ownPixels(pixels.data, transfer), width: pixels.width, height: pixels.height, channels };
    }
    case 'element':
      return elementPixels(task, what, value as HTMLImageElement);
    default: {
      const canvas = value as HTMLCanvasElement | OffscreenCanvas;
      return drawnPixels(task, what, canvas, canvas.width, canvas.height);
    }
  }
}

/**
 * Converts a checked input into what crosses to the worker, at call time (a canvas drawn on later
 * does not change the call). The promise is marked handled, so a call aborted before it runs
 * leaves no unhandled rejection; awaiting it still throws.
 * @throws (through the promise) InpageError `INVALID_INPUT` for an image without CORS, one that
 *   does not decode, or a zero-size one.
 * @example
 * const wire = await toWireImages('image-classification', canvas, false); // { kind: 'pixels', … }
 */
export function toWireImages(task: string, input: ImagesInput, transfer: boolean): Promise<WireImages> {
  const converted: Promise<WireImages> = Array.isArray(input)
    ? Promise.all((input as readonly ImageInput[]).map((image, index) => toWireImage(task, image, `image ${index}`, transfer)))
    : toWireImage(task, input as ImageInput, 'the image', transfer);
  converted.catch(() => undefined);
  return converted;
}

/**
 * The buffers of a wire input that move to the worker: every pixel buffer (inpage's copy, or the
 * caller's with `transfer: true`) and the bitmaps marked `moved`.
 * @example
 * withTransfer(wire, wireTransfers(wire));
 */
export function wireTransfers(wire: unknown): Transferable[] {
  const images = (Array.isArray(wire) ? wire : [wire]) as WireImage[];
  const found: Transferable[] = [];
  for (const image of images) {
    if (image.kind === 'pixels' && image.data.buffer instanceof ArrayBuffer && !found.includes(image.data.buffer))
      found.push(image.data.buffer);
    if (image.kind === 'bitmap' && image.moved && !found.includes(image.bitmap)) found.push(image.bitmap);
  }
  return found;
}
