import { describe, expect, it, vi } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import type { HubConfig, RepoFile } from '../../../src/hub/hub-client.ts';
import { prepareModel } from '../../../src/store/prepare-model.ts';
import type { PrepareOptions, PrepareRequest } from '../../../src/store/prepare-model.ts';
import { blobId } from '../../../src/store/records.ts';
import { useHubServer } from '../hub/support.ts';
import { memoryStore } from './memory-store.ts';
import type { MemoryStore } from './memory-store.ts';

const hub = useHubServer();
const chunkSize = 16 * 1024;
const repo = 'test-org/tiny';
const request = (policy: PrepareRequest['policy'] = 'stale-while-revalidate'): PrepareRequest => ({
  repo,
  revision: 'main',
  dtype: 'fp32',
  // Every listed file: these tests are about resolution and transfer, not about plans.
  plan: async (_config, snapshot) => [{ dtype: 'fp32', files: [...snapshot.files] }],
  policy,
});
const options = (store = memoryStore(), config: HubConfig = hub.config()): PrepareOptions => ({
  hub: config,
  store,
  chunkSize,
  retries: 4,
  concurrency: 4,
});
const apiRequests = (): number => hub.server().requests.filter((r) => r.url.startsWith('/api/')).length;

describe('prepareModel against mirrors', () => {
  it('a load from a same-origin mirror cut at 50 % resumes with Range from at least the cut minus one chunk', async () => {
    const server = hub.server();
    server.knobs.lfsOnHub = true;
    const cut = 100_000; // of the 200 000-byte onnx/model.onnx
    server.faults.add({ origin: 'hub', file: 'onnx/model.onnx', cutAfterBytes: cut, times: 1 });
    const prepared = await prepareModel(request(), options());
    expect(prepared.files.map((file) => file.path)).toContain('onnx/model.onnx');
    const gets = server.requestsFor('onnx/model.onnx').filter((r) => r.method === 'GET');
    expect(gets.every((r) => r.origin === 'hub')).toBe(true);
    const from = Number(/^bytes=(\d+)-$/.exec(gets[1]?.range ?? '')?.[1]);
    expect(from).toBeGreaterThanOrEqual(cut - chunkSize);
    expect(prepared.downloaded).toBe(prepared.files.reduce((sum, file) => sum + file.size, 0));
  });

  it('shares the resolution of concurrent loads of one repo and revision', async () => {
    hub.server().faults.add({ origin: 'hub', latencyMs: 30 });
    const store = memoryStore();
    await Promise.all([
      prepareModel(request(), options(store)),
      prepareModel(request(), options(store)),
      prepareModel(request(), options(store)),
    ]);
    expect(apiRequests()).toBe(2);
  });
});

