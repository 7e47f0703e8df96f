import { delMany, entries, get, promisifyRequest, set } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';
import type { FileRecord, ModelRecord, SnapshotRecord } from './records.ts';
import { blobId, chunkKeys } from './records.ts';

/** The layout of the records this code writes. 1 (no `schema` record): inpage 0.1's. */
export const schemaVersion = 2;

/** The record that holds the schema version. */
export const schemaKey = 'schema';

/** A file record as inpage 0.1 stored it: keyed by (repo, commit, path), its chunks too. */
interface LegacyFileRecord extends Omit<FileRecord, 'blob' | 'chunksAt'> {
  commit: string;
}

/** The databases a migration reads and writes. */
export interface MigrationStores {
  meta: UseStore;
  chunks: UseStore;
  /** The key of a blob record (see `ModelStore`). */
  blobKey: (repo: string, blob: string) => string;
}

/**
 * Brings the records of a store written by an older inpage to {@link schemaVersion}. It rewrites
 * records only, never chunk bytes: a 0.1 file record becomes the blob record of its content, and
 * points at the chunks where 0.1 wrote them (`chunksAt`), so a 2 GB model migrates without 2 GB of
 * free quota. Each file record moves in one transaction, so a migration the tab's closing cut short
 * resumes where it stopped, and two tabs migrating at once do not trip over each other.
 * @returns the schema version found (a newer one than this code's is left as it is).
 * @example
 * await migrateRecords({ meta, chunks, blobKey });
 */
export async function migrateRecords(stores: MigrationStores): Promise<number> {
  const { meta } = stores;
  const found = (await get<number>(schemaKey, meta)) ?? 1;
  if (found >= schemaVersion) return found;
  const all = await entries<IDBValidKey, unknown>(meta);
  const legacyFiles = all.filter(
    (entry): entry is [string, LegacyFileRecord] => typeof entry[0] === 'string' && entry[0].startsWith('file:'),
  );
  const byKey = new Map(legacyFiles);
  const snapshots = new Map(
    all
      .filter((entry): entry is [string, SnapshotRecord] => typeof entry[0] === 'string' && entry[0].startsWith('snapshot:'))
      .map(([, snapshot]) => [`${snapshot.repo}@${snapshot.commit}`, snapshot]),
  );
  // 1. Model records name their files' blobs: from 0.1's file records (still there), else the commit's listing.
  for (const [key, model] of all) {
    if (typeof key !== 'string' || !key.startsWith('model:')) continue;
    const record = model as ModelRecord;
    if (Array.isArray(record.blobs)) continue;
    const listing = snapshots.get(`${record.repo}@${record.commit}`)?.files;
    const blobs = record.files.map((path) => {
      const legacy = byKey.get(`file:${record.repo}@${record.commit}/${path}`);
      const listed = listing?.find((file) => file.path === path);
      return legacy ? blobId(legacy) : listed ? blobId(listed) : undefined;
    });
    // A file neither names: left without blobs, the model lists as incomplete and a load re-verifies it.
    if (blobs.every((blob): blob is string => blob !== undefined)) await set(key, { ...record, blobs }, meta);
  }
  // 2. Each 0.1 file record becomes the blob record of its content.
  for (const [key, legacy] of legacyFiles) await migrateFile(stores, key, legacy);
  await set(schemaKey, schemaVersion, meta);
  return found;
}

async function migrateFile(stores: MigrationStores, key: string, legacy: LegacyFileRecord): Promise<void> {
  const { commit, ...rest } = legacy;
  const target = stores.blobKey(legacy.repo, blobId(legacy));
  const existing = await get<FileRecord>(target, stores.meta);
  const record: FileRecord = { ...rest, blob: blobId(legacy), chunksAt: { commit, path: legacy.path } };
  const legacyChunks = chunkKeys(record);
  if (existing && (existing.verified || !legacy.verified)) {
    // The same content under another commit or path: one copy is kept. Chunks go before the record.
    await delMany(legacyChunks, stores.chunks);
    await deleteIfPresent(stores.meta, key);
    return;
  }
  if (existing) await delMany(chunkKeys(existing), stores.chunks);
  await stores.meta('readwrite', async (store) => {
    if ((await promisifyRequest(store.get(key))) === undefined) return; // Another tab moved it.
    store.put(record, target);
    store.delete(key);
    await promisifyRequest(store.transaction);
  });
}

async function deleteIfPresent(meta: UseStore, key: string): Promise<void> {
  await meta('readwrite', (store) => {
    store.delete(key);
    return promisifyRequest(store.transaction);
  });
}
