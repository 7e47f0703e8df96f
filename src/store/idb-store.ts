import { clear, del, delMany, entries, get, getMany, keys, set } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';
import { InpageError } from '../errors.ts';
import { openStore } from './connection.ts';
import { migrateRecords } from './migration.ts';
import type { FileRecord, ModelRecord, RefRecord, SnapshotRecord } from './records.ts';
import { chunkKey, chunkKeys } from './records.ts';

const blobKey = (repo: string, blob: string): string => `blob:${repo}@${blob}`;
const snapshotKey = (repo: string, commit: string): string => `snapshot:${repo}@${commit}`;
const refKey = (repo: string, revision: string): string => `ref:${repo}@${revision}`;
const modelKey = (repo: string, commit: string, dtype: string): string => `model:${repo}@${commit}#${dtype}`;
const pinKey = (repo: string): string => `pin:${repo}`;

/**
 * inpage's IndexedDB storage: records in one database, chunk Blobs in another (idb-keyval keeps
 * one object store per database). Blobs, never ArrayBuffers: the browser keeps them on disk and
 * reading them back costs no copy.
 *
 * Laid out like huggingface_hub's cache: blobs keyed by content (`blob:` records and their
 * chunks), the file list of each commit (`snapshot:`), which commit a branch names (`ref:`), and
 * what a load made available (`model:`, naming its files' blobs).
 *
 * @example
 * const store = new ModelStore('inpage');
 * const record = await store.getFile('Xenova/all-MiniLM-L6-v2', blobId(configEntry));
 */
export class ModelStore {
  readonly namespace: string;
  readonly #meta: UseStore;
  readonly #chunks: UseStore;
  #generation = 0;

