/**
 * The page of a second tab in the multi-tab tests (served at `/__inpage/tab.html`, same origin as
 * the tests). It uses only inpage's public API; the tests drive it through the `tabCall` command.
 *
 * @module
 */
import { createClient, isInpageError } from 'inpage';
import type { CachedModel, CacheUsage, Dtype, InpageClient } from 'inpage';

/** What a tab loads. */
export interface TabLoadSpec {
  hubUrl: string;
  namespace: string;
  model: string;
  dtype: Dtype;
  chunkSize: number;
  /** Classified once the model is ready. */
  text: string;
}

/** A load in a tab, as the test sees it. */
export interface TabLoadState {
  done: boolean;
  /** Largest `loaded` of the `total` progress so far. */
  loaded: number;
  total: number;
  output?: unknown;
  error?: { code: string | null; message: string };
}

/** The API the tab exposes on `window.inpageTab`. */
export interface TabApi {
  start(key: string, spec: TabLoadSpec): void;
  state(key: string): TabLoadState;
  wait(key: string): Promise<TabLoadState>;
  list(hubUrl: string, namespace: string): Promise<CachedModel[]>;
  usage(hubUrl: string, namespace: string): Promise<CacheUsage>;
}

const clients = new Map<string, InpageClient>();
const loads = new Map<string, { state: TabLoadState; settled: Promise<void> }>();

function clientFor(hubUrl: string, namespace: string, chunkSize?: number): InpageClient {
  let client = clients.get(namespace);
  if (!client) {
    // lazy: a worker busy starting the runtime reads the network late, which the tests do not want.
    client = createClient({
      hub: { endpoint: hubUrl },
      device: 'wasm',
      lazy: true,
      storage: { namespace, persist: false, ...(chunkSize ? { chunkSize } : {}) },
    });
    clients.set(namespace, client);
  }
  return client;
}

const api: TabApi = {
  start(key, spec) {
    const state: TabLoadState = { done: false, loaded: 0, total: 0 };
    const client = clientFor(spec.hubUrl, spec.namespace, spec.chunkSize);
    const settled = client
      .load('sentiment-analysis', spec.model, {
        dtype: spec.dtype,
        onProgress: (event) => {
          if (event.phase !== 'total') return;
          state.loaded = Math.max(state.loaded, event.loaded);
          state.total = event.total;
        },
      })
      .then(async (model) => {
        state.output = await model.run(spec.text);
      })
      .catch((error: unknown) => {
        state.error = { code: isInpageError(error) ? error.code : null, message: error instanceof Error ? error.message : String(error) };
      })
      .finally(() => {
        state.done = true;
      });
    loads.set(key, { state, settled });
  },
  state: (key) => loadOf(key).state,
  async wait(key) {
    const load = loadOf(key);
    await load.settled;
    return load.state;
  },
  list: (hubUrl, namespace) => clientFor(hubUrl, namespace).cache.list(),
  usage: (hubUrl, namespace) => clientFor(hubUrl, namespace).cache.usage(),
};

function loadOf(key: string): { state: TabLoadState; settled: Promise<void> } {
  const load = loads.get(key);
  if (!load) throw new Error(`no load "${key}" in this tab`);
  return load;
}

(window as unknown as { inpageTab: TabApi }).inpageTab = api;
