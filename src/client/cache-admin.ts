import type { CachedModel, CacheUsage } from '../types.ts';
import type { FitReport } from '../fit/fit-check.ts';
import type { TaskId } from '../tasks/registry.ts';
import type { ModelRequestServices } from './model-request.ts';
import { assertModelId } from '../hub/ids.ts';
import { requestChecks } from './on-demand.ts';

export type { CachedModel, CacheUsage } from '../types.ts';
export type { CacheAdminSettings, InstallOptions, InstallResult } from './model-request.ts';
import type { CacheAdminSettings, InstallOptions, InstallResult } from './model-request.ts';
export type { FitFinding, FitLimit, FitReport } from '../fit/fit-check.ts';

/** `client.cache`: what inpage stores, and control over it. */
export interface CacheAdmin {
  /**
   * Stored models (one entry per repo, commit and dtype), most recently used first. An entry
   * whose files or chunks are gone shows `complete: false`.
   * @example
   * for (const entry of await client.cache.list()) console.log(entry.model, entry.dtype, entry.bytes, entry.complete);
   */
  list(): Promise<CachedModel[]>;
  /**
   * inpage's exact model bytes, the origin's usage and quota, persistence and budget.
   * @example
   * const { modelBytes, quota } = await client.cache.usage();
   */
  usage(): Promise<CacheUsage>;
  /**
   * Downloads and verifies exactly the files the matching `load()` needs, without loading it.
   * @throws InpageError `MODEL_NOT_FOUND`, `FILE_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`,
   *   `OFFLINE_NOT_CACHED`, `QUOTA_EXCEEDED`, `INTEGRITY`, `ABORTED`.
   * @example
   * await client.cache.install('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english', { dtype: 'q8' });
   */
  install(task: TaskId, model: string, options?: InstallOptions): Promise<InstallResult>;
  /**
   * Will it fit? Checks the plan the matching `load()` would use, before any weight byte (only the
   * revision, its file list and `config.json` are fetched): each file against the per-file
   * ArrayBuffer limit, the session files against the 4 GiB wasm32 heap, the largest tensor against
   * the WebGPU adapter's buffer limits, the bytes to download against the storage room, and the
   * weights against `navigator.deviceMemory` (a warning only: `risky`).
   * @returns the figures and a verdict; `too-large` is what `load()` refuses with `MODEL_TOO_LARGE`
   *   (storage aside: that is `QUOTA_EXCEEDED`). With `dtype: 'auto'`, the smaller dtype `load()`
   *   would step down to, and why (`steppedDownFrom`).
   * @throws InpageError `MODEL_NOT_FOUND`, `FILE_NOT_FOUND`, `UNAUTHORIZED`, `NETWORK`,
   *   `OFFLINE_NOT_CACHED`, `DEVICE_UNAVAILABLE`, `INVALID_INPUT`, `ABORTED`.
   * @example
   * const fit = await client.cache.fit('text-generation', 'onnx-community/Qwen2.5-0.5B-Instruct', { dtype: 'q4f16' });
   * if (fit.verdict !== 'fits') console.warn(fit.reasons.join('\n'));
   */
  fit(task: TaskId, model: string, options?: InstallOptions): Promise<FitReport>;
  /**
   * Deletes every stored file of a model (all revisions and dtypes), and forgets its routes (the
   * device decisions and ladder measurements routing remembered for it).
   * @returns `false` when nothing of it was stored.
   * @example
   * await client.cache.delete('Xenova/all-MiniLM-L6-v2');
   */
  delete(model: string): Promise<boolean>;
  /**
   * Deletes everything inpage stored in this namespace, remembered routes included.
   * @example
   * await client.cache.clear();
   */
  clear(): Promise<void>;
  /**
   * Keeps a model out of eviction.
   * @example
   * await client.cache.pin('Xenova/all-MiniLM-L6-v2');
   */
  pin(model: string): Promise<void>;
  /**
   * Lets eviction take a model again.
   * @example
   * await client.cache.unpin('Xenova/all-MiniLM-L6-v2');
   */
  unpin(model: string): Promise<void>;
}

/**
 * Creates `client.cache` on a client's worker host.
 * @example
 * const cache = createCacheAdmin({ primary, route, nextCallId, health }, { device: 'auto', policy: 'stale-while-revalidate' });
 */
export function createCacheAdmin(services: ModelRequestServices, settings: CacheAdminSettings): CacheAdmin {
  const { primary: host } = services;
  let persistRequested = false;
  const requestPersistence = async (): Promise<void> => {
    if (persistRequested || settings.persist === false) return;
    persistRequested = true;
    // persist() exists on the main thread only (not in workers); a refusal is not an error.
    await globalThis.navigator?.storage?.persist?.().catch(() => false);
  };

  return {
    list: () => host.call((remote) => remote.cacheList()),
    usage: () => host.call((remote) => remote.cacheUsage()),

    async install(task, model, options = {}) {
      const result = await (await requestChecks()).installModel(services, settings, task, model, options);
      await requestPersistence();
      return result;
    },
    fit: async (task, model, options = {}) => (await requestChecks()).fitModel(services, settings, task, model, options),

    delete: (model) => host.call((remote) => remote.cacheDelete(assertModelId(model))),
    clear: () => host.call((remote) => remote.cacheClear()),
    pin: (model) => host.call((remote) => remote.cachePin(assertModelId(model), true)),
    unpin: (model) => host.call((remote) => remote.cachePin(assertModelId(model), false)),
  };
}
