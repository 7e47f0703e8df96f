import { describe, expect, it, vi } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import { resolveSnapshot } from '../../../src/hub/hub-client.ts';
import type { RepoFile } from '../../../src/hub/hub-client.ts';
import { downloadFile } from '../../../src/store/download-file.ts';
import type { DownloadContext } from '../../../src/store/download-file.ts';
import { HeldResponse, isWeights } from '../../../src/store/held-bytes.ts';
import { blobId } from '../../../src/store/records.ts';
import { fixtureFiles, sha256 } from '../../hub/test-fixture.ts';
import { useHubServer } from '../hub/support.ts';
import { memoryStore } from './memory-store.ts';

const hub = useHubServer();
const chunkSize = 16 * 1024;

/** The store with another `putChunk` (a slow or failing disk). */
function withPutChunk(store: DownloadContext['store'], putChunk: DownloadContext['store']['putChunk']): DownloadContext['store'] {
  return {
    getFile: store.getFile.bind(store),
    putFile: store.putFile.bind(store),
    deleteFile: store.deleteFile.bind(store),
    isIntact: store.isIntact.bind(store),
    readFile: store.readFile.bind(store),
    putChunk,
  };
}

async function setup(): Promise<{ context: DownloadContext; model: RepoFile; held: Map<string, Uint8Array> }> {
  const config = hub.config();
  const snapshot = await resolveSnapshot(config, 'test-org/tiny', 'main');
  hub.server().clearRequests();
  const held = new Map<string, Uint8Array>();
  const context: DownloadContext = {
    hub: config,
    store: memoryStore(),
    repo: 'test-org/tiny',
    commit: snapshot.commit,
    chunkSize,
    retries: 3,
    onHeld: (path, bytes) => held.set(path, bytes),
  };
  const model = snapshot.files.find((entry) => entry.path === 'onnx/model.onnx');
  if (!model) throw new Error('no onnx/model.onnx');
  return { context, model, held };
}

