/**
 * The image inputs of the vision tasks, as callers give them ({@link ImageInput}) and as they cross
 * to the worker ({@link WireImage}), and their limits. The main-thread conversion is `image-input.ts`
 * (loaded with the vision task modules), the worker's decoding `worker/image-decoding.ts`.
 * @module
 */

/**
 * Raw pixels, row-major from the top-left corner: `width × height × channels` bytes (RGBA when
 * `channels` is 4, the default; RGB for 3; grey for 1). Copied on the main thread unless the call
 * passes `{ transfer: true }`, which moves (detaches) `data.buffer` instead.
 * @example
 * const red: ImagePixels = { data: new Uint8ClampedArray(16 * 16 * 4).map((_, i) => (i % 4 === 1 || i % 4 === 2 ? 0 : 255)), width: 16, height: 16 };
 */
export interface ImagePixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
  /** @default 4 */
  channels?: 1 | 3 | 4;
}

/**
 * One image, in any form a page has:
 * - `Blob` / `File` (PNG, JPEG, WebP, GIF, … whatever the browser decodes) and `ImageBitmap` go to
 *   the worker as they are and are decoded there;
 * - `ImageData`, {@link ImagePixels}, `HTMLImageElement`, `HTMLCanvasElement` and `OffscreenCanvas`
 *   become RGBA pixels on the main thread at call time (a canvas drawn on later does not change the call);
 * - a `URL` or a URL string (relative to the page) is fetched by inpage in the worker with the
 *   call's signal, without credentials of other origins and never with the Hub token.
 *
 * A caller's `ImageData`, pixels or `ImageBitmap` is copied unless the call passes
 * `{ transfer: true }`, which moves it to the worker (the caller's copy is detached, or closed).
 * Buffers inpage creates are always moved, never copied.
 * @example
 * await classifier.run(fileInput.files[0]);          // a File
 * await classifier.run(canvas);                       // what the canvas shows now
 * await classifier.run('/photos/cat.png');            // fetched in the worker
 * await classifier.run(imageData, { transfer: true }); // imageData.data is detached afterwards
 */
export type ImageInput =
  Blob | ImageBitmap | ImageData | ImagePixels | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | URL | string;

/**
 * The input of a vision task: one image, or several classified in one inference.
 * @example
 * const input: ImagesInput = [blob, canvas];
 */
export type ImagesInput = ImageInput | readonly ImageInput[];

/**
 * The call option every vision task takes: move the caller's buffers instead of copying them.
 * @example
 * await model.run(imageData, { transfer: true }); // imageData.data.byteLength === 0 afterwards
 */
export interface ImageTransferOption {
  /**
   * Move the caller's `ImageData` / pixel buffer / `ImageBitmap` to the worker instead of copying it;
   * the caller's one is detached (an `ImageBitmap` is closed). Blobs, elements and canvases are
   * never detached.
   * @default false
   */
  transfer?: boolean;
}

/**
 * One image as it crosses to the worker: RGBA (or RGB, grey) pixels, a bitmap, an undecoded blob,
 * or an absolute URL the worker fetches.
 * @example
 * const wire: WireImage = { kind: 'url', url: 'https://example.com/cat.png' };
 */
export type WireImage =
  | { kind: 'pixels'; data: Uint8ClampedArray | Uint8Array; width: number; height: number; channels: 1 | 3 | 4 }
  /** `moved`: in the call's transfer list (inpage's own bitmap, or the caller's with `transfer: true`). */
  | { kind: 'bitmap'; bitmap: ImageBitmap; moved: boolean }
  | { kind: 'blob'; blob: Blob }
  | { kind: 'url'; url: string };

/**
 * What a vision task sends to the worker: one wire image for one input image, an array for an array.
 * @example
 * const wire: WireImages = [{ kind: 'blob', blob }];
 */
export type WireImages = WireImage | WireImage[];

/**
 * An image as the worker's pipeline half sees it: transformers.js's `RawImage`, typed by the fields
 * task modules may read (they never import transformers.js).
 * @example
 * const size = `${image.width}×${image.height}`;
 */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/**
 * The decoded input of a vision task's pipeline half: one image, or an array (as the call gave it).
 * @example
 * const count = Array.isArray(images) ? images.length : 1;
 */
export type DecodedImages = DecodedImage | readonly DecodedImage[];

/**
 * Limits on one image, so that a mistake fails fast instead of exhausting the worker's memory.
 * @example
 * if (file.size > imageLimits.maxBytes) showTooLarge();
 */
export const imageLimits = Object.freeze({
  /** Bytes of an encoded image (a `Blob`, or a URL's response). */
  maxBytes: 64 * 1024 * 1024,
  /** Pixels of a decoded image (`width × height`): 50 megapixels. */
  maxPixels: 50_000_000,
  /** Images per call. */
  maxImages: 256,
});
