import { describe, expect, it } from 'vitest';
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

  it('holds nothing for a file resumed from chunks an earlier load stored (the session reads the store)', async () => {
    const { context, model, held } = await setup();
    hub.server().faults.add({ origin: 'cdn', file: 'onnx/model.onnx', cutAfterBytes: 120_000, times: 1 });
    await expect(downloadFile({ ...context, retries: 0 }, model)).rejects.toThrow();
    expect(held.size).toBe(0);
    await downloadFile(context, model);
    expect(held.size).toBe(0);
    expect((await context.store.getFile(context.repo, blobId(model)))?.verified).toBe(true);
  });

  it('a failed persist holds nothing and marks nothing complete', async () => {
    const { context, model, held } = await setup();
    const store = context.store;
    let writes = 0;
    const failing = {
      ...store,
      getFile: store.getFile.bind(store),
      putFile: store.putFile.bind(store),
      deleteFile: store.deleteFile.bind(store),
      isIntact: store.isIntact.bind(store),
      readFile: store.readFile.bind(store),
      putChunk: async (...args: Parameters<typeof store.putChunk>) => {
        if ((writes += 1) === 3) throw new DOMException('quota', 'QuotaExceededError');
        return store.putChunk(...args);
      },
    };
    await expect(downloadFile({ ...context, store: failing }, model)).rejects.toThrow();
    expect(held.size).toBe(0);
    expect((await store.getFile(context.repo, blobId(model)))?.verified ?? false).toBe(false);
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
