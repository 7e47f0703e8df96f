import { describe, expect, it, vi } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import { isConnectionFailure, resolveSnapshot } from '../../../src/hub/hub-client.ts';
import type { RepoFile, RepoSnapshot } from '../../../src/hub/hub-client.ts';
import { downloadFile } from '../../../src/store/download-file.ts';
import type { DownloadContext } from '../../../src/store/download-file.ts';
import { blobId } from '../../../src/store/records.ts';
import type { FileRecord } from '../../../src/store/records.ts';
import { ReadAheadBudget, TransientError, writeBody } from '../../../src/store/write-body.ts';
import { fixtureFiles, sha256 } from '../../hub/test-fixture.ts';
import { gatedToken, useHubServer } from '../hub/support.ts';
import { memoryStore } from './memory-store.ts';
import { weightsRecord } from './weights-record.ts';

const hub = useHubServer();
const chunkSize = 16 * 1024;

async function setup(
  repo = 'test-org/tiny',
  token?: string,
): Promise<{ snapshot: RepoSnapshot; context: DownloadContext; file: (path: string) => RepoFile }> {
  const config = hub.config(token ? { token } : {});
  const snapshot = await resolveSnapshot(config, repo, 'main');
  hub.server().clearRequests();
  const context: DownloadContext = { hub: config, store: memoryStore(), repo, commit: snapshot.commit, chunkSize, retries: 3 };
  const file = (path: string): RepoFile => {
    const found = snapshot.files.find((entry) => entry.path === path);
    if (!found) throw new Error(`no ${path}`);
    return found;
  };
  return { snapshot, context, file };
}

async function storedSha256(context: DownloadContext, file: RepoFile): Promise<string> {
  const record = await context.store.getFile(context.repo, blobId(file));
  const blob = record && (await context.store.readFile(record));
  return sha256(new Uint8Array(await (blob ?? new Blob()).arrayBuffer()));
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const realFetch = globalThis.fetch;

/** The response with a body that ends where the connection closed, without an error. */
function endsCleanly(response: Response): Response {
  const source = response.body?.getReader();
  if (!source) return response;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await source.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch {
        controller.close();
      }
    },
    cancel: (reason) => source.cancel(reason),
  });
  const relayed = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  Object.defineProperty(relayed, 'url', { value: response.url });
  return relayed;
}

const rangeStart = (range: string | undefined): number => Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? NaN);

