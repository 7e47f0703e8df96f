/**
 * Loads each (task, model) once, and reports each load to the progress panel. What the client does
 * on its own (a fallback to WASM, a worker restart, an eviction) the views hear from `client.on()`.
 * @module
 */
import type { InpageClient, Model, LoadProgressEvent, TaskId } from 'inpage';

/** Where loads and installs report their progress (the progress panel). */
export interface LoadReporter {
  /** A load starts (before its first progress event). */
  onStart(model: string): void;
  onProgress(event: LoadProgressEvent): void;
  /** A load failed or was aborted. */
  onFailed(model: string, error: unknown): void;
}

/** The demo's shared model loader. */
export interface ModelLoader {
  /**
   * The model for `task`, loaded on the first call (an aborted or failed load is retried by the next call).
   * @example
   * const sentiment = await models.get('sentiment-analysis', sentimentModel);
   */
  get<T extends TaskId>(task: T, model: string, signal?: AbortSignal): Promise<Model<T>>;
  /** Models loaded so far (their `device` and `fallback` are live). */
  loaded(): readonly Model<TaskId>[];
  /** The reporter loads use (installs from the model manager report to it too). */
  readonly reporter: LoadReporter;
}

/**
 * Creates the loader over a client.
 * @example
 * const models = createModelLoader(createClient(), progressPanel.reporter);
 */
export function createModelLoader(client: InpageClient, reporter: LoadReporter): ModelLoader {
  const pending = new Map<string, Promise<unknown>>();
  const done: Model<TaskId>[] = [];

  const load = async <T extends TaskId>(task: T, model: string, signal?: AbortSignal): Promise<Model<T>> => {
    reporter.onStart(model);
    try {
      const handle = await client.load(task, model, { onProgress: reporter.onProgress, ...(signal ? { signal } : {}) });
      done.push(handle as unknown as Model<TaskId>);
      return handle;
    } catch (error) {
      reporter.onFailed(model, error);
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
    reporter,
  };
}
