import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer } from './server.ts';
import type { HubServer } from './server.ts';
import { cdnLocation, fixtureFiles as f, makeFixtureRoot, rawGet, sha256 } from './test-fixture.ts';

let hub: HubServer;
let root: string;
let cleanup: () => void;

beforeAll(async () => {
  const fixture = makeFixtureRoot();
  root = fixture.root;
  cleanup = fixture.cleanup;
  hub = await startHubServer({ root, aliases: { 'Public/tiny': 'test-org/tiny' } });
});
afterAll(async () => {
  await hub.close();
  cleanup();
});
afterEach(() => {
  hub.reset();
});

const modelUrl = (): string => `${hub.url}/test-org/tiny/resolve/main/onnx/model.onnx`;
const configUrl = (): string => `${hub.url}/test-org/tiny/resolve/main/config.json`;

describe('cutAfterBytes', () => {
  it('destroys the connection after N body bytes and logs bytesSent = N', async () => {
    const location = await cdnLocation(hub.url, 'test-org/tiny', 'onnx/model.onnx');
    const handle = hub.faults.add({ origin: 'cdn', file: 'onnx/model.onnx', cutAfterBytes: 70_000, times: 1 });
    const cut = await rawGet(location);
    expect(cut.status).toBe(200);
    expect(cut.headers['content-length']).toBe(String(f.model.length));
    expect(cut.complete).toBe(false);
    expect(cut.body.length).toBe(70_000);
    expect(cut.body.equals(Buffer.from(f.model.subarray(0, 70_000)))).toBe(true);
    expect(hub.requestsFor('onnx/model.onnx', 'cdn').at(-1)).toMatchObject({ status: 200, bytesSent: 70_000 });
    expect(handle).toMatchObject({ fired: 1, remaining: 0 });

    const whole = await rawGet(location);
    expect(whole.complete).toBe(true);
    expect(whole.body.length).toBe(f.model.length);
  });

  it('makes fetch reject while reading the body; body-only rules skip the 302 and HEAD', async () => {
    const handle = hub.faults.add({ file: 'model.onnx', cutAfterBytes: 1000, times: 1 });
    const head = await fetch(modelUrl(), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(handle.fired).toBe(0);
    const res = await fetch(modelUrl());
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow(TypeError);
    expect(handle.fired).toBe(1);
    expect(hub.requestsFor('onnx/model.onnx').map((r) => [r.origin, r.method, r.status, r.bytesSent])).toEqual([
      ['hub', 'HEAD', 302, 0],
      ['cdn', 'HEAD', 200, 0],
      ['hub', 'GET', 302, expect.any(Number)],
      ['cdn', 'GET', 200, 1000],
    ]);
  });

  it('cuts a ranged response and cuts before the first byte with 0', async () => {
    const location = await cdnLocation(hub.url, 'test-org/tiny', 'onnx/model.onnx');
    hub.faults.add({ origin: 'cdn', cutAfterBytes: 10, times: 1 });
    const ranged = await rawGet(location, { Range: 'bytes=100-199' });
    expect(ranged).toMatchObject({ status: 206, complete: false });
    expect(ranged.body.equals(Buffer.from(f.model.subarray(100, 110)))).toBe(true);
    hub.faults.add({ origin: 'cdn', cutAfterBytes: 0, times: 1 });
    const empty = await rawGet(location);
    expect(empty).toMatchObject({ status: 200, complete: false });
    expect(empty.body.length).toBe(0);
    expect(hub.requests.at(-1)?.bytesSent).toBe(0);
  });

  it('cuts small files served by the Hub', async () => {
    hub.faults.add({ origin: 'hub', file: 'config.json', cutAfterBytes: 5 });
    const cut = await rawGet(configUrl());
    expect(cut).toMatchObject({ status: 200, complete: false });
    expect(cut.body.toString()).toBe(f.config.slice(0, 5));
  });
});

describe('latencyMs', () => {
  it('delays the answer', async () => {
    hub.faults.add({ origin: 'hub', file: 'config.json', latencyMs: 150, times: 1 });
    const started = performance.now();
    const res = await fetch(configUrl());
    expect(await res.text()).toBe(f.config);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    const again = performance.now();
    await (await fetch(configUrl())).text();
    expect(performance.now() - again).toBeLessThan(140);
  });
});

describe('corruptAt', () => {
  it('flips exactly the bytes at those absolute offsets, also under Range', async () => {
    hub.faults.add({ origin: 'cdn', file: 'onnx/model.onnx', corruptAt: [0, 65_535, 65_536, 150, 199_999] });
    const full = new Uint8Array(await (await fetch(modelUrl())).arrayBuffer());
    const diff = (got: Uint8Array, start: number): number[] =>
      Array.from(got.keys())
        .filter((i) => got[i] !== f.model[start + i])
        .map((i) => start + i);
    expect(diff(full, 0)).toEqual([0, 150, 65_535, 65_536, 199_999]);
    expect(full[150]).toBe((f.model[150] ?? 0) ^ 0xff);

    const ranged = new Uint8Array(await (await fetch(modelUrl(), { headers: { Range: 'bytes=100-199' } })).arrayBuffer());
    expect(ranged.length).toBe(100);
    expect(diff(ranged, 100)).toEqual([150]);
    const suffix = new Uint8Array(await (await fetch(modelUrl(), { headers: { Range: 'bytes=-1' } })).arrayBuffer());
    expect(suffix[0]).toBe((f.model[199_999] ?? 0) ^ 0xff);
    expect(sha256(new Uint8Array(await (await fetch(configUrl())).arrayBuffer()))).toBe(sha256(f.config));
  });
});

describe('status', () => {
  it('answers with an HTML error page like a proxy, for `times` requests', async () => {
    const handle = hub.faults.add({ origin: 'hub', file: /\.json$/, status: 503, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(configUrl());
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('text/html');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('x-error-code')).toBeNull();
      expect(await res.text()).toMatch(/^<html>[\s\S]*503[\s\S]*<\/html>/);
    }
    expect(handle).toMatchObject({ fired: 2, remaining: 0 });
    expect(hub.faults.list()).toEqual([]);
    expect((await fetch(configUrl())).status).toBe(200);
    expect(hub.requestsFor('config.json').map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('applies to the Hub redirect of a weight file, and API calls when no file filter is given', async () => {
    hub.faults.add({ origin: 'hub', repo: 'test-org/tiny', status: 500, times: 2 });
    expect((await fetch(modelUrl(), { redirect: 'manual' })).status).toBe(500);
    expect((await fetch(`${hub.url}/api/models/test-org/tiny`)).status).toBe(500);
    expect((await fetch(`${hub.url}/api/models/test-org/tiny`)).status).toBe(200);
  });
});

describe('bytesPerSecond', () => {
  it('throttles the body', async () => {
    hub.faults.add({ origin: 'cdn', file: 'onnx/model.onnx', bytesPerSecond: 200_000 });
    const started = performance.now();
    const res = await fetch(modelUrl(), { headers: { Range: 'bytes=0-39999' } });
    const body = new Uint8Array(await res.arrayBuffer());
    const elapsed = performance.now() - started;
    expect(body).toEqual(f.model.subarray(0, 40_000));
    expect(elapsed).toBeGreaterThanOrEqual(180);
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('matching and handles', () => {
  it('filters by origin, repo and file, and remove()/clear() disable rules', async () => {
    const aliasOnly = hub.faults.add({ repo: 'Public/tiny', status: 502 });
    expect((await fetch(configUrl())).status).toBe(200);
    expect((await fetch(`${hub.url}/Public/tiny/resolve/main/config.json`)).status).toBe(502);
    aliasOnly.remove();
    aliasOnly.remove();
    expect((await fetch(`${hub.url}/Public/tiny/resolve/main/config.json`)).status).toBe(200);

    const cdnOnly = hub.faults.add({ origin: 'cdn', status: 500 });
    expect((await fetch(configUrl())).status).toBe(200);
    expect((await fetch(modelUrl())).status).toBe(500);
    expect(cdnOnly.fired).toBe(1);
    hub.faults.add({ file: /quantized/, status: 404 });
    hub.faults.clear();
    expect(cdnOnly.remaining).toBe(0);
    expect((await fetch(modelUrl())).status).toBe(200);
    expect(() => hub.faults.add({ times: 0 })).toThrow(TypeError);
    expect(() => hub.faults.add({ status: 42 })).toThrow(TypeError);
  });
});

describe('offline', () => {
  it('destroys connections on both origins while the control API still answers', async () => {
    const location = await cdnLocation(hub.url, 'test-org/tiny', 'onnx/model.onnx');
    hub.setOffline(true);
    await expect(fetch(configUrl())).rejects.toThrow(TypeError);
    await expect(fetch(location)).rejects.toThrow(TypeError);
    const status = (await (await fetch(`${hub.url}/__inpage/status`)).json()) as { offline: boolean };
    expect(status.offline).toBe(true);
    const off = await fetch(`${hub.url}/__inpage/offline`, { method: 'POST', body: JSON.stringify({ offline: false }) });
    expect(off.status).toBe(200);
    expect(hub.offline).toBe(false);
    expect((await fetch(configUrl())).status).toBe(200);
    expect((await fetch(location)).status).toBe(200);
    expect(hub.requests.map((r) => [r.origin, r.status])).toEqual([
      ['hub', 302],
      ['hub', 0],
      ['cdn', 0],
      ['hub', 200],
      ['cdn', 200],
    ]);
  });
});

describe('close()', () => {
  it('resolves promptly while a throttled download is in flight', async () => {
    const server = await startHubServer({ root });
    const location = await cdnLocation(server.url, 'test-org/tiny', 'onnx/model.onnx');
    server.faults.add({ origin: 'cdn', bytesPerSecond: 2_000 });
    let closing: Promise<number> | undefined;
    const download = rawGet(location, {}, () => {
      if (closing) return;
      const started = performance.now();
      closing = server.close().then(() => performance.now() - started);
    });
    const result = await download;
    expect(result.complete).toBe(false);
    expect(result.body.length).toBeLessThan(f.model.length);
    expect(await closing).toBeLessThan(500);
    await expect(fetch(`${server.url}/__inpage/status`)).rejects.toThrow(TypeError);
  });
});
