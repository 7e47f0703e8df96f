/**
 * The memory a held download reads its file into (see `BodyTarget.hold`). The body is read
 * straight into it where the browser can (a BYOB reader: no copy of each read), which moves the
 * bytes to a new `ArrayBuffer` on every read, and a read that fails takes them with it. So the
 * download keeps the current buffer here, and {@link HeldBuffer.lost} tells a retry to refill it.
 * @example
 * const hold = new HeldBuffer(record.size);
 */
export class HeldBuffer {
  /** The file's bytes, at their offsets (those not read yet are zero). */
  bytes: Uint8Array;
  constructor(readonly size: number) {
    this.bytes = new Uint8Array(size);
  }
  /** Whether a failed read took the bytes: they must be refilled before a retry holds again. */
  get lost(): boolean {
    return this.bytes.byteLength !== this.size;
  }
  /** Starts over from `prefix` (the bytes stored before a retry's start), in a new buffer. */
  refill(prefix: Uint8Array): void {
    this.bytes = new Uint8Array(this.size);
    this.bytes.set(prefix);
  }
}
