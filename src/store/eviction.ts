import { InpageError } from '../errors.ts';
import type { ResolvedDtype } from '../types.ts';
import { reposInUse, withIdleRepo } from './cross-tab.ts';
import type { ModelStore } from './idb-store.ts';
import { freeBlobs, modelBytes } from './inventory.ts';
import type { ModelRecord } from './records.ts';

/** Which model a download is for (never evicted to make room for itself). */
export interface RoomRequest {
  repo: string;
  commit: string;
  dtype: ResolvedDtype;
  /** Blobs of the files of that load (kept even when another record listing them is evicted). */
  blobs: string[];
  /** Bytes still to download. */
  needed: number;
  budget?: number;
}

/** What a download evicted (plain data: the worker passes it on to the client's `eviction` event). */
export interface Eviction {
  /** Hub ids of the evicted models, each once. */
  models: string[];
  /** Bytes of the blobs freed with them. */
  bytes: number;
}

/**
 * Makes room for a download: within `budget`, and within the browser's free quota, evicting
 * unpinned models least recently used first (never the one being downloaded, nor one another load
 * is reading).
 * @returns The models it evicted (Hub ids, each once) and the bytes their freed blobs took.
 * @throws InpageError `QUOTA_EXCEEDED` with the bytes needed and free when evicting is not enough.
 * @example
 * const { models, bytes } = await makeRoom(store, { repo, commit, dtype, blobs, needed: 3_000_000, budget: 50_000_000 });
 */
export async function makeRoom(store: ModelStore, request: RoomRequest): Promise<Eviction> {
  const evicted: Eviction = { models: [], bytes: 0 };
  if (request.needed <= 0) return evicted;
  const storage = globalThis.navigator?.storage;
  const estimate = storage?.estimate ? await storage.estimate() : undefined;
  const quotaFree = estimate?.quota !== undefined ? Math.max(0, estimate.quota - (estimate.usage ?? 0)) : Infinity;
  const used = await modelBytes(store);
  const budgetFree = request.budget !== undefined ? Math.max(0, request.budget - used) : Infinity;
  let free = Math.min(quotaFree, budgetFree);
  if (request.needed <= free) return evicted;
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
      const kept = remaining.filter((model) => model !== victim);
      // Another repo's files go under its lock, taken only if free: a victim a load started on since the plan is skipped.
      const freed =
        victim.repo === request.repo
          ? await evict(store, victim, kept, request, false)
          : await withIdleRepo(store.namespace, victim.repo, () => evict(store, victim, kept, request, false));
      if (freed === undefined) continue;
      remaining = kept;
      evicted.bytes += freed;
      if (!evicted.models.includes(victim.repo)) evicted.models.push(victim.repo);
    }
    return evicted;
  }
  const limit = budgetFree <= quotaFree ? `the storage budget of ${request.budget ?? 0} bytes` : "the browser's storage quota";
  throw new InpageError(
    'QUOTA_EXCEEDED',
    `"${request.repo}" needs ${request.needed} more bytes but only ${free} would be free within ${limit} even after evicting every unpinned model; nothing was evicted.`,
  );
}

/** Drops a model record and frees its blobs that no remaining model (nor the download) lists; returns the bytes freed (or that would be, with `dryRun`). */
async function evict(
  store: ModelStore,
  victim: ModelRecord,
  remaining: readonly ModelRecord[],
  request: RoomRequest,
  dryRun: boolean,
): Promise<number> {
  const downloading: ModelRecord = { ...victim, commit: request.commit, files: [], blobs: request.blobs };
  const kept = victim.repo === request.repo ? [...remaining, downloading] : remaining;
  const freed = await freeBlobs(store, victim.repo, victim.blobs ?? [], kept, dryRun);
  if (!dryRun) await store.deleteModel(victim);
  return freed;
}
