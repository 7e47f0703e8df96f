import { InpageError } from '../errors.ts';
import type { HubConfig, RepoFile, RepoSnapshot } from '../hub/hub-client.ts';
import type { ModelStore } from './idb-store.ts';
import { HeldResponse } from './held-bytes.ts';
import type { PreparedModel } from './prepare-model.ts';
import { blobId } from './records.ts';

/** The subset of the Web Cache API transformers.js calls on `env.customCache`. */
export interface CustomCache {
  match(request: string | Request): Promise<Response | undefined>;
  put(request: string | Request, response: Response): Promise<void>;
}

/** What transformers.js asked the bridge for during one activation. */
export interface BridgeRequests {
  /** Planned files served from the store, by path. */
  served: Set<string>;
  /** Files of the repo asked for that were not planned (refused), by path. */
  unplanned: Set<string>;
  /** Metadata probes (`Range: bytes=0-0`) answered from the tree listing, by path. */
  probed: Set<string>;
}

/** The files one activation makes visible. */
interface Visible {
  repo: string;
  commit: string;
  /** The commit's tree listing: what exists. */
  snapshot: RepoSnapshot;
  /** What may be served (empty while planning: only metadata is answered). */
  files: readonly RepoFile[];
  /** The stored `chat_template.jinja` to pass as `chat_template` in `tokenizer_config.json`. */
  chatTemplate?: string;
  /** Stored files this load already read, by path (see `PreparedModel.blobs`). */
  blobs: Map<string, Blob>;
  /** Verified bytes in memory, by path, each handed over once (see `PreparedModel.held`). */
  held?: Map<string, ArrayBuffer>;
}

interface Activation {
  visible: Visible;
  users: number;
  released: Promise<void>;
  release: () => void;
  requests: BridgeRequests;
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
 *
 * Metadata probes (a `Range: bytes=0-0` GET, as `ModelRegistry` makes them) are answered from
 * the commit's tree listing, also while a plan is made ({@link StoreBridge.listing}).
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
  activate(prepared: PreparedModel): Promise<() => void> {
    const visible: Visible = {
      repo: prepared.repo,
      commit: prepared.commit,
      snapshot: prepared.snapshot,
      files: prepared.files,
      blobs: prepared.blobs,
      held: prepared.held,
    };
    if (prepared.chatTemplate !== undefined) visible.chatTemplate = prepared.chatTemplate;
    return this.#activate(visible);
  }

  /**
   * Runs `work` (a `ModelRegistry` query) with a commit's tree listing visible: metadata probes
   * are answered from it, and no file is served.
   * @example
   * const files = await bridge.listing(snapshot, () => ModelRegistry.get_pipeline_files(task, repo, { config }));
   */
  async listing<T>(snapshot: RepoSnapshot, work: () => Promise<T>): Promise<T> {
    const release = await this.#activate({ repo: snapshot.repo, commit: snapshot.commit, snapshot, files: [], blobs: new Map() });
    try {
      return await work();
    } finally {
      release();
    }
  }

  /**
   * What transformers.js asked for while the repo's current activation is (or was last) active.
   * The test of every fixture, task and dtype compares it with the plan.
   */
  requestsOf(repo: string): BridgeRequests | undefined {
    return this.#active.get(repo)?.requests ?? this.#last.get(repo);
  }

  readonly #last = new Map<string, BridgeRequests>();