  /** @param namespace - prefix of the two database names (tests use a unique one). */
  constructor(namespace = 'inpage') {
    this.namespace = namespace;
    const changed = (): void => void (this.#generation += 1);
    const meta = openStore(`${namespace}-meta`, 'records', changed);
    const chunks = openStore(`${namespace}-chunks`, 'chunks', changed);
    // Every call waits for the records to be in this code's layout (see migrateRecords).
    let migrated: Promise<unknown> | undefined;
    const ready = (): Promise<unknown> => {
      migrated ??= migrateRecords({ meta, chunks, blobKey });
      migrated.catch(() => (migrated = undefined));
      return migrated;
    };
    this.#meta = async (mode, callback) => {
      await ready();
      return meta(mode, callback);
    };
    this.#chunks = async (mode, callback) => {
      await ready();
      return chunks(mode, callback);
    };
  }

  /**
   * Increases each time one of the databases was deleted (`indexedDB.deleteDatabase` in any tab,
   * clearing site data) or upgraded elsewhere: what a download stored before may be gone, so a
   * download that sees it change fails with `STORAGE` rather than mark a file complete.
   */
  get generation(): number {
    return this.#generation;
  }

  /** The record of a blob of a repo (see {@link blobId}), if any. */
  getFile(repo: string, blob: string): Promise<FileRecord | undefined> {
    return get<FileRecord>(blobKey(repo, blob), this.#meta);
  }

  /** Saves a blob record (after its chunks are written). */
  putFile(record: FileRecord): Promise<void> {
    return set(blobKey(record.repo, record.blob), { ...record, updatedAt: Date.now() }, this.#meta);
  }

  /** Writes chunk `index` of a file. Call {@link putFile} afterwards to make it count. */
  putChunk(record: FileRecord, index: number, blob: Blob): Promise<void> {
    return set(chunkKey(record, index), blob, this.#chunks);
  }

  /**
   * The stored bytes of a file as one Blob (no copy: a Blob of the chunk Blobs).
   * @param probe - read the first byte of each chunk, to find a Blob whose file the browser lost.
   * @returns `undefined` when a chunk is missing (evicted or deleted behind inpage's back).
   * @throws InpageError `STORAGE` when probing finds a chunk that cannot be read.
   */
  async readFile(record: FileRecord, probe = false): Promise<Blob | undefined> {
    const count = Math.ceil(record.size / record.chunkSize);
    if (count === 0) return new Blob([]);
    const parts = await getMany<Blob | undefined>(
      range(count).map((i) => chunkKey(record, i)),
      this.#chunks,
    );
    if (parts.some((part) => !(part instanceof Blob))) return undefined;
    if (probe) await probeChunks(parts as Blob[], record);
    const blob = new Blob(parts as Blob[]);
    return blob.size === record.size ? blob : undefined;
  }

  /**
   * Deletes a blob's chunks, then its record: a crash in between leaves a record whose chunks are
   * missing (found and downloaded again), never bytes no record accounts for.
   */
  async deleteFile(record: Pick<FileRecord, 'repo' | 'blob' | 'chunksAt' | 'size' | 'chunkSize'>): Promise<void> {
    await delMany(chunkKeys(record), this.#chunks);
    await del(blobKey(record.repo, record.blob), this.#meta);
  }

  /** The stored file list of a commit. */
  getSnapshot(repo: string, commit: string): Promise<SnapshotRecord | undefined> {
    return get<SnapshotRecord>(snapshotKey(repo, commit), this.#meta);
  }

  /** Saves the file list of a commit. */
  putSnapshot(snapshot: SnapshotRecord): Promise<void> {
    return set(snapshotKey(snapshot.repo, snapshot.commit), snapshot, this.#meta);
  }

  /** The commit a branch or tag pointed at when last checked. */
  getRef(repo: string, revision: string): Promise<RefRecord | undefined> {
    return get<RefRecord>(refKey(repo, revision), this.#meta);
  }

  /** Records which commit a branch or tag points at. */
  putRef(ref: RefRecord): Promise<void> {
    return set(refKey(ref.repo, ref.revision), ref, this.#meta);
  }

  /** Every record key (for admin and tests). */
  recordKeys(): Promise<string[]> {
    return keys<IDBValidKey>(this.#meta).then((all) => all.filter((key): key is string => typeof key === 'string'));
  }

  /** Saves what a load or an install made available. */
  putModel(record: ModelRecord): Promise<void> {
    return set(modelKey(record.repo, record.commit, record.dtype), record, this.#meta);
  }

  /** Forgets one model record (its files are deleted separately). */
  deleteModel(record: Pick<ModelRecord, 'repo' | 'commit' | 'dtype'>): Promise<void> {
    return del(modelKey(record.repo, record.commit, record.dtype), this.#meta);
  }

  /** Marks a repo as kept by eviction (or not). */
  setPinned(repo: string, pinned: boolean): Promise<void> {
    return pinned ? set(pinKey(repo), true, this.#meta) : del(pinKey(repo), this.#meta);
  }

  /** Every record of one kind, by key prefix (`blob:`, `model:`, `pin:`, `ref:`, `snapshot:`). */
  async recordsOf<T>(kind: RecordKind): Promise<[string, T][]> {
    const all = await entries<IDBValidKey, T>(this.#meta);
    return all.filter((entry): entry is [string, T] => typeof entry[0] === 'string' && entry[0].startsWith(`${kind}:`));
  }

  /** Deletes records by key. */
  deleteRecords(recordKeys: string[]): Promise<void> {
    return delMany(recordKeys, this.#meta);
  }

  /**
   * Whether every chunk of a blob is still there (browsers or users may delete data behind inpage's
   * back). It looks at the chunks' Blob handles and sizes only; no byte is read.
   */
  async isIntact(record: FileRecord): Promise<boolean> {
    const parts = await getMany<Blob | undefined>(chunkKeys(record), this.#chunks);
    if (record.size === 0) return true;
    return parts.every((part) => part instanceof Blob) && parts.reduce((sum, part) => sum + (part?.size ?? 0), 0) === record.size;
  }

  /** Deletes everything inpage stored in this namespace. */
  async clearAll(): Promise<void> {
    await clear(this.#meta);
    await clear(this.#chunks);
  }
}

/**
 * Reads the first byte of each chunk: a Blob whose backing file is gone (cleared by the browser or
 * the user, a disk error) fails here with `NotReadableError`, not later inside the runtime.
 * @throws InpageError `STORAGE` naming the file.
 * @example
 * await probeChunks(parts, record);
 */
export async function probeChunks(parts: readonly Blob[], record: Pick<FileRecord, 'repo' | 'path'>): Promise<void> {
  try {
    await Promise.all(parts.map((part) => part.slice(0, 1).arrayBuffer()));
  } catch (error) {
    throw new InpageError('STORAGE', `The stored bytes of "${record.repo}/${record.path}" cannot be read (the browser lost them).`, {
      cause: error,
    });
  }
}

/** The kinds of records, by key prefix. */
export type RecordKind = 'blob' | 'model' | 'pin' | 'ref' | 'snapshot';

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
