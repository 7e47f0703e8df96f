import type { CachedModel, CacheUsage } from '../types.ts';
import type { ModelStore } from './idb-store.ts';
import type { FileRecord, ModelRecord, RefRecord, SnapshotRecord } from './records.ts';
import { storedBytes } from './records.ts';

// The public shapes of `cache.list()` and `cache.usage()`, defined once in types.ts.
export type { CachedModel, CacheUsage } from '../types.ts';

/** Bytes inpage stores, from its blob records: each blob counts once, whatever lists it. */
export async function modelBytes(store: ModelStore): Promise<number> {
  const blobs = await store.recordsOf<FileRecord>('blob');
  return blobs.reduce((sum, [, record]) => sum + storedBytes(record), 0);
}

/**
 * Every stored model, most recently used first, checked against the stored chunks.
 * @example
 * const models = await listCachedModels(store);
 */
export async function listCachedModels(store: ModelStore): Promise<CachedModel[]> {
  const models = await store.recordsOf<ModelRecord>('model');
  const pins = new Set((await store.recordsOf<boolean>('pin')).map(([key]) => key.slice('pin:'.length)));
  const listed = await Promise.all(
    models.map(async ([, record]) => {
      const blobs = await Promise.all((record.blobs ?? []).map((blob) => store.getFile(record.repo, blob)));
      const intact = await Promise.all(blobs.map((blob) => (blob?.verified ? store.isIntact(blob) : false)));
      const entry: CachedModel = {
        model: record.repo,
        revision: record.revision,
        commit: record.commit,
        dtype: record.dtype,
        files: record.files.length,
        bytes: record.bytes,
        complete: intact.length === record.files.length && intact.every(Boolean),
        lastUsed: record.lastUsed,
        pinned: pins.has(record.repo),
      };
      return entry;
    }),
  );
  return listed.sort((a, b) => b.lastUsed - a.lastUsed);
}

/**
 * inpage's bytes, the origin's usage and quota, persistence and budget.
 * @example
 * const { modelBytes, quota } = await cacheUsage(store, undefined);
 */
export async function cacheUsage(store: ModelStore, budget: number | undefined): Promise<CacheUsage> {
  const storage = globalThis.navigator?.storage;
  const estimate = storage?.estimate ? await storage.estimate() : {};
  const persisted = storage?.persisted ? await storage.persisted() : false;
  return {
    modelBytes: await modelBytes(store),
    originUsage: estimate.usage ?? 0,
    quota: estimate.quota ?? 0,
    persisted,
    budget: budget ?? null,
  };
}

/**
 * Deletes every stored file, snapshot, ref, pin and record of a repo.
 * @returns whether anything was stored.
 * @example
 * await deleteCachedModel(store, 'Xenova/all-MiniLM-L6-v2');
 */
export async function deleteCachedModel(store: ModelStore, repo: string): Promise<boolean> {
  const files = (await store.recordsOf<FileRecord>('blob')).filter(([, record]) => record.repo === repo);
  for (const [, record] of files) await store.deleteFile(record);
  const others = [
    ...(await store.recordsOf<ModelRecord>('model')),
    ...(await store.recordsOf<SnapshotRecord>('snapshot')),
    ...(await store.recordsOf<RefRecord>('ref')),
  ]
    .filter(([, record]) => record.repo === repo)
    .map(([key]) => key);
  const pin = (await store.recordsOf<boolean>('pin')).filter(([key]) => key === `pin:${repo}`).map(([key]) => key);
  await store.deleteRecords([...others, ...pin]);
  return files.length + others.length > 0;
}

/**
 * Records what a load or install made available. A load by commit sha keeps the revision the
 * record was first made under, and marks it `commitPinned`. A load by branch or tag means its ref
 * moved: the records of that revision and dtype at older commits are dropped (unless pinned by
 * commit, or another ref names their commit), and the blobs no remaining record lists are freed.
 * @example
 * await touchModel(store, { repo, revision: 'main', commit, dtype: 'q8', files, blobs, bytes, lastUsed: Date.now() }, false);
 */
export async function touchModel(store: ModelStore, record: ModelRecord, revisionIsCommit: boolean): Promise<void> {
  const models = (await store.recordsOf<ModelRecord>('model')).map(([, model]) => model);
  const existing = models.find((model) => model.repo === record.repo && model.commit === record.commit && model.dtype === record.dtype);
  if (revisionIsCommit) record = { ...record, commitPinned: true, ...(existing ? { revision: existing.revision } : {}) };
  else if (existing?.commitPinned) record = { ...record, commitPinned: true };
  await store.putModel(record);
  if (revisionIsCommit) return;
  const otherRefs = (await store.recordsOf<RefRecord>('ref')).filter(
    ([, ref]) => ref.repo === record.repo && ref.revision !== record.revision,
  );
  const stale = models.filter(
    (model) =>
      model.repo === record.repo &&
      model.revision === record.revision &&
      model.dtype === record.dtype &&
      model.commit !== record.commit &&
      !model.commitPinned &&
      !otherRefs.some(([, ref]) => ref.commit === model.commit),
  );
  if (stale.length === 0) return;
  for (const model of stale) await store.deleteModel(model);
  const remaining = [...models.filter((model) => !stale.includes(model) && model !== existing), record];
  await freeBlobs(
    store,
    record.repo,
    stale.flatMap((model) => model.blobs ?? []),
    remaining,
  );
}

/**
 * Deletes the verified blobs among `candidates` that no model record of `remaining` lists.
 * Blobs still downloading are left alone: a load may be writing them.
 * @returns the bytes freed.
 */
export async function freeBlobs(
  store: ModelStore,
  repo: string,
  candidates: readonly string[],
  remaining: readonly ModelRecord[],
  dryRun = false,
): Promise<number> {
  const kept = new Set(remaining.filter((model) => model.repo === repo).flatMap((model) => model.blobs ?? []));
  let freed = 0;
  for (const blob of new Set(candidates)) {
    if (kept.has(blob)) continue;
    const record = await store.getFile(repo, blob);
    if (!record?.verified) continue;
    freed += storedBytes(record);
    if (!dryRun) await store.deleteFile(record);
  }
  return freed;
}
