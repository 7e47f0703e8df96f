/**
 * `cache.clear()` and `cache.delete()` also forget what routing remembered (src/routing/route-memory.ts):
 * the `<namespace>-routes` database, or one model's entries in it. The main thread's connection
 * closes on `versionchange` (store/connection.ts), so deleting the database is never blocked.
 * @module
 */
import { delMany, keys, promisifyRequest } from 'idb-keyval';
import { openStore } from '../store/connection.ts';

/**
 * Forgets the routes of `model` (entries filed as `<model>@…`), or every route when `model` is `null`.
 * A storage failure is ignored: a stale route is only a hint, checked against the commit on reading.
 * @example
 * await forgetRoutes('inpage', null); // cache.clear()
 * await forgetRoutes('inpage', 'org/model'); // cache.delete('org/model')
 */
export async function forgetRoutes(namespace: string, model: string | null): Promise<void> {
  const name = `${namespace}-routes`;
  try {
    if (model === null) {
      await promisifyRequest(indexedDB.deleteDatabase(name));
      return;
    }
    const store = openStore(name, 'devices');
    const filed = await keys<string>(store);
    await delMany(
      filed.filter((key) => typeof key === 'string' && key.startsWith(`${model}@`)),
      store,
    );
  } catch {
    // Nothing to forget, or no IndexedDB here.
  }
}
