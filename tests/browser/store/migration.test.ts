import { describe, expect, it } from 'vitest';
import { createStore, get, keys } from 'idb-keyval';
import { resolveSnapshot, resolveUrl } from '../../../src/hub/hub-client.ts';
import type { RepoFile, RepoSnapshot } from '../../../src/hub/hub-client.ts';
import { createFileHasher } from '../../legacy/hashing.ts';
import { ModelStore as LegacyStore } from '../../legacy/idb-store.ts';
import type { FileRecord as LegacyFileRecord } from '../../legacy/records.ts';
import { testClient } from '../support/client.ts';
import { hub, hubUrl, uniqueNamespace } from '../support/hub.ts';
import { chunkSize as largeChunkSize, largeRepo, positiveText } from './support.ts';

const repo = 'Xenova/distilbert-base-uncased-finetuned-sst-2-english';
const q8Files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'];
/** Small, so a file spans several chunks. */
const chunkSize = 4096;

/**
 * Stores a file exactly as inpage 0.1 did: chunk Blobs under (repo, commit, path, index), then the
 * record with its streaming hash state; `upTo` bytes only (a download cut there), else verified.
 */
async function storeAsLegacy(
  store: LegacyStore,
  snapshot: RepoSnapshot,
  file: RepoFile,
  options: { chunkSize: number; upTo?: number } = { chunkSize },
): Promise<void> {
  const { repo, commit } = snapshot;
  const { chunkSize, upTo = file.size } = options;
  const bytes = new Uint8Array(await (await fetch(resolveUrl({ endpoint: hubUrl }, repo, commit, file.path))).arrayBuffer());
  const record: LegacyFileRecord = {
    repo,
    commit,
    path: file.path,
    size: file.size,
    oid: file.oid,
    chunkSize,
    chunks: 0,
    verified: false,
    updatedAt: 0,
  };
  if (file.sha256) record.sha256 = file.sha256;
  const hasher = await createFileHasher(record);
  for (let start = 0; start < upTo; start += chunkSize) {
    const chunk = bytes.subarray(start, Math.min(start + chunkSize, file.size));
    hasher.update(chunk);
    await store.putChunk(record, record.chunks, new Blob([chunk]));
    record.chunks += 1;
    record.hashState = hasher.save();
  }
  if (upTo >= file.size) {
    record.verified = true;
    delete record.hashState;
  }
  await store.putFile(record);
}

/** Every request either origin logged since `since` (the offline Hub logs refused ones with status 0). */
async function requestsSince(since: number): Promise<string[]> {
  const all = await hub.requests();
  return all
    .filter((record) => record.time >= since && record.method !== 'OPTIONS')
    .map((record) => `${record.origin} ${record.method} ${record.url}`);
}

describe('a store written by inpage 0.1', () => {
  it('opens after the upgrade with its model intact: loads offline with zero requests, from the chunks 0.1 wrote', async () => {
    const namespace = uniqueNamespace('legacy');
    const legacy = new LegacyStore(namespace);
    const snapshot = await resolveSnapshot({ endpoint: hubUrl }, repo, 'main');
    const planned = q8Files.map((path) => snapshot.files.find((file) => file.path === path)).filter((file) => file !== undefined);
    expect(planned).toHaveLength(q8Files.length);
    for (const file of planned) await storeAsLegacy(legacy, snapshot, file);
    const bytes = planned.reduce((sum, file) => sum + file.size, 0);
    await legacy.putSnapshot({ ...snapshot, endpoint: hubUrl, storedAt: Date.now() });
    await legacy.putRef({ repo, revision: 'main', commit: snapshot.commit, endpoint: hubUrl, checkedAt: Date.now() });
    await legacy.putModel({ repo, revision: 'main', commit: snapshot.commit, dtype: 'q8', files: q8Files, bytes, lastUsed: Date.now() });
    const chunkStore = createStore(`${namespace}-chunks`, 'chunks');
    const legacyChunks = JSON.stringify((await keys(chunkStore)).sort());

    await hub.setOffline(true);
    try {
      const since = Date.now() - 1;
      const client = testClient({ device: 'wasm', storage: { namespace, persist: false } });
      const model = await client.load('sentiment-analysis', repo, { dtype: 'q8' });
      expect([model.commit, model.dtype]).toEqual([snapshot.commit, 'q8']);
      expect((await model.run(positiveText))[0]?.label).toBe('POSITIVE');
      expect(await requestsSince(since)).toEqual([]);
      const listed = await client.cache.list();
      expect(listed.map(({ model: id, commit, dtype, complete }) => ({ id, commit, dtype, complete }))).toEqual([
        { id: repo, commit: snapshot.commit, dtype: 'q8', complete: true },
      ]);
      expect((await client.cache.usage()).modelBytes).toBe(bytes);
    } finally {
      await hub.setOffline(false);
    }
    // Records only: the chunk Blobs are the ones 0.1 wrote, under their keys; no 0.1 file record is left.
    expect(JSON.stringify((await keys(chunkStore)).sort())).toBe(legacyChunks);
    const meta = createStore(`${namespace}-meta`, 'records');
    expect((await keys(meta)).filter((key) => String(key).startsWith('file:'))).toEqual([]);
    expect(await get('schema', meta)).toBe(2);
  });

  it('resumes a download 0.1 left half done from its chunks and hash state', async () => {
    const namespace = uniqueNamespace('legacy-partial');
    const legacy = new LegacyStore(namespace);
    const snapshot = await resolveSnapshot({ endpoint: hubUrl }, largeRepo, 'main');
    const weights = snapshot.files.find((file) => file.path === 'onnx/model_quantized.onnx');
    if (!weights) throw new Error('no q8 weights');
    const half = Math.floor(weights.size / 2 / largeChunkSize) * largeChunkSize;
    await storeAsLegacy(legacy, snapshot, weights, { chunkSize: largeChunkSize, upTo: half });
    const since = Date.now() - 1;
    const cache = testClient({ device: 'wasm', lazy: true, storage: { namespace, chunkSize: largeChunkSize, persist: false } }).cache;
    const installed = await cache.install('sentiment-analysis', largeRepo, { dtype: 'q8' });
    const weightRequests = (await hub.requests({ file: weights.path })).filter(
      (record) => record.time >= since && record.repo === largeRepo && record.method === 'GET',
    );
    expect(weightRequests.map((record) => record.range ?? null).filter((range) => range !== null)).toEqual([`bytes=${half}-`]);
    expect(installed.downloaded).toBe(installed.bytes - half);
    expect((await cache.list())[0]?.complete).toBe(true);
  });
});
