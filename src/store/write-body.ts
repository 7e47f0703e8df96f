import { createFileHasher } from './hashing.ts';
import type { ModelStore } from './idb-store.ts';
import type { FileRecord } from './records.ts';

/** An error worth retrying by resuming from what is stored (cut connection, 5xx, HTML page). */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** What {@link writeBody} needs from the download. */
export interface BodyTarget {
  store: ModelStore;
  /** Called with the bytes of the file received so far. */
  onBytes?: (path: string, loaded: number) => void;
}

/** A body that sends nothing for this long is treated as a dropped connection (and resumed). */
export const stallTimeoutMs = 20_000;

/** `reader.read()`, failing with a {@link TransientError} when no bytes come for `ms`. */
async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  ms: number,
  path: string,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransientError(`"${path}": no bytes for ${ms / 1000} s, the connection stalled.`)), ms);
  });
  try {
    return await Promise.race([reader.read(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/** Bytes read ahead of the store writes at most (per file). */
const readAheadChunks = 4;
/** …and at least this many, so a small chunk size does not stall reading. */
const minReadAhead = 32 * 1024 * 1024;

/**
 * Streams a response body into chunk Blobs, hashing as bytes arrive and saving the hash state
 * after each stored chunk. The body is read as fast as the network delivers it, apart from the
 * (slower) IndexedDB writes: Chromium drops the bytes a page has not read yet when a connection
 * is cut, so a reader that waits on the store loses most of what was in flight. After a failure
 * the bytes already read are still stored up to the last whole chunk, then the error is thrown.
 *
 * @throws TransientError when the connection drops or the body has the wrong length;
 *   the store's errors (quota) and `AbortError` as they are.
 * @example
 * await writeBody({ store }, record, response, storedBytes(record));
 */
export async function writeBody(target: BodyTarget, record: FileRecord, response: Response, start: number): Promise<void> {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) !== record.size - start) {
    await response.body?.cancel().catch(() => undefined);
    throw new TransientError(`"${record.path}": the server sent ${declared} bytes where ${record.size - start} were expected.`);
  }
  if (!response.body) throw new TransientError(`"${record.path}": empty response body.`);
  const hasher = await createFileHasher(record, record.hashState);
  const reader = response.body.getReader();
  const queue: Uint8Array[] = [];
  let queued = 0;
  let ended = false;
  let stopped = false;
  let readError: unknown;
  let received = start;
  let wakeWriter: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;
  const highWater = Math.max(readAheadChunks * record.chunkSize, minReadAhead);

  const pump = async (): Promise<void> => {
    try {
      while (!stopped) {
        if (queued >= highWater) {
          await new Promise<void>((resolve) => (wakeReader = resolve));
          continue;
        }
        const { done, value } = await readWithin(reader, stallTimeoutMs, record.path);
        if (done) break;
        queue.push(value);
        queued += value.byteLength;
        received += value.byteLength;
        target.onBytes?.(record.path, received);
        wakeWriter?.();
      }
    } catch (error) {
      readError = error;
      reader.cancel().catch(() => undefined);
    } finally {
      ended = true;
      wakeWriter?.();
    }
  };

  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let position = start;
  const flush = async (): Promise<void> => {
    await target.store.putChunk(record, record.chunks, new Blob(pending as BlobPart[]));
    record.chunks += 1;
    record.hashState = hasher.save();
    await target.store.putFile(record);
    pending = [];
    pendingBytes = 0;
  };
  const pumping = pump();
  try {
    for (;;) {
      const value = queue.shift();
      if (!value) {
        if (ended) break;
        await new Promise<void>((resolve) => (wakeWriter = resolve));
        wakeWriter = undefined;
        continue;
      }
      queued -= value.byteLength;
      wakeReader?.();
      wakeReader = undefined;
      if (position + value.byteLength > record.size) throw new TransientError(`"${record.path}" is longer than the Hub says.`);
      let piece = value;
      while (piece.byteLength > 0) {
        const take = Math.min(piece.byteLength, record.chunkSize - pendingBytes);
        const part = piece.subarray(0, take);
        hasher.update(part);
        pending.push(part);
        pendingBytes += take;
        position += take;
        piece = piece.subarray(take);
        if (pendingBytes === record.chunkSize || position === record.size) await flush();
      }
    }
  } catch (error) {
    stopped = true;
    wakeReader?.();
    await reader.cancel().catch(() => undefined);
    await pumping;
    throw error;
  }
  await pumping;
  if (readError !== undefined) {
    if (readError instanceof DOMException && readError.name === 'AbortError') throw readError;
    throw new TransientError(`the connection dropped while downloading "${record.path}": ${String(readError)}`);
  }
  if (position !== record.size) throw new TransientError(`"${record.path}" ended after ${position} of ${record.size} bytes.`);
}
