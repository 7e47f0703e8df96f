import { afterEach, describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import { testClient } from '../support/client.ts';
import { addFault, chunkSize, largeRepo, positiveText, weights } from './support.ts';
import { withModelAccess } from '../../../src/store/cross-tab.ts';
import { makeRoom } from '../../../src/store/eviction.ts';
import { ModelStore } from '../../../src/store/idb-store.ts';
import type { FileRecord, ModelRecord } from '../../../src/store/records.ts';
import { uniqueNamespace } from '../support/hub.ts';

const transaction = IDBDatabase.prototype.transaction;
const deleteKey = IDBObjectStore.prototype.delete;
const queryLocks = LockManager.prototype.query;
afterEach(() => {
  IDBDatabase.prototype.transaction = transaction;
  IDBObjectStore.prototype.delete = deleteKey;
  LockManager.prototype.query = queryLocks;
});

/** The next `count` transactions fail as IndexedDB fails them: with a DOMException of `name`. */
function failTransactions(name: string, message: string, count = 1): void {
  let left = count;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof transaction>) {
    if (left-- > 0) throw new DOMException(message, name);
    return transaction.apply(this, args);
  } as typeof transaction;
}

/** A stored 3-chunk blob. */
async function storedBlob(store: ModelStore): Promise<FileRecord> {
  const record: FileRecord = {
    repo: 'org/m',
    blob: 'a'.repeat(64),
    path: 'w.onnx',
    size: 9,
    oid: 'b'.repeat(40),
    sha256: 'a'.repeat(64),
    chunkSize: 3,
    chunks: 3,
    verified: true,
    updatedAt: 0,
  };
  for (let i = 0; i < 3; i++) await store.putChunk(record, i, new Blob(['abc']));
  await store.putFile(record);
  return record;
}

/** Stores a verified one-chunk model of `size` bytes, last used at `lastUsed`. */
async function storedModel(store: ModelStore, repo: string, size: number, lastUsed: number): Promise<FileRecord> {
  const blob = `${repo.replace('/', '-')}-blob`;
  const file: FileRecord = {
    repo,
    blob,
    path: 'onnx/model.onnx',
    size,
    oid: 'o',
    chunkSize: size,
    chunks: 1,
    verified: true,
    updatedAt: 0,
  };
  await store.putChunk(file, 0, new Blob([new Uint8Array(size)]));
  await store.putFile(file);
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
  await store.putModel(model);
  return file;
}

/** Deletes a database as another tab would; resolves once it is gone (never blocked: inpage closes on versionchange). */
function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`deleting ${name} failed`));
    request.onblocked = () => reject(new Error(`deleting ${name} was blocked`));
  });
}

