import { maxHeldBytes } from './download-file.ts';
import type { PreparedModel } from './prepare-model.ts';

/**
 * Whether a planned file is session weights (an ONNX graph or its external data): the files a
 * load hands to `InferenceSession.create`, whose bytes are worth holding in memory for it.
 */
export const isWeights = (path: string): boolean => /\.onnx(_data(_\d+)?)?$/.test(path);

/**
 * Reads the stored weights of a prepared model into memory (`prepared.held`), each file at once:
 * the reads overlap with the runtime's fetch and compile instead of waiting behind its start on
 * the worker's thread, and the session gets these bytes as they are (see {@link HeldResponse}).
 * Files over {@link maxHeldBytes} stay in the store (read when the session asks for them).
 * @example
 * await holdWeights(prepared); // before the runtime's start blocks the thread
 */
export async function holdWeights(prepared: PreparedModel): Promise<void> {
  const reads = prepared.files
    .filter((file) => isWeights(file.path) && file.size <= maxHeldBytes && !prepared.held.has(file.path))
    .map(async (file) => {
      const blob = prepared.blobs.get(file.path);
      if (blob) prepared.held.set(file.path, await blob.arrayBuffer());
    });
  await Promise.all(reads);
}

/**
 * A `Response` whose `arrayBuffer()` hands over the bytes it was made from, without a copy or a
 * stream (transformers.js reads a cached model file with `arrayBuffer()` alone when no progress
 * callback is set, as inpage calls it). `new Response(buffer)` would copy the bytes into a body
 * stream and copy them again out of it. Its body is empty: `arrayBuffer()` is its one reader.
 * @example
 * return new HeldResponse(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
 */
export class HeldResponse extends Response {
  readonly #bytes: ArrayBuffer;
  constructor(bytes: ArrayBuffer, init?: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.#bytes);
  }
}
