import { promisifyRequest } from 'idb-keyval';
import { InpageError } from '../errors.ts';
import type { UseStore } from 'idb-keyval';

/**
 * A connection to one IndexedDB object store, as idb-keyval's `createStore` makes one, that also
 * survives what idb-keyval's does not:
 * - `versionchange` (another tab deletes the database, or a newer inpage upgrades it): the
 *   connection closes at once, so the other side is never `blocked`, and the next call reopens it;
 * - a connection the browser closed ("Connection to Indexed Database server lost", `close`): the
 *   next call reopens it, and a transaction that could not start on the closed connection
 *   (`InvalidStateError`) is tried once more on a new one.
 *
 * `onVersionChange` hears each `versionchange`: whatever was stored may be gone (see
 * `ModelStore.generation`).
 *
 * IndexedDB's failures reject with `STORAGE` (`QuotaExceededError` stays as it is: the download
 * reports it as `QUOTA_EXCEEDED`), never as `ABORTED`: an aborted transaction is not a cancel.
 *
 * @example
 * const meta = openStore('inpage-meta', 'records');
 * await get('schema', meta);
 */
export function openStore(dbName: string, storeName: string, onVersionChange?: () => void): UseStore {
  let connection: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> => {
    const request = indexedDB.open(dbName);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName);
    const opened = promisifyRequest(request).then((database) => {
      const forget = (): void => {
        if (connection === opened) connection = undefined;
      };
      database.onversionchange = () => {
        database.close();
        forget();
        onVersionChange?.();
      };
      database.onclose = forget;
      return database;
    });
    opened.catch(() => {
      if (connection === opened) connection = undefined;
    });
    return opened;
  };
  const transaction = async (mode: IDBTransactionMode): Promise<IDBObjectStore> => {
    for (let attempt = 0; ; attempt++) {
      const current = (connection ??= open());
      const database = await current;
      try {
        return database.transaction(storeName, mode).objectStore(storeName);
      } catch (error) {
        // Closed under us (versionchange, or the browser lost the connection): reopen once.
        if (attempt > 0 || !(error instanceof DOMException) || error.name !== 'InvalidStateError') throw error;
        if (connection === current) connection = undefined;
      }
    }
  };
  return async (mode, callback) => {
    try {
      return await callback(await transaction(mode));
    } catch (error) {
      if (!(error instanceof DOMException) || error.name === 'QuotaExceededError') throw error;
      // The next call opens a new connection: this one may be the cause.
      if (error.name === 'UnknownError' || error.name === 'InvalidStateError') connection = undefined;
      throw new InpageError('STORAGE', `IndexedDB failed on "${dbName}" (${error.name}: ${error.message}); the next call reopens it.`, {
        cause: error,
      });
    }
  };
}
