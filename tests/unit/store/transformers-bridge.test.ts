/**
 * The store bridge as transformers.js sees it: metadata probes answered from the tree listing,
 * planned files served from the store and counted, unplanned ones refused and counted, and
 * `chat_template.jinja` passed in `tokenizer_config.json` only when it has no template.
 */
import { describe, expect, it, vi } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import type { RepoFile, RepoSnapshot } from '../../../src/hub/hub-client.ts';
import type { ModelStore } from '../../../src/store/idb-store.ts';
import type { PreparedModel } from '../../../src/store/prepare-model.ts';
import type { FileRecord } from '../../../src/store/records.ts';
import { StoreBridge } from '../../../src/store/transformers-bridge.ts';

const endpoint = 'https://hub.test';
const repo = 'org/model';
const commit = 'a'.repeat(40);
const contents: Record<string, string> = {
  'config.json': '{"model_type":"gpt2"}',
  'tokenizer_config.json': '{"model_max_length":8}',
  'chat_template.jinja': '{{ messages }}',
  'onnx/model.onnx': 'weights',
  'onnx/model_q4.onnx': 'q4 weights',
};
const files: RepoFile[] = Object.entries(contents).map(([path, text], index) => ({
  path,
  size: text.length,
  oid: String(index).padStart(40, '0'),
}));
const snapshot: RepoSnapshot = { repo, commit, files };

/** A store holding every file above, verified. */
const store = {
  getFile: async (_repo: string, blob: string) => {
    const path = files.find((file) => file.oid === blob)?.path;
    return path === undefined ? undefined : ({ path, verified: true } as unknown as FileRecord);
  },
  readFile: async (record: FileRecord) => new Blob([contents[(record as unknown as { path: string }).path] ?? '']),
} as unknown as ModelStore;

function prepared(paths: string[], chatTemplate?: string): PreparedModel {
  const planned = files.filter((file) => paths.includes(file.path));
  return {
    repo,
    revision: 'main',
    commit,
    dtype: 'fp32',
    files: planned,
    config: {},
    blobs: new Map(),
    held: new Map(),
    stored: Promise.resolve(),
    snapshot,
    offline: false,
    downloaded: 0,
    ...(chatTemplate ? { chatTemplate } : {}),
  };
}

const url = (path: string): string => `${endpoint}/${repo}/resolve/main/${path}`;
const probe = (bridge: StoreBridge, path: string): Promise<Response> => bridge.fetch(url(path), { headers: { Range: 'bytes=0-0' } });

describe('StoreBridge', () => {
  it('answers metadata probes from the listing while planning, without the network or a file', async () => {
    const network = vi.spyOn(globalThis, 'fetch');
    const bridge = new StoreBridge(store, { endpoint });
    await bridge.listing(snapshot, async () => {
      const found = await probe(bridge, 'tokenizer_config.json');
      expect(found.status).toBe(206);
      expect(found.headers.get('content-range')).toBe(`bytes 0-0/${contents['tokenizer_config.json']?.length}`);
      expect((await probe(bridge, 'preprocessor_config.json')).status).toBe(404);
      expect(await bridge.cache.match(url('config.json'))).toBeUndefined(); // nothing is served while planning
    });
    expect(network).not.toHaveBeenCalled();
    network.mockRestore();
  });

  it('serves planned files, refuses and counts unplanned ones, and records what was asked', async () => {
    const bridge = new StoreBridge(store, { endpoint });
    const release = await bridge.activate(prepared(['config.json', 'onnx/model.onnx']));
    expect(await (await bridge.cache.match(url('onnx/model.onnx')))?.text()).toBe('weights');
    expect(await bridge.cache.match(url('onnx/model_q4.onnx'))).toBeUndefined();
    const refused = await bridge.fetch(url('onnx/model_q4.onnx')).catch((error: unknown) => error);
    expect(isInpageError(refused, 'FILE_NOT_FOUND')).toBe(true);
    expect((await bridge.fetch(url('onnx/absent.onnx'))).status).toBe(404);
    release();
    expect(bridge.refusedRequests).toBe(1);
    const requests = bridge.requestsOf(repo);
    expect([...(requests?.served ?? [])]).toEqual(['onnx/model.onnx']);
    expect([...(requests?.unplanned ?? [])]).toEqual(['onnx/model_q4.onnx']);
  });

  it('passes chat_template.jinja as chat_template when tokenizer_config.json has none', async () => {
    const bridge = new StoreBridge(store, { endpoint });
    const release = await bridge.activate(prepared(['tokenizer_config.json', 'chat_template.jinja'], 'chat_template.jinja'));
    const config = (await (await bridge.cache.match(url('tokenizer_config.json')))?.json()) as Record<string, unknown>;
    expect(config).toEqual({ model_max_length: 8, chat_template: '{{ messages }}' });
    release();
    expect([...(bridge.requestsOf(repo)?.served ?? [])].sort()).toEqual(['chat_template.jinja', 'tokenizer_config.json']);
  });
});