describe('storage faults', () => {
  it('the database deleted from another tab mid-download fails the load with STORAGE, leaves nothing partial marked complete, and the next load completes', async () => {
    const namespace = uniqueNamespace('deleted-mid-load');
    const holdAt = 8 * chunkSize;
    const remove = await addFault({ origin: 'cdn', repo: largeRepo, file: weights, holdAfterBytes: holdAt, times: 1 });
    const client = testClient({ lazy: true, storage: { namespace, chunkSize, retries: 0 } });
    let held: () => void = () => undefined;
    const atHold = new Promise<void>((resolve) => (held = resolve));
    const loading = client
      .load('sentiment-analysis', largeRepo, {
        dtype: 'fp32',
        onProgress: (event) => event.phase === 'download' && event.file === weights && event.loaded >= holdAt && held(),
      })
      .catch((error: unknown) => error);
    try {
      await atHold;
      // This page is another context than the client's worker, like another tab.
      await deleteDatabase(`${namespace}-meta`);
      await deleteDatabase(`${namespace}-chunks`);
    } finally {
      await remove();
    }
    const failure = await loading;
    expect(isInpageError(failure, 'STORAGE'), String(failure)).toBe(true);
    expect((failure as Error).message).toContain('was deleted (in this tab or another)');
    const store = new ModelStore(namespace);
    const records = (await store.recordsOf<FileRecord>('blob')).map(([, record]) => record);
    expect(records.filter((record) => record.verified || record.chunks > 0)).toEqual([]);
    const model = await client.load('sentiment-analysis', largeRepo, { dtype: 'fp32' });
    expect((await model.run(positiveText))[0]?.label).toBe('POSITIVE');
  });

  it('eviction skips a victim whose load started after the plan (its lock is not free), without waiting for it', async () => {
    const namespace = uniqueNamespace('evict-race');
    const store = new ModelStore(namespace);
    const old = await storedModel(store, 'org/old', 300, 1);
    await storedModel(store, 'org/recent', 400, 2);
    const room = { repo: 'org/new', commit: 'c9', dtype: 'q8' as const, blobs: [], needed: 200, budget: 800 };
    // The plan sees no load anywhere; right after its look at the locks, a load of the victim
    // starts and holds the repo's shared lock (as every load does) until the test lets it go.
    let finishLoad: () => void = () => undefined;
    let loading: Promise<void> | undefined;
    LockManager.prototype.query = async function (this: LockManager) {
      const snapshot = await queryLocks.call(this);
      await new Promise<void>((held) => {
        loading = withModelAccess(namespace, old.repo, undefined, () => {
          held();
          return new Promise<void>((resolve) => (finishLoad = resolve));
        });
      });
      return snapshot;
    };
    // Returns while the load still holds its lock: eviction never waits for one.
    expect(await makeRoom(store, room)).toEqual({ models: [], bytes: 0 });
    LockManager.prototype.query = queryLocks;
    expect((await store.recordsOf<ModelRecord>('model')).map(([, model]) => model.repo).sort()).toEqual(['org/old', 'org/recent']);
    expect(await (await store.readFile(old))?.arrayBuffer()).toEqual(new Uint8Array(300).buffer);
    // Once the load is over, the same request evicts it.
    finishLoad();
    await loading;
    expect(await makeRoom(store, room)).toEqual({ models: ['org/old'], bytes: 300 });
    expect(await store.getFile(old.repo, old.blob)).toBeUndefined();
  });

  it.each([
    ['UnknownError', 'Connection to Indexed Database server lost. Refresh the page to try again'],
    ['InvalidStateError', "Failed to execute 'transaction' on 'IDBDatabase': The database connection is closing."],
    ['AbortError', 'The transaction was aborted.'],
  ])('an IndexedDB %s rejects with STORAGE (not ABORTED), and the next call works', async (name, message) => {
    const store = new ModelStore(uniqueNamespace('idb-fault'));
    const record = await storedBlob(store);
    // A transaction that cannot start on a closing connection is tried once more on a new one: fail both.
    failTransactions(name, message, name === 'InvalidStateError' ? 2 : 1);
    const failure = await store.getFile(record.repo, record.blob).catch((error: unknown) => error);
    expect(isInpageError(failure, 'STORAGE')).toBe(true);
    expect((failure as Error).message).toContain(name);
    expect((await store.getFile(record.repo, record.blob))?.verified).toBe(true);
    expect(await (await store.readFile(record))?.text()).toBe('abcabcabc');
  });

  it('closes its connection on versionchange: another tab deleting the database is not blocked, and the store reopens', async () => {
    const namespace = uniqueNamespace('versionchange');
    const store = new ModelStore(namespace);
    const record = await storedBlob(store);
    let blocked = false;
    const deletion = indexedDB.deleteDatabase(`${namespace}-meta`);
    deletion.onblocked = () => (blocked = true);
    await new Promise((resolve, reject) => {
      deletion.onsuccess = resolve;
      deletion.onerror = reject;
    });
    expect(blocked).toBe(false);
    expect(await store.getFile(record.repo, record.blob)).toBeUndefined();
    await store.putFile(record);
    expect((await store.getFile(record.repo, record.blob))?.verified).toBe(true);
  });

  it('a delete removes the chunks before the record', async () => {
    const store = new ModelStore(uniqueNamespace('delete-order'));
    const record = await storedBlob(store);
    const order: string[] = [];
    IDBObjectStore.prototype.delete = function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
      order.push(this.name);
      return deleteKey.call(this, key);
    };
    await store.deleteFile(record);
    expect(order).toEqual(['chunks', 'chunks', 'chunks', 'records']);
    expect(await store.getFile(record.repo, record.blob)).toBeUndefined();
  });
});