  async #activate(visible: Visible): Promise<() => void> {
    for (
      let current = this.#active.get(visible.repo);
      current && current.visible.commit !== visible.commit;
      current = this.#active.get(visible.repo)
    ) {
      await current.released;
    }
    let activation = this.#active.get(visible.repo);
    if (!activation) {
      let release = (): void => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const requests: BridgeRequests = { served: new Set(), unplanned: new Set(), probed: new Set() };
      activation = { visible, users: 0, released, release, requests };
      this.#active.set(visible.repo, activation);
    } else if (activation.visible.files.length === 0 && visible.files.length > 0) {
      activation.visible = visible; // A load joins a plan of the same commit: its files become visible.
    }
    activation.users += 1;
    const current = activation;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      current.users -= 1;
      if (current.users === 0) {
        this.#active.delete(visible.repo);
        if (current.visible.files.length > 0) this.#last.set(visible.repo, current.requests);
        current.release();
      }
    };
  }

  /** `env.customCache` for transformers.js. */
  readonly cache: CustomCache = {
    match: async (request) => {
      const target = this.#locate(typeof request === 'string' ? request : request.url);
      if (!target) return undefined;
      const { activation, path } = target;
      const { visible } = activation;
      const file = visible.files.find((entry) => entry.path === path);
      if (!file) return undefined;
      const held = visible.held?.get(path);
      if (held) {
        visible.held?.delete(path); // handed over: not kept beside the session's copy
        activation.requests.served.add(path);
        return new HeldResponse(held, { headers: { 'content-length': String(held.byteLength), 'content-type': contentType(path) } });
      }
      // What prepare already read is not read from IndexedDB again; what is read here is kept for the load
      // (transformers.js asks for some files twice, e.g. tokenizer_config.json).
      let blob = visible.blobs.get(path);
      if (!blob) {
        const record = await this.#store.getFile(visible.repo, blobId(file));
        blob = record?.verified ? await this.#store.readFile(record) : undefined;
        if (!blob) return undefined;
        visible.blobs.set(path, blob);
      }
      activation.requests.served.add(path);
      if (path === 'tokenizer_config.json' && visible.chatTemplate !== undefined) {
        const template = await this.#readText(visible, visible.chatTemplate);
        if (template !== undefined) blob = await withChatTemplate(blob, template);
        activation.requests.served.add(visible.chatTemplate);
      }
      return new Response(blob, { headers: { 'content-length': String(blob.size), 'content-type': contentType(path) } });
    },
    put: async () => undefined,
  };

  /** `env.fetch` for transformers.js: answers for the model host without touching the network. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!this.#isModelHost(url)) return globalThis.fetch(input, init);
    const target = this.#locate(url);
    const listed = target?.activation.visible.snapshot.files.find((file) => file.path === target.path);
    if (target && isMetadataProbe(input, init)) {
      target.activation.requests.probed.add(target.path);
      if (!listed) return notFound();
      // The size from the listing, as a Range response states it; no byte is sent.
      return new Response(null, {
        status: 206,
        headers: { 'content-range': `bytes 0-0/${listed.size}`, 'content-type': contentType(target.path) },
      });
    }
    if (target && !listed) return notFound();
    if (target) target.activation.requests.unplanned.add(target.path);
    this.refusedRequests += 1;
    throw new InpageError(
      'FILE_NOT_FOUND',
      target
        ? `transformers.js asked for "${target.activation.visible.repo}/${target.path}", which inpage did not plan to download for this load.`
        : `transformers.js tried to fetch ${url} outside an inpage load; inpage only serves verified stored files.`,
    );
  };

  async #readText(visible: Visible, path: string): Promise<string | undefined> {
    const read = visible.blobs.get(path);
    if (read) return read.text();
    const file = visible.snapshot.files.find((entry) => entry.path === path);
    const record = file && (await this.#store.getFile(visible.repo, blobId(file)));
    return record?.verified ? (await this.#store.readFile(record))?.text() : undefined;
  }

  #isModelHost(url: string): boolean {
    try {
      return new URL(url).origin === new URL(this.#hub.endpoint).origin;
    } catch {
      return false;
    }
  }

  #locate(url: string): { activation: Activation; path: string } | undefined {
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
      return { activation, path };
    }
    return undefined;
  }
}

function contentType(path: string): string {
  return path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}

function notFound(): Response {
  return new Response(JSON.stringify({ error: 'Entry not found' }), {
    status: 404,
    headers: { 'x-error-code': 'EntryNotFound', 'content-type': 'application/json' },
  });
}

/** A `Range: bytes=0-0` GET: how transformers.js's `get_file_metadata` asks for a file's size. */
function isMetadataProbe(input: string | URL | Request, init?: RequestInit): boolean {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  return headers.get('range') === 'bytes=0-0';
}

/**
 * `tokenizer_config.json` with the repo's `chat_template.jinja` as its `chat_template`: how
 * transformers.js 4.3.1's tokenizer sees a template it does not load from the `.jinja` file itself.
 */
async function withChatTemplate(blob: Blob, template: string): Promise<Blob> {
  const config = JSON.parse(await blob.text()) as Record<string, unknown>;
  if (config.chat_template !== undefined && config.chat_template !== null) return blob;
  return new Blob([JSON.stringify({ ...config, chat_template: template })], { type: 'application/json' });
}