describe('resumes', () => {
  it('resumes with Range from a mirror that serves the weights on its own origin (token kept there)', async () => {
    const server = hub.server();
    server.knobs.lfsOnHub = true;
    const { context, file } = await setup('test-org/tiny', gatedToken);
    const model = file('onnx/model.onnx');
    const cut = Math.floor(model.size / 2);
    server.faults.add({ origin: 'hub', file: 'onnx/model.onnx', cutAfterBytes: cut, times: 1 });
    const record = await downloadFile(context, model);
    expect(record.verified).toBe(true);
    const gets = server.requestsFor('onnx/model.onnx').filter((r) => r.method === 'GET');
    expect(gets.map((r) => r.origin)).toEqual(['hub', 'hub']);
    expect(rangeStart(gets[1]?.range)).toBeGreaterThanOrEqual(cut - chunkSize);
    expect(gets.every((r) => r.headers.authorization === `Bearer ${gatedToken}`)).toBe(true);
    expect(await storedSha256(context, model)).toBe(sha256(fixtureFiles.model));
    console.info(`same-origin mirror, cut at ${cut} of ${model.size}: Range from ${rangeStart(gets[1]?.range)}`);
  });

  it('resumes with Range on the CDN, without the token', async () => {
    const server = hub.server();
    const { context, file } = await setup('test-org/tiny', gatedToken);
    const model = file('onnx/model.onnx');
    server.faults.add({ origin: 'cdn', file: 'onnx/model.onnx', cutAfterBytes: 60_000, times: 1 });
    await downloadFile(context, model);
    const ranged = server.requestsFor('onnx/model.onnx', 'cdn').filter((r) => r.range);
    expect(ranged.length).toBe(1);
    expect(rangeStart(ranged[0]?.range)).toBe(Math.floor(60_000 / chunkSize) * chunkSize);
    expect(server.requestsFor('onnx/model.onnx', 'hub').every((r) => r.headers.authorization === `Bearer ${gatedToken}`)).toBe(true);
    expect(await storedSha256(context, model)).toBe(sha256(fixtureFiles.model));
  });

  it('a body that stalls is dropped after the stall deadline and resumed', async () => {
    const server = hub.server();
    const { context, file } = await setup();
    const model = file('onnx/model.onnx');
    server.faults.add({ origin: 'cdn', file: 'onnx/model.onnx', stallAfterBytes: 40_000, times: 1 });
    const started = Date.now();
    await downloadFile(context, model);
    expect(Date.now() - started).toBeLessThan(10_000); // the real deadline is 20 s
    expect(rangeStart(server.requestsFor('onnx/model.onnx', 'cdn').at(-1)?.range)).toBe(32_768);
    expect(await storedSha256(context, model)).toBe(sha256(fixtureFiles.model));
  });

  it('honours Retry-After on a 429 of a file', async () => {
    const server = hub.server();
    const { context, file } = await setup();
    server.faults.add({ origin: 'hub', file: 'config.json', status: 429, retryAfter: '1', times: 1 });
    const started = Date.now();
    await downloadFile(context, file('config.json'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it.each([
    { status: 503, outcome: 'is tried again', code: undefined },
    { status: 404, outcome: 'is FILE_NOT_FOUND, not retried', code: 'FILE_NOT_FOUND' },
  ])('a later load whose HEAD (to find where to resume) answers $status $outcome', async ({ status, code }) => {
    const server = hub.server();
    const { context, file } = await setup();
    const model = file('onnx/model.onnx');
    server.faults.add({ origin: 'cdn', file: 'onnx/model.onnx', cutAfterBytes: 40_000, times: 1 });
    expect(await failure(downloadFile({ ...context, retries: 0 }, model))).toMatchObject({ code: 'NETWORK' });
    let heads = 0;
    const headFails = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) =>
      init?.method === 'HEAD' && ++heads === 1 ? new Response('<html>no</html>', { status }) : realFetch(input, init),
    );
    vi.stubGlobal('fetch', headFails);
    try {
      const download = downloadFile(context, model);
      if (code) {
        expect(await failure(download)).toMatchObject({ code });
        expect(heads).toBe(1);
      } else {
        await download;
        expect(heads).toBe(2);
        expect(await storedSha256(context, model)).toBe(sha256(fixtureFiles.model));
      }
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('stored state from another build', () => {
  it('a partial download whose hash state another hash-wasm build saved restarts that file, never fails', async () => {
    const server = hub.server();
    const { context, file } = await setup();
    const model = file('onnx/model.onnx');
    // Two chunks stored, and the hash state an upgraded hash-wasm finds: one it cannot load.
    const partial: FileRecord = {
      repo: context.repo,
      blob: blobId(model),
      path: model.path,
      size: model.size,
      oid: model.oid,
      chunkSize,
      chunks: 2,
      hashState: new Uint8Array(400).fill(7),
      verified: false,
      updatedAt: 0,
    };
    if (model.sha256) partial.sha256 = model.sha256;
    for (let i = 0; i < 2; i++)
      await context.store.putChunk(partial, i, new Blob([fixtureFiles.model.subarray(i * chunkSize, (i + 1) * chunkSize) as BlobPart]));
    await context.store.putFile(partial);
    server.clearRequests();
    const record = await downloadFile(context, model);
    expect(record.verified).toBe(true);
    expect(
      server
        .requestsFor('onnx/model.onnx', 'cdn')
        .filter((r) => r.method === 'GET')
        .map((r) => r.range ?? null),
    ).toEqual([null]);
    expect(await storedSha256(context, model)).toBe(sha256(fixtureFiles.model));
  });
});

describe('encoded bodies (gzip with the compressed Content-Length)', () => {
  it.each(['config.json', 'onnx/model.onnx'])('checks %s on the decoded bytes', async (path) => {
    hub.server().knobs.gzip = path;
    const { context, file } = await setup();
    const record = await downloadFile(context, file(path));
    expect(record.verified).toBe(true);
    const response = hub
      .server()
      .requestsFor(path)
      .find((r) => r.bytesSent > 0);
    expect(response?.bytesSent).not.toBe(file(path).size);
  });

  it('resumes with Range after a body that ended cleanly at 50%, short of its Content-Length (not a hidden encoding)', async () => {
    const server = hub.server();
    const { context, file } = await setup();
    const model = file('onnx/model.onnx');
    const end = Math.floor(model.size / 2);
    server.faults.add({ origin: 'cdn', file: 'onnx/model.onnx', endAfterBytes: end, times: 1 });
    // Node's fetch and Chromium report that close as a length mismatch; a lenient runtime (or a
    // service worker relaying the body) ends the stream instead, as this one does.
    const lenient = vi.fn(async (...args: Parameters<typeof fetch>) => endsCleanly(await realFetch(...args)));
    vi.stubGlobal('fetch', lenient);
    try {
      await downloadFile(context, model);
    } finally {
      vi.unstubAllGlobals();
    }
    const resumedAt = Math.floor(end / chunkSize) * chunkSize;
    const gets = server.requestsFor('onnx/model.onnx', 'cdn').filter((r) => r.method === 'GET');
    expect(gets.map((r) => [r.range, r.bytesSent])).toEqual([
      [undefined, end],
      [`bytes=${resumedAt}-`, model.size - resumedAt],
    ]);
    expect(await storedSha256(context, model)).toBe(sha256(fixtureFiles.model));
  });

  it('restarts a cut encoded body from byte 0, never with Range', async () => {
    const server = hub.server();
    server.knobs.gzip = 'vocab.txt';
    const { context, file } = await setup();
    server.faults.add({ origin: 'cdn', file: 'vocab.txt', cutAfterBytes: 700_000, times: 1 });
    const vocab = file('vocab.txt');
    await downloadFile(context, vocab);
    const gets = server.requestsFor('vocab.txt', 'cdn').filter((r) => r.method === 'GET');
    expect(gets.length).toBe(2);
    expect(gets.map((r) => r.range)).toEqual([undefined, undefined]);
    expect(await storedSha256(context, vocab)).toBe(sha256(fixtureFiles.vocab));
  });
});

describe('wrong bodies', () => {
  it('a body longer than the listed size is INTEGRITY, not NETWORK', async () => {
    const { context, file } = await setup();
    const config = file('config.json');
    const error = await failure(downloadFile(context, { ...config, size: config.size - 5 }));
    expect(isInpageError(error, 'INTEGRITY')).toBe(true);
    expect(hub.server().requestsFor('config.json').length).toBe(2);
  });

  it('a body shorter than the listed size (complete by its own length) is INTEGRITY', async () => {
    const { context, file } = await setup();
    const config = file('config.json');
    const error = await failure(downloadFile(context, { ...config, size: config.size + 5 }));
    expect(isInpageError(error, 'INTEGRITY')).toBe(true);
  });

  it('a redirect to file: is a clear error, not a connection failure, and is not retried', async () => {
    const server = hub.server();
    const { context, file } = await setup();
    server.faults.add({ origin: 'hub', file: 'config.json', redirect: 'file:///etc/passwd' });
    const error = await failure(downloadFile(context, file('config.json')));
    expect(isInpageError(error, 'NETWORK')).toBe(true);
    expect(isConnectionFailure(error)).toBe(false);
    expect(error.message).toMatch(/file: location/);
    expect(server.requestsFor('config.json').filter((r) => r.method === 'GET').length).toBe(1);
  });
});

describe('read-ahead memory', () => {
  it('is bounded in total across concurrent downloads, not per file', async () => {
    const { context, file } = await setup();
    const store = memoryStore();
    store.putChunkDelayMs = 30; // IndexedDB slower than the network: read-ahead piles up.
    const budget = new ReadAheadBudget(256 * 1024);
    const shared = { ...context, chunkSize: 64 * 1024, store, readAhead: budget };
    await Promise.all([
      downloadFile(shared, file('vocab.txt')),
      downloadFile(shared, file('onnx/model.onnx')),
      downloadFile(shared, file('onnx/model_quantized.onnx')),
    ]);
    // At most the budget, plus one network read per file that had nothing queued.
    expect(budget.peak).toBeGreaterThan(0);
    expect(budget.peak).toBeLessThanOrEqual(budget.limit + 3 * 64 * 1024);
    expect(budget.used).toBe(0);
  });
});

describe('hidden encodings (writeBody)', () => {
  const size = 40_000;
  const content = new Uint8Array(size).map((_, i) => (i * 7) % 251);
  const record = (): FileRecord => weightsRecord(content, chunkSize);

  /** A body of `bytes` of the file, under `Content-Length: declared` (no Content-Encoding), that ends cleanly or fails. */
  const body = (bytes: number, declared: number, ending: 'clean' | 'error'): Response => {
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at < bytes) controller.enqueue(content.slice(at, (at = Math.min(bytes, at + 4096))));
        else if (ending === 'clean') controller.close();
        else controller.error(new TypeError('terminated'));
      },
    });
    return new Response(stream, { headers: { 'content-length': String(declared) } });
  };

  it('a body that ends cleanly short of its Content-Length is a cut: not encoded, resumable from its stored chunks', async () => {
    const store = memoryStore();
    const file = record();
    const failure = await writeBody({ store }, file, body(20_000, size, 'clean'), 0).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientError);
    expect([file.encoded, (await store.getFile(file.repo, file.blob))?.encoded]).toEqual([undefined, undefined]);
    expect(await store.getFile(file.repo, file.blob)).toMatchObject({ chunks: 1 });
  });

  it('a body whose decoded bytes run past its Content-Length is encoded (CORS hid Content-Encoding), stored so at once', async () => {
    const store = memoryStore();
    const file = record();
    const failure = await writeBody({ store }, file, body(30_000, 20_000, 'error'), 0).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransientError);
    expect(await store.getFile(file.repo, file.blob)).toMatchObject({ chunks: 1, encoded: true });
  });
});
