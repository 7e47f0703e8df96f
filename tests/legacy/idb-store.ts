import { clear, createStore, del, delMany, entries, get, getMany, keys, set } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';
import type { FileRecord, ModelRecord, RefRecord, SnapshotRecord } from './records.ts';

type ChunkKey = [repo: string, commit: string, path: string, index: number];

const fileKey = (repo: string, commit: string, path: string): string => `file:${repo}@${commit}/${path}`;
const snapshotKey = (repo: string, commit: string): string => `snapshot:${repo}@${commit}`;
const refKey = (repo: string, revision: string): string => `ref:${repo}@${revision}`;
const modelKey = (repo: string, commit: string, dtype: string): string => `model:${repo}@${commit}#${dtype}`;
const pinKey = (repo: string): string => `pin:${repo}`;

/**
 * inpage's IndexedDB storage: records in one database, chunk Blobs in another (idb-keyval keeps
 * one object store per database). Blobs, never ArrayBuffers: the browser keeps them on disk and
 * reading them back costs no copy.
 *
 * @example
 * const store = new ModelStore('inpage');
 * const record = await store.getFile('Xenova/all-MiniLM-L6-v2', commit, 'config.json');
 */
export class ModelStore {
  readonly namespace: string;
  readonly #meta: UseStore;
  readonly #chunks: UseStore;

  /** @param namespace - prefix of the two database names (tests use a unique one). */
  constructor(namespace = 'inpage') {
    this.namespace = namespace;
    this.#meta = createStore(`${namespace}-meta`, 'records');
    this.#chunks = createStore(`${namespace}-chunks`, 'chunks');
  }

  /** The record of a file at a commit, if any. */
  getFile(repo: string, commit: string, path: string): Promise<FileRecord | undefined> {
    return get<FileRecord>(fileKey(repo, commit, path), this.#meta);
  }

  /** Saves a file record (after its chunks are written). */
  putFile(record: FileRecord): Promise<void> {
    return set(fileKey(record.repo, record.commit, record.path), { ...record, updatedAt: Date.now() }, this.#meta);
  }

  /** Writes chunk `index` of a file. Call {@link putFile} afterwards to make it count. */
  putChunk(record: FileRecord, index: number, blob: Blob): Promise<void> {
    return set(chunkKey(record, index), blob, this.#chunks);
  }

  /**
   * The stored bytes of a file as one Blob (no copy: a Blob of the chunk Blobs).
   * @returns `undefined` when a chunk is missing (evicted or deleted behind inpage's back).
   */
  async readFile(record: FileRecord): Promise<Blob | undefined> {
    const count = Math.ceil(record.size / record.chunkSize);
    if (count === 0) return new Blob([]);
    const parts = await getMany<Blob | undefined>(
      range(count).map((i) => chunkKey(record, i)),
      this.#chunks,
    );
    if (parts.some((part) => !(part instanceof Blob))) return undefined;
    const blob = new Blob(parts as Blob[]);
    return blob.size === record.size ? blob : undefined;
  }

  /** Deletes a file's record and chunks. */
  async deleteFile(record: Pick<FileRecord, 'repo' | 'commit' | 'path' | 'size' | 'chunkSize'>): Promise<void> {
    await del(fileKey(record.repo, record.commit, record.path), this.#meta);
    const count = Math.max(1, Math.ceil(record.size / record.chunkSize));
    await delMany(
      range(count).map((i) => chunkKey(record, i)),
      this.#chunks,
    );
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

  /** Every record of one kind, by key prefix (`file:`, `model:`, `pin:`, `ref:`, `snapshot:`). */
  async recordsOf<T>(kind: 'file' | 'model' | 'pin' | 'ref' | 'snapshot'): Promise<[string, T][]> {
    const all = await entries<IDBValidKey, T>(this.#meta);
    return all.filter((entry): entry is [string, T] => typeof entry[0] === 'string' && entry[0].startsWith(`${kind}:`));
  }

  /** Deletes records by key. */
  deleteRecords(recordKeys: string[]): Promise<void> {
    return delMany(recordKeys, this.#meta);
  }

  /** Whether every chunk of a file is still there (browsers or users may delete data behind inpage's back). */
  async isIntact(record: FileRecord): Promise<boolean> {
    return (await this.readFile(record)) !== undefined;
  }

  /** Deletes everything inpage stored in this namespace. */
  async clearAll(): Promise<void> {
    await clear(this.#meta);
    await clear(this.#chunks);
  }
}

function chunkKey(record: Pick<FileRecord, 'repo' | 'commit' | 'path'>, index: number): ChunkKey {
  return [record.repo, record.commit, record.path, index];
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
