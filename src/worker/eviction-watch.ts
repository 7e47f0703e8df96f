/**
 * Sees the evictions a download makes to stay within the budget or the quota, without the store
 * reporting them: the store it is given records the models eviction deletes. In a download, only
 * eviction deletes a model record (`deleteModel`); the files it deleted just before belong to it.
 * @module
 */
import type { ModelStore } from '../store/idb-store.ts';

/** What the worker tells the client when a download evicted models (plain data). */
export interface Eviction {
  /** Hub ids of the evicted models, each once. */
  models: string[];
  /** Bytes of the files deleted with them. */
  bytes: number;
}

type DeletedFile = Parameters<ModelStore['deleteFile']>[0];
type DeletedModel = Parameters<ModelStore['deleteModel']>[0] & { files?: readonly string[] };

/**
 * A view of `store` that records evictions, and what it recorded so far.
 * @example
 * const watch = watchEvictions(store);
 * await prepareModel(request, { store: watch.store, … });
 * const { models, bytes } = watch.evicted();
 */
export function watchEvictions(store: ModelStore): { store: ModelStore; evicted(): Eviction } {
  let pending: DeletedFile[] = [];
  const models = new Set<string>();
  let bytes = 0;
  const deleteFile = (record: DeletedFile): Promise<void> => {
    pending.push(record);
    return store.deleteFile(record);
  };
  const deleteModel = (record: DeletedModel): Promise<void> => {
    const files = new Set(record.files ?? []);
    for (const file of pending) {
      if (file.repo === record.repo && file.commit === record.commit && files.has(file.path)) bytes += file.size;
    }
    pending = [];
    models.add(record.repo);
    return store.deleteModel(record);
  };
  const watched = new Proxy(store, {
    get(target, key) {
      if (key === 'deleteFile') return deleteFile;
      if (key === 'deleteModel') return deleteModel;
      const value: unknown = Reflect.get(target, key, target);
      // Bound: ModelStore's methods read its private fields, which the proxy does not have.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: watched, evicted: () => ({ models: [...models], bytes }) };
}