describe('verified bytes held for the session', () => {
  it('holds the whole file after a cut and a resume within the download, equal to what is stored', async () => {
    const { context, model, held } = await setup();
    hub.server().faults.add({ origin: 'cdn', file: 'onnx/model.onnx', cutAfterBytes: 120_000, times: 1 });
    await downloadFile(context, model);
    const ranged = hub
      .server()
      .requestsFor('onnx/model.onnx', 'cdn')
      .filter((r) => r.range);
    expect(ranged.map((r) => r.range)).toEqual([`bytes=${7 * chunkSize}-`]);
    const bytes = held.get('onnx/model.onnx');
    expect(bytes && sha256(bytes)).toBe(sha256(fixtureFiles.model));
  });

  it('holds nothing when a retry cannot read back the bytes a failed read took, and still completes the file', async () => {
    const { context, model, held } = await setup();
    const store = context.store;
    const unreadable = { ...withPutChunk(store, store.putChunk.bind(store)), readFile: () => Promise.reject(new Error('unreadable')) };
    hub.server().faults.add({ origin: 'cdn', file: 'onnx/model.onnx', cutAfterBytes: 120_000, times: 1 });
    expect((await downloadFile({ ...context, store: unreadable }, model)).verified).toBe(true);
    expect(held.size).toBe(0);
    expect(await store.isIntact((await store.getFile(context.repo, blobId(model)))!)).toBe(true);
  });

  it('holds nothing for a file resumed from chunks an earlier load stored (the session reads the store)', async () => {
    const { context, model, held } = await setup();
    hub.server().faults.add({ origin: 'cdn', file: 'onnx/model.onnx', cutAfterBytes: 120_000, times: 1 });
    await expect(downloadFile({ ...context, retries: 0 }, model)).rejects.toThrow();
    expect(held.size).toBe(0);
    await downloadFile(context, model);
    expect(held.size).toBe(0);
    expect((await context.store.getFile(context.repo, blobId(model)))?.verified).toBe(true);
  });

  it('hands the verified bytes over before the chunk writes finish, and returns once they are stored', async () => {
    const { context, model, held } = await setup();
    const store = context.store;
    let release: () => void = () => undefined;
    const writesHeld = new Promise<void>((resolve) => (release = resolve));
    const slow = withPutChunk(store, async (...args) => {
      await writesHeld;
      return store.putChunk(...args);
    });
    let settled = false;
    const download = downloadFile({ ...context, store: slow }, model).finally(() => (settled = true));
    await vi.waitUntil(() => held.size === 1, { timeout: 5000 });
    expect(sha256(held.get('onnx/model.onnx') ?? new Uint8Array())).toBe(sha256(fixtureFiles.model));
    expect(settled).toBe(false);
    expect((await store.getFile(context.repo, blobId(model)))?.verified ?? false).toBe(false);
    release();
    expect((await download).verified).toBe(true);
    expect(await store.isIntact((await store.getFile(context.repo, blobId(model)))!)).toBe(true);
  });

  it('a write that fails after the bytes were handed over fails the download and marks nothing complete', async () => {
    const { context, model, held } = await setup();
    const store = context.store;
    const last = Math.ceil(model.size / chunkSize) - 1;
    const failing = withPutChunk(store, async (record, index, blob) => {
      if (index < last) return store.putChunk(record, index, blob);
      await vi.waitUntil(() => held.size === 1, { timeout: 5000 }); // handed over: the session may have started
      throw new DOMException('quota', 'QuotaExceededError');
    });
    const error = await downloadFile({ ...context, store: failing }, model).catch((caught: unknown) => caught);
    expect(isInpageError(error, 'QUOTA_EXCEEDED')).toBe(true);
    const record = await store.getFile(context.repo, blobId(model));
    expect(record?.verified ?? false).toBe(false);
    expect(record?.chunks).toBe(last);
  });

  it('a write that fails mid-body stops the download before it reads the rest', async () => {
    const { context, model, held } = await setup();
    const store = context.store;
    const failing = withPutChunk(store, async (record, index, blob) => {
      if (index === 2) throw new DOMException('quota', 'QuotaExceededError');
      return store.putChunk(record, index, blob);
    });
    hub.server().faults.add({ origin: 'cdn', file: 'onnx/model.onnx', bytesPerSecond: 200_000 });
    const error = await downloadFile({ ...context, store: failing }, model).catch((caught: unknown) => caught);
    expect(isInpageError(error, 'QUOTA_EXCEEDED')).toBe(true);
    expect(held.size).toBe(0);
    expect((await store.getFile(context.repo, blobId(model)))?.chunks).toBe(2);
  });

  it('waits for beforeBody before requesting a body longer than a chunk, not a shorter one', async () => {
    const { context, model } = await setup();
    const config = (await resolveSnapshot(context.hub, context.repo, 'main')).files.find((entry) => entry.path === 'config.json');
    if (!config) throw new Error('no config.json');
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const asked: string[] = [];
    const gated: DownloadContext = { ...context, beforeBody: () => (asked.push('wait'), gate) };
    await downloadFile(gated, config); // shorter than a chunk: not held back
    const weights = downloadFile(gated, model);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(asked).toEqual(['wait']);
    expect(hub.server().requestsFor('onnx/model.onnx')).toHaveLength(0);
    open();
    await weights;
    expect(hub.server().requestsFor('onnx/model.onnx', 'cdn').length).toBeGreaterThan(0);
  });
});

describe('HeldResponse', () => {
  it('hands over the very bytes it was made from (no copy)', async () => {
    const bytes = new Uint8Array([1, 2, 3]).buffer;
    const response = new HeldResponse(bytes, { headers: { 'content-length': '3' } });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(await response.arrayBuffer()).toBe(bytes);
  });

  it('names the weight files', () => {
    expect(['onnx/model.onnx', 'onnx/model.onnx_data', 'onnx/model.onnx_data_1', 'tokenizer.json'].map(isWeights)).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
