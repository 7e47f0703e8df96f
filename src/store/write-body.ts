import { readWithin } from '../hub/hub-http.ts';
import { createFileHasher } from './hashing.ts';
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
   * A buffer of the file's size that also receives every byte at its offset. With it, each chunk is
   * written from this buffer behind the hashing, which goes on meanwhile (the bytes are in memory
   * anyway, so the writes need no read-ahead bound), and {@link onHashed} can let a session start
   * before they are done. Without it each chunk is written before the next is hashed.
   */
  hold?: Uint8Array;
  /** Called once the last byte of the file is hashed, before the writes behind it are done (with {@link hold}). */
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
 * after each stored chunk. The body is read as fast as the network delivers it, apart from the
 * (slower) IndexedDB writes and the total read-ahead budget: Chromium drops the bytes a page has
 * not read yet when a connection is cut, so a reader that waits on the store loses most of what
 * was in flight. After a failure the bytes already read are still stored up to the last whole
 * chunk, then the error is thrown.
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
  const budget = target.readAhead ?? readAheadBudget;
  const hasher = await createFileHasher(record, record.hashState);
  const reader = response.body.getReader();
  const queue: Uint8Array[] = [];
  let queued = 0;
  let ended = false;
  let stopped = false;
  let readError: unknown;
  let received = start;
  let wakeWriter: (() => void) | undefined;

  const pump = async (): Promise<void> => {
    try {
      while (!stopped) {
        if (queued > 0 && budget.full) {
          await budget.wait();
          continue;
        }
        const { done, value } = await readWithin(
          reader,
          stallMs,
          () => new TransientError(`"${record.path}": no bytes for ${stallMs / 1000} s, the connection stalled.`),
        );
        if (done) break;
        queue.push(value);
        queued += value.byteLength;
        budget.take(value.byteLength);
        received += value.byteLength;
        target.onBytes?.(record.path, Math.min(received, record.size));
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
  const hold = target.hold;
  const writes = new ChunkWrites(target.store, record);
  const pumping = pump();
  try {
    for (;;) {
      writes.throwIfFailed();
      const value = queue.shift();
      if (!value) {
        if (ended) break;
        await new Promise<void>((resolve) => (wakeWriter = resolve));
        wakeWriter = undefined;
        continue;
      }
      queued -= value.byteLength;
      budget.give(value.byteLength);
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
        if (hold) hold.set(part, position);
        else pending.push(part);
        pendingBytes += take;
        position += take;
        piece = piece.subarray(take);
        if (pendingBytes === record.chunkSize || position === record.size) {
          if (hold) {
            const [from, to] = [position - pendingBytes, position];
            void writes.chunk(() => new Blob([hold.subarray(from, to) as BlobPart]), hasher.save());
          } else {
            const blob = new Blob(pending as BlobPart[]);
            await writes.chunk(() => blob, hasher.save());
            writes.throwIfFailed();
          }
          pending = [];
          pendingBytes = 0;
        }
      }
    }
  } catch (error) {
    stopped = true;
    budget.wakeAll();
    await reader.cancel().catch(() => undefined);
    await pumping;
    await writes.settle({ drop: true });
    throw error;
  } finally {
    budget.give(queued);
    queued = 0;
  }
  await pumping;
  if (position === record.size && readError === undefined) target.onHashed?.(hasher.digest());
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

/**
 * The chunk writes of one body, in order: each chunk Blob, then the record naming it (its chunk
 * count and the hash state after it). They may run behind the hashing (see {@link BodyTarget.hold});
 * the first failure skips the writes after it, and is thrown by the next check.
 */
class ChunkWrites {
  #tail: Promise<void> = Promise.resolve();
  #failed: { error: unknown } | undefined;
  #dropped = false;

  constructor(
    readonly store: BodyStore,
    readonly file: FileRecord,
  ) {}

  /** Queues the next chunk, with the hash state after it. Resolves, never rejects, once it is written or skipped. */
  chunk(blob: () => Blob, hashState: Uint8Array): Promise<void> {
    return this.#then(async () => {
      await this.store.putChunk(this.file, this.file.chunks, blob());
      this.file.chunks += 1;
      this.file.hashState = hashState;
      await this.store.putFile(this.file);
    });
  }

  /** Queues a write of the record as it is. Resolves, never rejects, once it is written or skipped. */
  record(): Promise<void> {
    return this.#then(() => this.store.putFile(this.file));
  }

  /** Throws the first write failure, if any. */
  throwIfFailed(): void {
    if (this.#failed) throw this.#failed.error;
  }

  /** Waits for the queued writes, or (`drop`) only for the one under way. Never rejects: see {@link throwIfFailed}. */
  async settle({ drop = false } = {}): Promise<void> {
    if (drop) this.#dropped = true;
    await this.#tail;
  }

  #then(write: () => Promise<void>): Promise<void> {
    this.#tail = this.#tail.then(async () => {
      if (this.#failed || this.#dropped) return;
      await write().catch((error: unknown) => void (this.#failed = { error }));
    });
    return this.#tail;
  }
}
