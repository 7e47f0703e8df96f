import type { FileRecord } from './records.ts';
import type { BodyStore } from './write-body.ts';

/**
 * The chunk writes of one body, in order: each chunk Blob, then the record naming it (its chunk
 * count and the hash state after it). They may run behind the hashing (see `BodyTarget.hold`);
 * the first failure skips the writes after it, and is thrown by the next check.
 */
export class ChunkWrites {
  #tail: Promise<void> = Promise.resolve();
  #failed: { error: unknown } | undefined;
  #dropped = false;

  constructor(
    readonly store: BodyStore,
    readonly file: FileRecord,
  ) {}

  /** Queues the next chunk, with the hash state after it. Resolves, never rejects, once it is written or skipped. */
  chunk(blob: Blob, hashState: Uint8Array): Promise<void> {
    return this.#then(async () => {
      await this.store.putChunk(this.file, this.file.chunks, blob);
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
