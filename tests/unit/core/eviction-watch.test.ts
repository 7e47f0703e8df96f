import { describe, expect, it } from 'vitest';
import { makeRoom } from '../../../src/store/cache-admin.ts';
import type { FileRecord, ModelRecord } from '../../../src/store/records.ts';
import { watchEvictions } from '../../../src/worker/eviction-watch.ts';
import { memoryStore } from '../store/memory-store.ts';

/** Stores a one-file model of `size` bytes, last used at `lastUsed`. */
async function storeModel(store: ReturnType<typeof memoryStore>, repo: string, size: number, lastUsed: number): Promise<void> {
  const file: FileRecord = {
    repo,
    commit: 'c1',
    path: 'onnx/model.onnx',
    size,
    oid: 'o',
    chunkSize: 1024,
    chunks: 1,
    verified: true,
    updatedAt: 0,
  };
  const model: ModelRecord = { repo, revision: 'main', commit: 'c1', dtype: 'q8', files: [file.path], bytes: size, lastUsed };
  await store.putFile(file);
  await store.putModel(model);
}

describe('watchEvictions', () => {
  it('reports the models a download evicted and the bytes of their files, and nothing else', async () => {
    const store = memoryStore();
    await storeModel(store, 'org/old', 300, 1);
    await storeModel(store, 'org/recent', 400, 2);
    const watch = watchEvictions(store);
    // A corrupt file deleted by the download itself is not an eviction.
    await watch.store.deleteFile({ repo: 'org/new', commit: 'c9', path: 'x', size: 5, chunkSize: 1024 });
    await makeRoom(watch.store, { repo: 'org/new', commit: 'c9', dtype: 'q8', paths: [], needed: 200, budget: 800 });
    expect(watch.evicted()).toEqual({ models: ['org/old'], bytes: 300 });
    expect((await store.recordsOf<ModelRecord>('model')).map(([, model]) => model.repo)).toEqual(['org/recent']);
  });

  it('reports nothing when nothing had to go', async () => {
    const store = memoryStore();
    await storeModel(store, 'org/old', 300, 1);
    const watch = watchEvictions(store);
    await makeRoom(watch.store, { repo: 'org/new', commit: 'c9', dtype: 'q8', paths: [], needed: 200, budget: 800 });
    expect(watch.evicted()).toEqual({ models: [], bytes: 0 });
  });
});
