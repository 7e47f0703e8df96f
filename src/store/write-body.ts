import { bodyReads } from './body-reads.ts';
import type { ReadOptions } from './body-reads.ts';
import { ChunkWrites } from './chunk-writes.ts';
import { createFileHasher } from './hashing.ts';
import type { HeldBuffer } from './held-buffer.ts';
import type { ModelStore } from './idb-store.ts';
import type { FileRecord } from './records.ts';

/** An error worth retrying by resuming from what is stored (cut connection, 5xx, HTML page). */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  /** The server's `Retry-After`, in ms, when it sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

/** The server sent other bytes than the file listed (too long, or a different length): like a hash mismatch. */
export class WrongBodyError extends Error {
  override readonly name = 'WrongBodyError';
}

/** The store calls a body write makes. */
export type BodyStore = Pick<ModelStore, 'putChunk' | 'putFile'>;

/** What {@link writeBody} needs from the download. */
export interface BodyTarget {
  store: BodyStore;
  /** Called with the bytes of the file received so far. */
  onBytes?: (path: string, loaded: number) => void;
  /** A body that sends no byte for this long is a dropped connection. @default 20 000 */
  stallTimeoutMs?: number;
  /** The read-ahead budget shared by every download. @default {@link readAheadBudget} */
  readAhead?: ReadAheadBudget;
  /**
   * A buffer of the file's size that receives every byte at its offset: read straight into it
   * where the browser can (see `HeldReads`). With it, each chunk is written from this buffer
   * behind the hashing, which goes on meanwhile (the bytes are in memory anyway, so the writes need
   * no read-ahead bound), and {@link onHashed} can let a session start before they are done.
   * Without it each chunk is written before the next is hashed.
   */
  hold?: HeldBuffer;
  /** Called once the last byte of the file is hashed, before the writes behind it and the end of the body. */
  onHashed?: (digest: string) => void;
}

/** A body that sends nothing for this long is treated as a dropped connection (and resumed). */
export const stallTimeoutMs = 20_000;

/**
 * Bytes read from the network but not yet taken by the store writes, counted across every file
 * being downloaded: the memory read-ahead may use is bounded in total, not per file. A reader
 * whose own queue is empty may always read once more, so no download starves.
 * @example
 * const budget = new ReadAheadBudget(64 * 1024 * 1024);
 */
export class ReadAheadBudget {
  /** Bytes queued now, and the most ever queued at once. */
  used = 0;
  peak = 0;
  readonly #waiters = new Set<() => void>();
  constructor(readonly limit: number) {}
  take(bytes: number): void {
    this.used += bytes;
    this.peak = Math.max(this.peak, this.used);
  }
  give(bytes: number): void {
    this.used -= bytes;
    this.wakeAll();
  }
  get full(): boolean {
    return this.used >= this.limit;
  }
  /** Resolves at the next {@link give} (or {@link wakeAll}). */
  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiters.add(resolve));
  }
  wakeAll(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    waiters.forEach((wake) => wake());
  }
}

/** The default budget, shared by every download of this worker: 64 MiB of read-ahead in all. */
export const readAheadBudget = new ReadAheadBudget(64 * 1024 * 1024);

const isEncoded = (response: Response): boolean => {
  const encoding = response.headers.get('content-encoding')?.trim().toLowerCase();
  return Boolean(encoding) && encoding !== 'identity';
};

/**
 * Streams a response body into chunk Blobs, hashing as bytes arrive and saving the hash state
 * after each stored chunk. A body is read as fast as the network delivers it, apart from the
 * (slower) IndexedDB writes and the total read-ahead budget (see `ReadAhead`); a held body
 * straight into its buffer (see `HeldReads`). After a failure the bytes already read are
 * still stored up to the last whole chunk, then the error is thrown.
 * With {@link BodyTarget.hold} the writes run behind the hashing; it returns once they are done.
 *
 * Lengths are checked on the decoded bytes: a body sent with `Content-Encoding` (gzip from a CDN
 * or mirror) declares its compressed length, so `Content-Length` is only a hint. Such a body is
 * marked `encoded` on the record, and is never resumed with `Range` (a range of the compressed
 * representation is not a range of the file). So is a body whose decoded bytes run past its
 * `Content-Length` (an encoding that CORS hid); a body that ends short of it is a cut, and resumes.
 *
 * @throws TransientError when the connection drops or stalls; WrongBodyError when the body is
 *   longer than the file, or ends cleanly at a length other than the file's;
 *   the store's errors (quota) and `AbortError` as they are.
 * @example
 * await writeBody({ store }, record, response, storedBytes(record));
 */
