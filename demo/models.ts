/**
 * Loads each (task, model) once and tells the progress and device panels what happens.
 * @module
 */
import type { Fallback, InpageClient, Model, LoadProgressEvent, TaskId } from 'inpage';

/** A model that has finished loading, as the device panel shows it. */
export interface LoadedModel {
  task: TaskId;
  model: string;
  device: string;
  dtype: string;
  fallback: Fallback | null;
}

/** Who listens to loads. */
export interface LoadListener {
  /** A load starts (before its first progress event). */
  onStart?(model: string): void;
  onProgress?(event: LoadProgressEvent): void;
  onLoaded?(loaded: LoadedModel): void;
  /** A load failed or was aborted. */
  onFailed?(model: string, error: unknown): void;
}

/** The demo's shared model loader. */
export interface ModelLoader {
  /**
   * The model for `task`, loaded on the first call (an aborted or failed load is retried by the next call).
   * @example
   * const sentiment = await models.get('sentiment-analysis', sentimentModel);
   */
  get<T extends TaskId>(task: T, model: string, signal?: AbortSignal): Promise<Model<T>>;
  /** Models loaded so far. */
  loaded(): readonly LoadedModel[];
  /** Adds a listener; returns its removal. */
  listen(listener: LoadListener): () => void;
  /** Fans a progress event out to the listeners (used by installs from the model manager). */
  report: Required<LoadListener>;
}

/**
 * Creates the loader over a client.
 * @example
 * const models = createModelLoader(createClient());
 */
export function createModelLoader(client: InpageClient): ModelLoader {
  const pending = new Map<string, Promise<unknown>>();
  const done: LoadedModel[] = [];
  const listeners = new Set<LoadListener>();
  const report: Required<LoadListener> = {
    onStart: (model) => listeners.forEach((l) => l.onStart?.(model)),
    onProgress: (event) => listeners.forEach((l) => l.onProgress?.(event)),
    onLoaded: (loaded) => listeners.forEach((l) => l.onLoaded?.(loaded)),
    onFailed: (model, error) => listeners.forEach((l) => l.onFailed?.(model, error)),
  };

  const load = async <T extends TaskId>(task: T, model: string, signal?: AbortSignal): Promise<Model<T>> => {
    report.onStart(model);
    try {
      const handle = await client.load(task, model, { onProgress: report.onProgress, ...(signal ? { signal } : {}) });
      const info: LoadedModel = { task, model, device: handle.device, dtype: handle.dtype, fallback: handle.fallback };
      done.push(info);
      report.onLoaded(info);
      return handle;
    } catch (error) {
      report.onFailed(model, error);
      throw error;
    }
  };

  return {
    get<T extends TaskId>(task: T, model: string, signal?: AbortSignal): Promise<Model<T>> {
      const key = `${task} ${model}`;
      let promise = pending.get(key) as Promise<Model<T>> | undefined;
      if (!promise) {
        promise = load(task, model, signal);
        pending.set(key, promise);
        promise.catch(() => pending.delete(key));
      }
      return promise;
    },
    loaded: () => done,
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    report,
  };
}
