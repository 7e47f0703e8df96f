import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer } from './server.ts';
import type { HubServer, RequestRecord } from './server.ts';
import { fixtureFiles as f, makeFixtureRoot, rawGet } from './test-fixture.ts';

let hub: HubServer;
let cleanup: () => void;

beforeAll(async () => {
  const fixture = makeFixtureRoot();
  cleanup = fixture.cleanup;
  hub = await startHubServer({ root: fixture.root });
});
afterAll(async () => {
  await hub.close();
  cleanup();
});
afterEach(() => {
  hub.reset();
});

const control = async (method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown; headers: Headers }> => {
  const res = await fetch(`${hub.url}/__inpage/${route}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json(), headers: res.headers };
};
const configUrl = (): string => `${hub.url}/test-org/tiny/resolve/main/config.json`;

describe('HTTP control API', () => {
  it('adds, lists and removes faults (file as { regex })', async () => {
    const added = await control('POST', 'faults', { origin: 'hub', file: { regex: 'config\\.json$' }, status: 502, times: 3 });
    expect(added.status).toBe(201);
    expect(typeof (added.json as { id: unknown }).id).toBe('number');
    expect(added.json).toMatchObject({ remaining: 3, fired: 0, rule: { file: { regex: 'config\\.json$' }, status: 502 } });
    expect((await fetch(configUrl())).status).toBe(502);
    const listed = (await control('GET', 'faults')).json as { id: number; fired: number; remaining: number }[];
    expect(listed).toMatchObject([{ fired: 1, remaining: 2 }]);
    const id = listed[0]?.id ?? -1;
    expect((await control('DELETE', `faults/${id}`)).status).toBe(200);
    expect((await control('DELETE', `faults/${id}`)).status).toBe(404);
    expect((await fetch(configUrl())).status).toBe(200);

    await control('POST', 'faults', { origin: 'cdn', cutAfterBytes: 100 });
    expect(hub.faults.list()).toHaveLength(1);
    expect((await control('DELETE', 'faults')).status).toBe(200);
    expect(hub.faults.list()).toHaveLength(0);
    const unbounded = await control('POST', 'faults', { file: 'model.onnx', latencyMs: 1, times: null });
    expect(unbounded.json).toMatchObject({ remaining: null });
  });

  it('serves and clears the request log (control calls are not logged)', async () => {
    await (await fetch(configUrl(), { headers: { Authorization: 'Bearer abc', Range: 'bytes=0-3' } })).text();
    await (await fetch(`${hub.url}/test-org/tiny/resolve/main/onnx/model.onnx`)).arrayBuffer();
    const all = (await control('GET', 'requests')).json as RequestRecord[];
    expect(all.map((r) => [r.origin, r.file, r.status])).toEqual([
      ['hub', 'config.json', 206],
      ['hub', 'onnx/model.onnx', 302],
      ['cdn', 'onnx/model.onnx', 200],
    ]);
    expect(all[0]).toMatchObject({ method: 'GET', repo: 'test-org/tiny', revision: 'main', range: 'bytes=0-3', bytesSent: 4 });
    expect(all[0]?.headers).toMatchObject({ authorization: 'Bearer abc', range: 'bytes=0-3' });
    const cdn = (await control('GET', 'requests?file=model.onnx&origin=cdn')).json as RequestRecord[];
    expect(cdn).toHaveLength(1);
    expect(cdn[0]?.bytesSent).toBe(f.model.length);
    expect((await control('DELETE', 'requests')).status).toBe(200);
    expect(hub.requests).toHaveLength(0);
    expect((await control('GET', 'requests')).json).toEqual([]);
  });

  it('switches offline mode', async () => {
    expect((await control('POST', 'offline', { offline: true })).json).toEqual({ offline: true });
    expect(hub.offline).toBe(true);
    await expect(fetch(configUrl())).rejects.toThrow(TypeError);
    expect((await control('POST', 'offline', { offline: 'yes' })).status).toBe(400);
    await control('POST', 'offline', { offline: false });
    expect((await fetch(configUrl())).status).toBe(200);
  });

  it('commits base64 files and resets overlays, faults, requests and offline mode', async () => {
    const content = Buffer.from('{"from":"browser"}');
    const committed = await control('POST', 'commit', {
      repo: 'test-org/tiny',
      files: { 'config.json': content.toString('base64'), 'tokenizer.json': null },
    });
    expect(committed.status).toBe(200);
    const { sha } = committed.json as { sha: string };
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    const res = await fetch(configUrl());
    expect(res.headers.get('x-repo-commit')).toBe(sha);
    expect(await res.text()).toBe('{"from":"browser"}');
    expect((await fetch(`${hub.url}/test-org/tiny/resolve/main/tokenizer.json`)).status).toBe(404);
    const onBranch = await control('POST', 'commit', { repo: 'test-org/tiny', revision: 'v1', files: { 'new.json': 'e30=' } });
    expect(await (await fetch(`${hub.url}/test-org/tiny/resolve/v1/new.json`)).text()).toBe('{}');
    expect(onBranch.status).toBe(200);

    expect((await control('POST', 'commit', { repo: 'nobody/none', files: {} })).status).toBe(404);
    expect((await control('POST', 'commit', { repo: 'test-org/tiny', files: { 'a.json': 5 } })).status).toBe(400);

    await control('POST', 'faults', { status: 500 });
    hub.setOffline(true);
    expect((await control('POST', 'reset')).status).toBe(200);
    expect(hub.offline).toBe(false);
    expect(hub.faults.list()).toEqual([]);
    expect(await (await fetch(configUrl())).text()).toBe(f.config);
    expect(hub.requests).toHaveLength(1);
  });

  it('reports bad requests, answers preflights and status', async () => {
    const bad = await fetch(`${hub.url}/__inpage/faults`, { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/JSON/);
    expect((await control('POST', 'faults', { times: 0 })).status).toBe(400);
    expect((await control('GET', 'nothing-here')).status).toBe(404);
    const preflight = await fetch(`${hub.url}/__inpage/faults`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:63315',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('DELETE');
    const status = await control('GET', 'status');
    expect(status.json).toMatchObject({ url: hub.url, cdnUrl: hub.cdnUrl, offline: false, faults: [] });
    expect(status.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect((await control('GET', '')).status).toBe(200);
  });

  it('a fault posted over HTTP cuts a raw download', async () => {
    await control('POST', 'faults', { origin: 'hub', file: 'config.json', cutAfterBytes: 3, times: 1 });
    const cut = await rawGet(configUrl());
    expect(cut).toMatchObject({ status: 200, complete: false });
    expect(cut.body.toString()).toBe(f.config.slice(0, 3));
    expect((await rawGet(configUrl())).complete).toBe(true);
  });
});
