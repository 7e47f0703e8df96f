import { describe, expect, it } from 'vitest';
import { makeRoom } from '../../../src/store/eviction.ts';
import type { FileRecord, ModelRecord } from '../../../src/store/records.ts';
import { memoryStore } from './memory-store.ts';

/** Stores a one-file model of `size` bytes, last used at `lastUsed`. */
async function storeModel(store: ReturnType<typeof memoryStore>, repo: string, size: number, lastUsed: number): Promise<void> {
  const blob = `${repo.replace('/', '-')}-blob`;
  const file: FileRecord = {
    repo,
    blob,
    path: 'onnx/model.onnx',
    size,
    oid: 'o',
    chunkSize: 1024,
    chunks: 1,
    verified: true,
    updatedAt: 0,
  };
  const model: ModelRecord = {
    repo,
    revision: 'main',
    commit: 'c1',
    dtype: 'q8',
    files: [file.path],
    blobs: [blob],
    bytes: size,
    lastUsed,
  };
  await store.putFile(file);
  await store.putModel(model);
}

const models = async (store: ReturnType<typeof memoryStore>): Promise<string[]> =>
  (await store.recordsOf<ModelRecord>('model')).map(([, model]) => model.repo);

describe('makeRoom', () => {
  it('evicts the least recently used model and reports it with the bytes its blobs took', async () => {
    const store = memoryStore();
    await storeModel(store, 'org/old', 300, 1);
    await storeModel(store, 'org/recent', 400, 2);
    const evicted = await makeRoom(store, { repo: 'org/new', commit: 'c9', dtype: 'q8', blobs: [], needed: 200, budget: 800 });
    expect(evicted).toEqual({ models: ['org/old'], bytes: 300 });
    expect(await models(store)).toEqual(['org/recent']);
  });

  it('reports nothing when nothing had to go', async () => {
    const store = memoryStore();
    await storeModel(store, 'org/old', 300, 1);
    expect(await makeRoom(store, { repo: 'org/new', commit: 'c9', dtype: 'q8', blobs: [], needed: 200, budget: 800 })).toEqual({
      models: [],
      bytes: 0,
    });
    expect(await models(store)).toEqual(['org/old']);
  });

  it('evicts nothing, and reports nothing, when evicting everything would not be enough', async () => {
    const store = memoryStore();
    await storeModel(store, 'org/old', 300, 1);
    const request = { repo: 'org/new', commit: 'c9', dtype: 'q8' as const, blobs: [], needed: 2000, budget: 800 };
    await expect(makeRoom(store, request)).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(await models(store)).toEqual(['org/old']);
  });
});