describe('when the check fails', () => {
  it('falls back at once (no retries) to a complete stored commit, and says so', async () => {
    const store = memoryStore();
    const first = await prepareModel(request(), options(store));
    const server = hub.server();
    server.clearRequests();
    server.faults.add({ origin: 'hub', status: 503, retryAfter: '30' });
    const started = Date.now();
    const prepared = await prepareModel(request('always-check'), options(store));
    expect(Date.now() - started).toBeLessThan(5000); // a retry would wait the 30 s of Retry-After
    expect(apiRequests()).toBe(1);
    expect(prepared.commit).toBe(first.commit);
    expect(prepared.offline).toBe(true);
    expect(prepared.offlineReason).toMatch(/HTTP 503/);
  });

  it('offline with a stored commit: one request, not retried nor diagnosed', async () => {
    const store = memoryStore();
    await prepareModel(request(), options(store));
    const server = hub.server();
    server.clearRequests();
    server.setOffline(true);
    const prepared = await prepareModel(request('always-check'), options(store));
    expect(prepared.offline).toBe(true);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET /api/models/${repo}/revision/main`]);
  });

  it('offline with nothing stored: OFFLINE_NOT_CACHED after the retries (the diagnosis finds no redirect)', async () => {
    hub.server().setOffline(true);
    const error = await prepareModel(request(), options()).catch((caught: unknown) => caught);
    expect(isInpageError(error, 'OFFLINE_NOT_CACHED')).toBe(true);
    expect(hub.server().requests.filter((r) => r.method === 'GET').length).toBe(5);
  });

  it('retries (with Retry-After) when nothing is stored', async () => {
    hub.server().faults.add({ origin: 'hub', status: 429, retryAfter: '1', times: 1 });
    const prepared = await prepareModel(request(), options());
    expect(prepared.offline).toBe(false);
    expect(apiRequests()).toBe(3);
  });

  it('a redirect loop with nothing stored is NETWORK, not OFFLINE_NOT_CACHED', async () => {
    hub.server().faults.add({ origin: 'hub', redirect: 'loop' });
    const error = await prepareModel(request(), options()).catch((caught: unknown) => caught);
    expect(isInpageError(error, 'NETWORK')).toBe(true);
  });
});

describe('records are keyed by endpoint', () => {
  it("never uses one endpoint's ref for another endpoint", async () => {
    const store = memoryStore();
    const server = hub.server();
    const viaIp = await prepareModel(request(), options(store));
    const moved = await server.commit(repo, { 'config.json': '{"model_type":"bert","hidden_size":16}\n' });
    server.clearRequests();
    const other = hub.config({ endpoint: server.url.replace('127.0.0.1', 'localhost') });
    const viaName = await prepareModel(request(), options(store, other));
    expect(viaIp.commit).not.toBe(moved);
    expect(viaName.commit).toBe(moved);
    expect(apiRequests()).toBe(2);
  });

  it('refuses malformed ids and revisions with INVALID_INPUT', async () => {
    for (const bad of [
      { ...request(), repo: 'org/..' },
      { ...request(), revision: '..' },
      { ...request(), revision: 'x\uD800' },
    ]) {
      const error = await prepareModel(bad, options()).catch((caught: unknown) => caught);
      expect(isInpageError(error, 'INVALID_INPUT')).toBe(true);
    }
    expect(hub.server().requests).toEqual([]);
  });
});

describe('config.json', () => {
  it('has a total deadline: a config that trickles in fails as NETWORK', async () => {
    hub.server().faults.add({ origin: 'hub', file: 'config.json', bytesPerSecond: 2 }); // ~20 s for its 39 bytes
    const config = hub.config({ limits: { jsonDeadlineMs: 500, stallTimeoutMs: 5000 } });
    const started = Date.now();
    const error = await prepareModel(request(), { ...options(memoryStore(), config), retries: 0 }).catch((caught: unknown) => caught);
    expect(isInpageError(error, 'NETWORK')).toBe(true);
    expect((error as Error).message).toMatch(/config\.json" took longer than 0.5 s/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('has a size cap', async () => {
    const config = hub.config({ limits: { configMaxBytes: 20 } });
    const error = await prepareModel(request(), options(memoryStore(), config)).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/config\.json" is \d+ bytes, more than a config \(20\)/);
    expect(hub.server().requestsFor('config.json')).toEqual([]);
  });
});

/** A Blob whose backing file the browser lost: reading any byte fails with `NotReadableError`. */
class LostBlob extends Blob {
  override slice(): Blob {
    const lost = new Blob();
    lost.arrayBuffer = () => Promise.reject(new DOMException('A requested file or directory could not be found.', 'NotReadableError'));
    return lost;
  }
}

describe('a stored Blob the browser lost', () => {
  const loseWeights = (store: ReturnType<typeof memoryStore>, weights: RepoFile): void => {
    for (const [key, part] of store.chunks) if (key.startsWith(`${repo}@${blobId(weights)}#`)) store.chunks.set(key, new LostBlob([part]));
  };

  it('is treated as missing: the file is downloaded again', async () => {
    const store = memoryStore();
    const first = await prepareModel(request(), options(store));
    const weights = first.files.find((file) => file.path === 'onnx/model.onnx');
    if (!weights) throw new Error('no weights');
    loseWeights(store, weights);
    const again = await prepareModel(request('always-check'), options(store));
    expect(again.downloaded).toBe(weights.size);
    expect(await (await store.readFile((await store.getFile(repo, blobId(weights)))!, true))?.arrayBuffer()).toHaveProperty(
      'byteLength',
      weights.size,
    );
  });

  it('offline, the load fails with STORAGE naming the file', async () => {
    const store = memoryStore();
    const first = await prepareModel(request(), options(store));
    const weights = first.files.find((file) => file.path === 'onnx/model.onnx');
    if (!weights) throw new Error('no weights');
    loseWeights(store, weights);
    hub.server().setOffline(true);
    const error = await prepareModel(request('always-check'), options(store)).catch((caught: unknown) => caught);
    expect(isInpageError(error, 'STORAGE')).toBe(true);
    expect((error as Error).message).toContain('onnx/model.onnx');
  });
});

describe('a load holding its downloads', () => {
  const held = (store = memoryStore()): PrepareOptions => ({ ...options(store), holdDownloads: true });
  const weights = 'onnx/model.onnx';

  it('returns once the weights are verified and held, and lists the model only once they are stored', async () => {
    const store = memoryStore();
    const memory = store as unknown as MemoryStore;
    let release: () => void = () => undefined;
    const writesHeld = new Promise<void>((resolve) => (release = resolve));
    const putChunk = memory.putChunk.bind(memory);
    memory.putChunk = async (record, index, blob) => {
      if (record.path === weights) await writesHeld;
      return putChunk(record, index, blob);
    };
    const prepared = await prepareModel(request(), held(store));
    expect(prepared.held.get(weights)?.byteLength).toBe(prepared.files.find((file) => file.path === weights)?.size);
    expect(await store.recordsOf('model')).toEqual([]);
    expect(await store.getRef(repo, 'main')).toBeUndefined();
    release();
    await prepared.stored;
    expect((await store.recordsOf('model')).map(([key]) => key)).toEqual([`model:${repo}@${prepared.commit}#fp32`]);
    expect((await store.getRef(repo, 'main'))?.commit).toBe(prepared.commit);
  });

  it('a weights write that fails after the session could start rejects `stored`, and nothing is listed or marked complete', async () => {
    const store = memoryStore();
    const memory = store as unknown as MemoryStore;
    const putChunk = memory.putChunk.bind(memory);
    let returned = false;
    memory.putChunk = async (record, index, blob) => {
      if (record.path !== weights || (index + 1) * chunkSize < record.size) return putChunk(record, index, blob);
      await vi.waitUntil(() => returned, { timeout: 5000 });
      throw new DOMException('quota', 'QuotaExceededError');
    };
    const prepared = await prepareModel(request(), held(store));
    returned = true;
    const error = await prepared.stored.catch((caught: unknown) => caught);
    expect(isInpageError(error, 'QUOTA_EXCEEDED')).toBe(true);
    expect(await store.recordsOf('model')).toEqual([]);
    expect(await store.getRef(repo, 'main')).toBeUndefined();
    const file = prepared.files.find((entry) => entry.path === weights);
    expect((await store.getFile(repo, blobId(file!)))?.verified ?? false).toBe(false);
  });

  it('a load that does not hold waits until everything is stored', async () => {
    const store = memoryStore();
    const prepared = await prepareModel(request(), options(store));
    expect(prepared.held.size).toBe(0);
    expect(await store.recordsOf('model')).toHaveLength(1);
  });
});
