import { InpageError } from '../errors.ts';
import type { ResolvedDtype } from '../types.ts';
import { reposInUse } from './cross-tab.ts';
import type { ModelStore } from './idb-store.ts';
import type { FileRecord, ModelRecord, RefRecord, SnapshotRecord } from './records.ts';
import { storedBytes } from './records.ts';

/** One stored model (a repo at one commit in one dtype), as `client.cache.list()` returns it. */
export interface CachedModel {
  model: string;
  /** The revision it was loaded or installed under. */
  revision: string;
  commit: string;
  dtype: ResolvedDtype;
  /** How many files a load of it reads. */
  files: number;
  /** Sum of those files' sizes (files shared between dtypes count in each). */
  bytes: number;
  /** `false` when a file or chunk is missing (an interrupted download, or data deleted behind inpage's back). */
  complete: boolean;
  /** Last load or install, epoch ms. */
  lastUsed: number;
  /** Pinned models are never evicted. */
  pinned: boolean;
}

/** Storage use, as `client.cache.usage()` returns it. */
export interface CacheUsage {
  /** Bytes of model files inpage stores in this namespace (its own accounting, exact). */
  modelBytes: number;
  /** Bytes the whole origin uses, as the browser estimates it (`navigator.storage.estimate()`). */
  originUsage: number;
  /** Bytes the origin may use, as the browser estimates it. */
  quota: number;
  /** Whether the browser granted persistent storage (`navigator.storage.persisted()`). */
  persisted: boolean;
  /** The `storage.budget` inpage keeps its models within, or `null` for none. */
  budget: number | null;
}

/** Which model a download is for (never evicted to make room for itself). */
export interface RoomRequest {
  repo: string;
  commit: string;
  dtype: ResolvedDtype;
  /** Paths of the files of that load (kept even when another dtype's record is evicted). */
  paths: string[];
  /** Bytes still to download. */
  needed: number;
  budget?: number;
}

/** Bytes inpage stores, from its file records. */
async function modelBytes(store: ModelStore): Promise<number> {
  const files = await store.recordsOf<FileRecord>('file');
  return files.reduce((sum, [, record]) => sum + storedBytes(record), 0);
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
      const files = await Promise.all(record.files.map((path) => store.getFile(record.repo, record.commit, path)));
      const intact = await Promise.all(files.map((file) => (file?.verified ? store.isIntact(file) : false)));
      const entry: CachedModel = {
        model: record.repo,
        revision: record.revision,
        commit: record.commit,
        dtype: record.dtype,
        files: record.files.length,
        bytes: record.bytes,
        complete: intact.every(Boolean),
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
  const files = (await store.recordsOf<FileRecord>('file')).filter(([, record]) => record.repo === repo);
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

/** Records what a load or install made available, keeping the revision it was first asked under. */
export async function touchModel(store: ModelStore, record: ModelRecord, revisionIsCommit: boolean): Promise<void> {
  if (revisionIsCommit) {
    const existing = (await store.recordsOf<ModelRecord>('model')).find(
      ([, model]) => model.repo === record.repo && model.commit === record.commit && model.dtype === record.dtype,
    );
    if (existing) record = { ...record, revision: existing[1].revision };
  }
  await store.putModel(record);
}

/**
 * Makes room for a download: within `budget`, and within the browser's free quota, evicting
 * unpinned models least recently used first (never the one being downloaded, nor one another load
 * is reading).
 * @throws InpageError `QUOTA_EXCEEDED` with the bytes needed and free when evicting is not enough.
 * @example
 * await makeRoom(store, { repo, commit, dtype, paths, needed: 3_000_000, budget: 50_000_000 });
 */
export async function makeRoom(store: ModelStore, request: RoomRequest): Promise<void> {
  if (request.needed <= 0) return;
  const storage = globalThis.navigator?.storage;
  const estimate = storage?.estimate ? await storage.estimate() : undefined;
  const quotaFree = estimate?.quota !== undefined ? Math.max(0, estimate.quota - (estimate.usage ?? 0)) : Infinity;
  const used = await modelBytes(store);
  const budgetFree = request.budget !== undefined ? Math.max(0, request.budget - used) : Infinity;
  let free = Math.min(quotaFree, budgetFree);
  if (request.needed <= free) return;
  const pins = new Set((await store.recordsOf<boolean>('pin')).map(([key]) => key.slice('pin:'.length)));
  const models = (await store.recordsOf<ModelRecord>('model')).map(([, record]) => record);
  const isCurrent = (model: ModelRecord): boolean =>
    model.repo === request.repo && model.commit === request.commit && model.dtype === request.dtype;
  // A model another load is reading (in any tab) is not evicted from under it.
  const busy = await reposInUse(store.namespace);
  const evictable = (model: ModelRecord): boolean =>
    !pins.has(model.repo) && !isCurrent(model) && (model.repo === request.repo || !busy.has(model.repo));
  const victims = models.filter(evictable).sort((a, b) => a.lastUsed - b.lastUsed);
  // Plan first, so a download that cannot fit evicts nothing.
  const chosen: ModelRecord[] = [];
  let remaining = models;
  for (const victim of victims) {
    if (request.needed <= free) break;
    remaining = remaining.filter((model) => model !== victim);
    free += await evict(store, victim, remaining, request, true);
    chosen.push(victim);
  }
  if (request.needed <= free) {
    remaining = models;
    for (const victim of chosen) {
      remaining = remaining.filter((model) => model !== victim);
      await evict(store, victim, remaining, request, false);
    }
    return;
  }
  const limit = budgetFree <= quotaFree ? `the storage budget of ${request.budget ?? 0} bytes` : "the browser's storage quota";
  throw new InpageError(
    'QUOTA_EXCEEDED',
    `"${request.repo}" needs ${request.needed} more bytes but only ${free} would be free within ${limit} even after evicting every unpinned model; nothing was evicted.`,
  );
}

/** Deletes a model's files that no remaining model (nor the download) uses; returns the bytes freed (or that would be, with `dryRun`). */
async function evict(
  store: ModelStore,
  victim: ModelRecord,
  remaining: readonly ModelRecord[],
  request: RoomRequest,
  dryRun: boolean,
): Promise<number> {
  const keep = new Set(
    remaining.filter((model) => model.repo === victim.repo && model.commit === victim.commit).flatMap((model) => model.files),
  );
  if (victim.repo === request.repo && victim.commit === request.commit) request.paths.forEach((path) => keep.add(path));
  let freed = 0;
  for (const path of victim.files) {
    if (keep.has(path)) continue;
    const record = await store.getFile(victim.repo, victim.commit, path);
    if (!record) continue;
    freed += storedBytes(record);
    if (!dryRun) await store.deleteFile(record);
  }
  if (!dryRun) await store.deleteModel(victim);
  return freed;
}
