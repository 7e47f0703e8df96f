import { probeChunks } from '../../../src/store/idb-store.ts';
import type { ModelStore, RecordKind } from '../../../src/store/idb-store.ts';
import type { FileRecord, ModelRecord, RefRecord, SnapshotRecord } from '../../../src/store/records.ts';

/**
 * {@link ModelStore} in memory, for Node tests of the download and resolution logic (Node has no
 * IndexedDB). Same keys and semantics; `putChunkDelayMs` makes the store slow, as IndexedDB can be.
 * @example
 * const store = memoryStore();
 * await prepareModel(request, { store, hub, … });
 */
export class MemoryStore {
  readonly namespace = `memory-${Math.random().toString(36).slice(2)}`;
  readonly records = new Map<string, unknown>();
  readonly chunks = new Map<string, Blob>();
  putChunkDelayMs = 0;
  /** Increases each time the databases are deleted from elsewhere (see {@link deleteDatabase}). */
  generation = 0;

  /** Another tab deletes the databases (`indexedDB.deleteDatabase`): everything goes; later writes start a fresh store. */
  deleteDatabase(): void {
    this.generation += 1;
    this.records.clear();
    this.chunks.clear();
  }

  getFile(repo: string, blob: string): Promise<FileRecord | undefined> {
    return Promise.resolve(structuredClone(this.records.get(`blob:${repo}@${blob}`) as FileRecord | undefined));
  }
  putFile(record: FileRecord): Promise<void> {
    this.records.set(`blob:${record.repo}@${record.blob}`, structuredClone({ ...record, updatedAt: Date.now() }));
    return Promise.resolve();
  }
  async putChunk(record: FileRecord, index: number, blob: Blob): Promise<void> {
    if (this.putChunkDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.putChunkDelayMs));
    this.chunks.set(chunkKey(record, index), blob);
  }
  async readFile(record: FileRecord, probe = false): Promise<Blob | undefined> {
    const count = Math.ceil(record.size / record.chunkSize);
    const parts = Array.from({ length: count }, (_, i) => this.chunks.get(chunkKey(record, i)));
    if (parts.some((part) => !part)) return undefined;
    if (probe) await probeChunks(parts as Blob[], record);
    const blob = new Blob(parts as Blob[]);
    return blob.size === record.size ? blob : undefined;
  }
  deleteFile(record: Pick<FileRecord, 'repo' | 'blob' | 'size' | 'chunkSize'>): Promise<void> {
    for (let i = 0; i < Math.max(1, Math.ceil(record.size / record.chunkSize)); i++) this.chunks.delete(chunkKey(record, i));
    this.records.delete(`blob:${record.repo}@${record.blob}`);
    return Promise.resolve();
  }
  getSnapshot(repo: string, commit: string): Promise<SnapshotRecord | undefined> {
    return Promise.resolve(structuredClone(this.records.get(`snapshot:${repo}@${commit}`) as SnapshotRecord | undefined));
  }
  putSnapshot(snapshot: SnapshotRecord): Promise<void> {
    this.records.set(`snapshot:${snapshot.repo}@${snapshot.commit}`, structuredClone(snapshot));
    return Promise.resolve();
  }
  getRef(repo: string, revision: string): Promise<RefRecord | undefined> {
    return Promise.resolve(structuredClone(this.records.get(`ref:${repo}@${revision}`) as RefRecord | undefined));
  }
  putRef(ref: RefRecord): Promise<void> {
    this.records.set(`ref:${ref.repo}@${ref.revision}`, structuredClone(ref));
    return Promise.resolve();
  }
  recordKeys(): Promise<string[]> {
    return Promise.resolve([...this.records.keys()]);
  }
  putModel(record: ModelRecord): Promise<void> {
    this.records.set(`model:${record.repo}@${record.commit}#${record.dtype}`, structuredClone(record));
    return Promise.resolve();
  }
  deleteModel(record: Pick<ModelRecord, 'repo' | 'commit' | 'dtype'>): Promise<void> {
    this.records.delete(`model:${record.repo}@${record.commit}#${record.dtype}`);
    return Promise.resolve();
  }
  setPinned(repo: string, pinned: boolean): Promise<void> {
    if (pinned) this.records.set(`pin:${repo}`, true);
    else this.records.delete(`pin:${repo}`);
    return Promise.resolve();
  }
  recordsOf<T>(kind: RecordKind): Promise<[string, T][]> {
    return Promise.resolve([...this.records].filter(([key]) => key.startsWith(`${kind}:`)) as [string, T][]);
  }
  deleteRecords(keys: string[]): Promise<void> {
    keys.forEach((key) => this.records.delete(key));
    return Promise.resolve();
  }
  async isIntact(record: FileRecord): Promise<boolean> {
    return (await this.readFile(record)) !== undefined;
  }
  clearAll(): Promise<void> {
    this.records.clear();
    this.chunks.clear();
    return Promise.resolve();
  }
}

const chunkKey = (record: Pick<FileRecord, 'repo' | 'blob'>, index: number): string => `${record.repo}@${record.blob}#${index}`;

/** A fresh {@link MemoryStore}, typed as the {@link ModelStore} it stands in for. */
export function memoryStore(): MemoryStore & ModelStore {
  return new MemoryStore() as unknown as MemoryStore & ModelStore;
}