export async function writeBody(target: BodyTarget, record: FileRecord, response: Response, start: number): Promise<void> {
  if (!response.body) throw new TransientError(`"${record.path}": empty response body.`);
  const declared = response.headers.get('content-length');
  const declaredLength = declared === null ? Infinity : Number(declared);
  if (isEncoded(response)) record.encoded = true;
  const stallMs = target.stallTimeoutMs ?? stallTimeoutMs;
  const hasher = await createFileHasher(record, record.hashState);
  let received = start;
  const options: ReadOptions = {
    stallMs,
    onStall: () => new TransientError(`"${record.path}": no bytes for ${stallMs / 1000} s, the connection stalled.`),
    onRead: (bytes) => {
      received += bytes;
      target.onBytes?.(record.path, Math.min(received, record.size));
    },
  };
  const hold = target.hold;
  const reads = bodyReads(response.body, hold, start, target.readAhead ?? readAheadBudget, options);
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let position = start;
  const writes = new ChunkWrites(target.store, record);
  try {
    for (;;) {
      writes.throwIfFailed();
      const value = await reads.next();
      if (!value) break;
      if (position + value.byteLength > record.size) {
        throw new WrongBodyError(`"${record.path}" is longer than the ${record.size} bytes the Hub lists.`);
      }
      if (!record.encoded && position + value.byteLength - start > declaredLength) {
        // More decoded bytes than the server declared: an encoding hidden from us (CORS hides
        // Content-Encoding). Stored at once, so no later load resumes it with Range either.
        record.encoded = true;
        const recorded = writes.record();
        if (!hold) await recorded.then(() => writes.throwIfFailed());
      }
      let piece = value;
      while (piece.byteLength > 0) {
        const take = Math.min(piece.byteLength, record.chunkSize - pendingBytes);
        const part = piece.subarray(0, take);
        hasher.update(part);
        if (!hold) pending.push(part);
        else if (!reads.intoHold) hold.bytes.set(part, position);
        pendingBytes += take;
        position += take;
        piece = piece.subarray(take);
        if (pendingBytes === record.chunkSize || position === record.size) {
          // The last byte is hashed: a session may start from the held bytes now, before the last
          // chunk and the end of the body (bytes past the file's end still fail the download).
          if (position === record.size) target.onHashed?.(hasher.digest());
          if (hold) {
            // Made now: the next read moves the held bytes to another buffer.
            void writes.chunk(new Blob([hold.bytes.subarray(position - pendingBytes, position) as BlobPart]), hasher.save());
          } else {
            await writes.chunk(new Blob(pending as BlobPart[]), hasher.save());
            writes.throwIfFailed();
          }
          pending = [];
          pendingBytes = 0;
        }
      }
    }
  } catch (error) {
    await reads.stop();
    await writes.settle({ drop: true });
    throw error;
  }
  const readError = reads.error;
  // Every byte read is stored up to the last whole chunk, also after a cut or an abort: a resume
  // downloads none of it again.
  await writes.settle();
  if (readError instanceof DOMException && readError.name === 'AbortError') throw readError;
  writes.throwIfFailed();
  if (readError !== undefined) {
    if (readError instanceof TransientError) throw readError;
    throw new TransientError(`the connection dropped while downloading "${record.path}": ${String(readError)}`);
  }
  if (position === record.size) return;
  // A clean end short of the file. With an unencoded body of exactly its declared length, the
  // server's file is another size. Shorter than declared is a cut whose close looked clean: it
  // resumes from the stored chunks like any cut (a hidden encoding shows as a body running longer).
  if (!record.encoded && declared !== null && declaredLength === position - start) {
    throw new WrongBodyError(`"${record.path}" is ${position} bytes on the server, not the ${record.size} the Hub lists.`);
  }
  throw new TransientError(`"${record.path}" ended after ${position} of ${record.size} bytes.`);
}
