import type { ErrorCode } from '../errors.ts';
import type { RouteEvent } from '../routing/route-types.ts';

/**
 * A warning's code. `NO_WEB_LOCKS`: the worker has no Web Locks, so inpage runs without
 * cross-tab coordination and without its liveness lock (see `Capabilities.webLocks`).
 */
export type WarningCode = 'NO_WEB_LOCKS';

/**
 * What a client tells an app without being asked: each key is an event type, each value the
 * plain-data payload its listeners receive.
 */
export interface ClientEventMap {
  /** A model planned on WebGPU runs on WASM (at load, or after a device failure mid-call). */
  fallback: { model: string; from: 'webgpu'; to: 'wasm'; reason: string };
  /** The worker was replaced: it died, or a poisoned ONNX Runtime was restarted. Loaded models reload on their next call. */
  'worker-restart': { reason: string; code: ErrorCode };
  /** A download deleted stored models (least recently used, unpinned) to stay within `storage.budget` or the quota; `bytes` is what their files took. */
  eviction: { models: string[]; bytes: number };
  /** Something works with weaker guarantees than usual; `message` says which. Sent when a worker starts. */
  warning: { code: WarningCode; message: string };
  /** Routing chose a device by measurement, or switched a ladder's rung (see `model.route`). */
  route: RouteEvent;
}

/** One of {@link ClientEventMap}'s keys. */
export type ClientEventType = keyof ClientEventMap;

/** A listener of event `K`. */
export type ClientEventListener<K extends ClientEventType> = (event: ClientEventMap[K]) => void;

/**
 * A small typed emitter. Not an `EventTarget`: payloads are plain data, listeners get them as they
 * are, and `on()` returns its own removal. A throwing listener does not stop the others; its error
 * is reported asynchronously (as an uncaught error), like a DOM event listener's.
 */
export class ClientEvents {
  readonly #listeners = new Map<ClientEventType, Set<(event: never) => void>>();

  /**
   * Adds a listener; returns a function that removes it.
   * @example
   * const off = client.on('fallback', ({ model, reason }) => console.warn(model, 'runs on WASM:', reason));
   */
  on<K extends ClientEventType>(type: K, listener: ClientEventListener<K>): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Calls every listener of `type` with `event`. */
  emit<K extends ClientEventType>(type: K, event: ClientEventMap[K]): void {
    for (const listener of this.#listeners.get(type) ?? []) {
      try {
        (listener as ClientEventListener<K>)(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Removes every listener (the client was disposed). */
  clear(): void {
    this.#listeners.clear();
  }
}
