import { InpageError } from '../errors.ts';
import type { HubConfig } from '../hub/hub-client.ts';
import type { ModelStore } from './idb-store.ts';
import type { PreparedModel } from './prepare-model.ts';

/** The subset of the Web Cache API transformers.js calls on `env.customCache`. */
export interface CustomCache {
  match(request: string | Request): Promise<Response | undefined>;
  put(request: string | Request, response: Response): Promise<void>;
}

interface Activation {
  prepared: PreparedModel;
  users: number;
  released: Promise<void>;
  release: () => void;
}

/**
 * Connects the store to transformers.js: as `env.customCache` it serves only verified stored
 * files, and as `env.fetch` it refuses every request to the model host, so transformers.js can
 * never download an unverified byte. A load {@link activate}s its prepared model for the time
 * `pipeline()` runs; `match` maps (repo, path) to that load's commit whatever revision the URL
 * names (`pipeline()` asks for `resolve/main/…` even for a pinned load).
 *
 * @example
 * const bridge = new StoreBridge(store, hub);
 * env.useCustomCache = true; env.customCache = bridge.cache; env.fetch = bridge.fetch;
 * const release = await bridge.activate(prepared);
 * try { await pipeline(task, repo, { revision: prepared.commit }); } finally { release(); }
 */
export class StoreBridge {
  /** Requests from transformers.js to the model host that were refused (should stay 0). */
  refusedRequests = 0;
  readonly #store: ModelStore;
  readonly #hub: HubConfig;
  readonly #active = new Map<string, Activation>();

  constructor(store: ModelStore, hub: HubConfig) {
    this.#store = store;
    this.#hub = hub;
  }

  /** Makes a prepared model's files visible until the returned function is called. */
  async activate(prepared: PreparedModel): Promise<() => void> {
    for (
      let current = this.#active.get(prepared.repo);
      current && current.prepared.commit !== prepared.commit;
      current = this.#active.get(prepared.repo)
    ) {
      await current.released;
    }
    let activation = this.#active.get(prepared.repo);
    if (!activation) {
      let release = (): void => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      activation = { prepared, users: 0, released, release };
      this.#active.set(prepared.repo, activation);
    }
    activation.users += 1;
    const current = activation;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      current.users -= 1;
      if (current.users === 0) {
        this.#active.delete(prepared.repo);
        current.release();
      }
    };
  }

  /** `env.customCache` for transformers.js. */
  readonly cache: CustomCache = {
    match: async (request) => {
      const target = this.#locate(typeof request === 'string' ? request : request.url);
      if (!target) return undefined;
      const { prepared, path } = target;
      const file = prepared.files.find((entry) => entry.path === path);
      if (!file) return undefined;
      // What prepare already read is not read from IndexedDB again.
      const record = prepared.blobs.has(path) ? undefined : await this.#store.getFile(prepared.repo, prepared.commit, path);
      const blob = prepared.blobs.get(path) ?? (record?.verified ? await this.#store.readFile(record) : undefined);
      if (!blob) return undefined;
      // transformers.js asks for some files twice (tokenizer_config.json): read once per load.
      prepared.blobs.set(path, blob);
      return new Response(blob, { headers: { 'content-length': String(blob.size), 'content-type': contentType(path) } });
    },
    put: async () => undefined,
  };

  /** `env.fetch` for transformers.js: answers for the model host without touching the network. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!this.#isModelHost(url)) return globalThis.fetch(input, init);
    const target = this.#locate(url);
    if (target && !target.prepared.snapshot.files.some((file) => file.path === target.path)) {
      return new Response(JSON.stringify({ error: 'Entry not found' }), {
        status: 404,
        headers: { 'x-error-code': 'EntryNotFound', 'content-type': 'application/json' },
      });
    }
    this.refusedRequests += 1;
    throw new InpageError(
      'FILE_NOT_FOUND',
      target
        ? `transformers.js asked for "${target.prepared.repo}/${target.path}", which inpage did not plan to download for this load.`
        : `transformers.js tried to fetch ${url} outside an inpage load; inpage only serves verified stored files.`,
    );
  };

  #isModelHost(url: string): boolean {
    try {
      return new URL(url).origin === new URL(this.#hub.endpoint).origin;
    } catch {
      return false;
    }
  }

  #locate(url: string): { prepared: PreparedModel; path: string } | undefined {
    const prefix = `${this.#hub.endpoint}/`;
    if (!url.startsWith(prefix)) return undefined;
    const rest = url.slice(prefix.length);
    for (const [repo, activation] of this.#active) {
      if (!rest.startsWith(`${repo}/resolve/`)) continue;
      const afterRevision = rest.slice(`${repo}/resolve/`.length).split('?')[0] ?? '';
      const slash = afterRevision.indexOf('/');
      if (slash < 0) return undefined;
      const path = afterRevision
        .slice(slash + 1)
        .split('/')
        .map(decodeURIComponent)
        .join('/');
      return { prepared: activation.prepared, path };
    }
    return undefined;
  }
}

function contentType(path: string): string {
  return path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}
