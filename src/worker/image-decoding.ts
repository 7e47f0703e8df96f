/**
 * Image inputs in the worker: the wire images the main thread sent (`tasks/image-types.ts`) become
 * transformers.js `RawImage`s. `RawImage.read` takes neither an `ImageBitmap` nor `ImageData`, and
 * its URL fetch goes through inpage's store bridge (which refuses anything but stored model files),
 * so inpage decodes blobs and bitmaps itself (`createImageBitmap` + `OffscreenCanvas`) and fetches
 * URLs itself: with the call's signal, a size cap, and without the Hub token.
 * @module
 */
import { RawImage } from '@huggingface/transformers';
import { InpageError, abortError } from '../errors.ts';
import { imageLimits } from '../tasks/image-types.ts';
import type { WireImage } from '../tasks/image-types.ts';

function invalid(what: string, detail: string, cause?: unknown): InpageError {
  return new InpageError('INVALID_INPUT', `${what} ${detail}`, cause === undefined ? undefined : { cause });
}

function checkSize(what: string, width: number, height: number): void {
  if (width === 0 || height === 0) throw invalid(what, `has no pixels (${width}×${height}).`);
  if (width * height > imageLimits.maxPixels) throw invalid(what, `has ${width}×${height} pixels; the limit is ${imageLimits.maxPixels}.`);
}

/** RGBA pixels of a bitmap, which is closed afterwards (it was the worker's own copy). */
function bitmapImage(what: string, bitmap: ImageBitmap): RawImage {
  try {
    const { width, height } = bitmap;
    if (width === 0 || height === 0) throw invalid(what, 'is an ImageBitmap without pixels (closed, or transferred).');
    checkSize(what, width, height);
    const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!context) throw new InpageError('RUNTIME', `The worker got no 2D canvas to read ${what}.`);
    context.drawImage(bitmap, 0, 0);
    let data: Uint8ClampedArray;
    try {
      data = context.getImageData(0, 0, width, height).data;
    } catch (error) {
      throw invalid(what, 'comes from another origin without CORS, so its pixels cannot be read.', error);
    }
    return new RawImage(data, width, height, 4);
  } finally {
    bitmap.close();
  }
}

async function blobImage(what: string, blob: Blob): Promise<RawImage> {
  if (blob.size === 0) throw invalid(what, 'is empty (0 bytes).');
  let bitmap: ImageBitmap;
  try {
    // The file's own pixels: no colour-space conversion and no premultiplied alpha to round.
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (error) {
    const type = blob.type ? ` (${blob.type})` : '';
    throw invalid(what, `could not be decoded as an image${type}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  return bitmapImage(what, bitmap);
}

/** Reads a response body up to `imageLimits.maxBytes`. */
async function cappedBlob(what: string, response: Response): Promise<Blob> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const tooLarge = (): InpageError => invalid(what, `is larger than ${imageLimits.maxBytes} bytes.`);
  if (declared > imageLimits.maxBytes) throw tooLarge();
  const type = response.headers.get('content-type') ?? '';
  if (!response.body) return new Blob([], { type });
  const reader = response.body.getReader();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > imageLimits.maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    parts.push(value);
  }
  return new Blob(parts, { type });
}

/**
 * Fetches an image URL in the worker: the caller's signal aborts it, the body is capped at
 * `imageLimits.maxBytes`, and no inpage credential is added (the global `fetch`, not
 * transformers.js's `env.fetch`; cookies only for the page's own origin).
 * @throws InpageError `ABORTED`; `INVALID_INPUT` for a network or CORS failure, an HTTP error, or a body over the cap.
 * @example
 * const blob = await fetchImage('https://example.com/cat.png', signal);
 */
export async function fetchImage(url: string, signal: AbortSignal): Promise<Blob> {
  const what = `The image at ${url.startsWith('data:') ? 'a data: URL' : url}`;
  let response: Response;
  try {
    response = await fetch(url, { signal, mode: 'cors', credentials: 'same-origin', redirect: 'follow' });
  } catch (error) {
    if (signal.aborted) throw abortError(signal);
    throw invalid(what, 'could not be fetched: the network failed, or it is on another origin that does not allow CORS.', error);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw invalid(what, `could not be fetched: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`);
  }
  try {
    return await cappedBlob(what, response);
  } catch (error) {
    if (signal.aborted) throw abortError(signal);
    throw error;
  }
}

async function decodeImage(image: WireImage, what: string, signal: AbortSignal): Promise<RawImage> {
  switch (image.kind) {
    case 'pixels': {
      const { data, width, height, channels } = image;
      checkSize(what, width, height);
      if (data.byteLength === 0) throw invalid(what, 'has a detached buffer.');
      if (data.length !== width * height * channels) throw invalid(what, `has ${data.length} bytes for ${width}×${height}×${channels}.`);
      return new RawImage(data, width, height, channels);
    }
    case 'bitmap':
      return bitmapImage(what, image.bitmap);
    case 'blob':
      return blobImage(what, image.blob);
    case 'url':
      return blobImage(what, await fetchImage(image.url, signal));
    default:
      throw new TypeError(`inpage: unknown wire image ${String((image as { kind?: unknown }).kind)}.`);
  }
}

/**
 * Turns a vision task's wire input (one image or an array) into `RawImage`s of the same shape.
 * @throws InpageError `INVALID_INPUT` (an undecodable, zero-size or unreachable image), `ABORTED`.
 * @example
 * const images = await decodeImages(input, signal); // RawImage | RawImage[]
 */
export async function decodeImages(input: unknown, signal: AbortSignal): Promise<RawImage | RawImage[]> {
  if (!Array.isArray(input)) return decodeImage(input as WireImage, 'The image', signal);
  const images = await Promise.all((input as WireImage[]).map((image, index) => decodeImage(image, `Image ${index}`, signal)));
  if (signal.aborted) throw abortError(signal);
  return images;
}
