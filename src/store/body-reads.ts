import { readWithin } from '../hub/hub-http.ts';
import type { HeldBuffer } from './held-buffer.ts';
import type { ReadAheadBudget } from './write-body.ts';

/** Where a body write takes the body's bytes from, in order. */
export interface BodyReads {
  /** The next bytes, or `undefined` once the body ended or a read failed (see {@link error}). */
  next(): Promise<Uint8Array | undefined>;
  /** The read that failed, if one did. */
  readonly error: unknown;
  /** Whether each read already put its bytes in the held buffer, at their offset. */
  readonly intoHold: boolean;
  /** Stops reading (cancels the body), and returns once no read is under way. */
  stop(): Promise<void>;
}

/** What both kinds of reads need. */
export interface ReadOptions {
  stallMs: number;
  /** The error of a body that sent nothing for `stallMs`. */
  onStall: () => Error;
  /** Called with the byte count of each read. */
  onRead: (bytes: number) => void;
}

/**
 * Reads with a default reader as fast as the network delivers, ahead of the consumer within the
 * shared read-ahead budget: Chromium drops the bytes a page has not read yet when a connection is
 * cut, so a reader that waits on the store loses most of what was in flight.
 */
class ReadAhead implements BodyReads {
  readonly intoHold = false;
  error: unknown;
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #ended = false;
  #stopped = false;
  #wake: (() => void) | undefined;
  readonly #pumping: Promise<void>;

  constructor(
    readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    readonly budget: ReadAheadBudget,
    readonly options: ReadOptions,
  ) {
    this.#pumping = this.#pump();
  }

  async next(): Promise<Uint8Array | undefined> {
    for (;;) {
      const value = this.#queue.shift();
      if (value) {
        this.#queued -= value.byteLength;
        this.budget.give(value.byteLength);
        return value;
      }
      if (this.#ended) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.budget.wakeAll();
    await this.reader.cancel().catch(() => undefined);
    await this.#pumping;
    this.budget.give(this.#queued);
    this.#queued = 0;
    this.#queue.length = 0;
  }

  async #pump(): Promise<void> {
    try {
      while (!this.#stopped) {
        if (this.#queued > 0 && this.budget.full) {
          await this.budget.wait();
          continue;
        }
        const { done, value } = await readWithin(this.reader, this.options.stallMs, this.options.onStall);
        if (done) break;
        this.#queue.push(value);
        this.#queued += value.byteLength;
        this.budget.take(value.byteLength);
        this.options.onRead(value.byteLength);
        this.#wake?.();
      }
    } catch (error) {
      this.error = error;
      this.reader.cancel().catch(() => undefined);
    } finally {
      this.#ended = true;
      this.#wake?.();
    }
  }
}

/**
 * Reads a held body straight into the held buffer with a BYOB reader, from `start`: no copy per
 * read, and no read-ahead (the bytes are in memory where they belong). Each read moves the buffer,
 * so the consumer must be done with the bytes of one read (hashed, made into chunk Blobs) before it
 * asks for the next. Past the file's end it reads into a scratch byte, so a body longer than the
 * file shows as bytes beyond it.
 */
class HeldReads implements BodyReads {
  readonly intoHold = true;
  error: unknown;
  #position: number;
  #done = false;

  constructor(
    readonly reader: ReadableStreamBYOBReader,
    readonly hold: HeldBuffer,
    start: number,
    readonly options: ReadOptions,
  ) {
    this.#position = start;
  }

  async next(): Promise<Uint8Array | undefined> {
    if (this.#done) return undefined;
    const room = this.hold.size - this.#position;
    const view = room > 0 ? new Uint8Array(this.hold.bytes.buffer, this.#position, room) : new Uint8Array(1);
    try {
      const { done, value } = await readWithin({ read: () => this.reader.read(view) }, this.options.stallMs, this.options.onStall);
      if (room > 0 && value) this.hold.bytes = new Uint8Array(value.buffer);
      if (done) {
        this.#done = true;
        return undefined;
      }
      if (room > 0) this.#position += value.byteLength;
      this.options.onRead(value.byteLength);
      return value;
    } catch (error) {
      // The read under way keeps the buffer: the held bytes are lost (`hold.lost`), not the stored ones.
      this.error = error;
      this.#done = true;
      this.reader.cancel().catch(() => undefined);
      return undefined;
    }
  }

  async stop(): Promise<void> {
    this.#done = true;
    await this.reader.cancel().catch(() => undefined);
  }
}

/**
 * The reads of a body from `start`: straight into `hold` where the body is a byte stream (see
 * {@link HeldReads}), else with a default reader ahead of the consumer (see {@link ReadAhead}),
 * each read then copied into `hold` by the consumer when there is one.
 * @example
 * const reads = bodyReads(response.body, hold, start, readAheadBudget, options);
 */
export function bodyReads(
  body: ReadableStream<Uint8Array>,
  hold: HeldBuffer | undefined,
  start: number,
  budget: ReadAheadBudget,
  options: ReadOptions,
): BodyReads {
  const byob = hold ? byobReader(body) : undefined;
  return hold && byob ? new HeldReads(byob, hold, start, options) : new ReadAhead(body.getReader(), budget, options);
}

/** A BYOB reader of `body`, or `undefined` where the browser's fetch bodies are not byte streams. */
function byobReader(body: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return body.getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
}
