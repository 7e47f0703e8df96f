import { describe, expect, it, vi } from 'vitest';
import { HeldBuffer } from '../../../src/store/held-buffer.ts';
import type { FileRecord } from '../../../src/store/records.ts';
import { TransientError, WrongBodyError, writeBody } from '../../../src/store/write-body.ts';
import { sha256 } from '../../hub/test-fixture.ts';
import { memoryStore } from './memory-store.ts';
import { weightsRecord } from './weights-record.ts';

const chunkSize = 16 * 1024;
const size = 40_000;
const content = new Uint8Array(size).map((_, i) => (i * 13) % 251);

const record = (): FileRecord => weightsRecord(content, chunkSize);

/**
 * A response whose body sends `bytes` in 4 KiB pieces, then ends cleanly or fails; a byte stream
 * (as a browser's fetch body, readable with BYOB) or a default one (as where fetch bodies are not).
 */
function response(bytes: Uint8Array, ending: 'clean' | 'error', type: 'bytes' | 'default'): Response {
  let at = 0;
  const pull = (controller: ReadableStreamDefaultController<Uint8Array> | ReadableByteStreamController): void => {
    if (at < bytes.byteLength) controller.enqueue(bytes.slice(at, (at = Math.min(bytes.byteLength, at + 4096))));
    else if (ending === 'clean') {
      controller.close();
      // A byte stream's pending BYOB read ends only once answered, as a fetch body's does.
      if ('byobRequest' in controller) controller.byobRequest?.respond(0);
    } else controller.error(new TypeError('terminated'));
  };
  const stream = type === 'bytes' ? new ReadableStream({ type: 'bytes', pull }) : new ReadableStream<Uint8Array>({ pull });
  return new Response(stream as ReadableStream<Uint8Array>, { headers: { 'content-length': String(bytes.byteLength) } });
}

describe('a held body (writeBody with hold)', () => {
  it('is read straight into the held buffer where the body is a byte stream (no copy per read)', async () => {
    const store = memoryStore();
    const hold = new HeldBuffer(size);
    const first = hold.bytes.buffer;
    let digest = '';
    await writeBody({ store, hold, onHashed: (hex) => (digest = hex) }, record(), response(content, 'clean', 'bytes'), 0);
    // Each BYOB read moved the bytes to a new ArrayBuffer: the first one is detached.
    expect(first.byteLength).toBe(0);
    expect([hold.lost, sha256(hold.bytes), digest]).toEqual([false, sha256(content), sha256(content)]);
    expect(await store.getFile('test-org/tiny', sha256(content))).toMatchObject({ chunks: 3 });
  });

  it('is copied into the held buffer where the body is not a byte stream', async () => {
    const store = memoryStore();
    const hold = new HeldBuffer(size);
    const first = hold.bytes.buffer;
    await writeBody({ store, hold }, record(), response(content, 'clean', 'default'), 0);
    expect(hold.bytes.buffer).toBe(first);
    expect(sha256(hold.bytes)).toBe(sha256(content));
  });

  it('a read that fails takes the held bytes, and every whole chunk read before it is still stored', async () => {
    const store = memoryStore();
    const hold = new HeldBuffer(size);
    let hashed = false;
    const file = record();
    const failure = await writeBody(
      { store, hold, onHashed: () => (hashed = true) },
      file,
      response(content.slice(0, 36_000), 'error', 'bytes'),
      0,
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientError);
    expect([hold.lost, hashed]).toEqual([true, false]);
    const stored = await store.getFile(file.repo, file.blob);
    expect(stored).toMatchObject({ chunks: 2 });
    expect(sha256(new Uint8Array(await (await store.readFile({ ...file, size: 2 * chunkSize }))!.arrayBuffer()))).toBe(
      sha256(content.slice(0, 2 * chunkSize)),
    );
  });

  it('a body longer than the file fails the download, though its first bytes were the file and were handed over', async () => {
    const store = memoryStore();
    const hold = new HeldBuffer(size);
    let digest = '';
    const longer = new Uint8Array(size + 10);
    longer.set(content);
    const file = record();
    const failure = await writeBody({ store, hold, onHashed: (hex) => (digest = hex) }, file, response(longer, 'clean', 'bytes'), 0).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WrongBodyError);
    expect(digest).toBe(sha256(content));
    expect(sha256(hold.bytes)).toBe(sha256(content));
  });

  it('hands the bytes over once the last byte is hashed, before the body ends', async () => {
    const store = memoryStore();
    const hold = new HeldBuffer(size);
    let handedOver = false;
    let release: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (release = resolve));
    let at = 0;
    // Sends the whole file, then holds the end of the body back until released.
    const stream = new ReadableStream({
      type: 'bytes',
      async pull(controller) {
        if (at < size) return controller.enqueue(content.slice(at, (at = Math.min(size, at + 4096))));
        await ended;
        controller.close();
        controller.byobRequest?.respond(0);
      },
    });
    const body = new Response(stream as ReadableStream<Uint8Array>, { headers: { 'content-length': String(size) } });
    const writing = writeBody({ store, hold, onHashed: () => (handedOver = true) }, record(), body, 0);
    await vi.waitUntil(() => handedOver, { timeout: 5000 });
    release();
    await writing;
    expect(sha256(hold.bytes)).toBe(sha256(content));
  });
});
