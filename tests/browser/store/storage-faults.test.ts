import { afterEach, describe, expect, it } from 'vitest';
import { isInpageError } from 'inpage';
import { ModelStore } from '../../../src/store/idb-store.ts';
import type { FileRecord } from '../../../src/store/records.ts';
import { uniqueNamespace } from '../support/hub.ts';

const transaction = IDBDatabase.prototype.transaction;
const deleteKey = IDBObjectStore.prototype.delete;
afterEach(() => {
  IDBDatabase.prototype.transaction = transaction;
  IDBObjectStore.prototype.delete = deleteKey;
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

describe('storage faults', () => {
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
