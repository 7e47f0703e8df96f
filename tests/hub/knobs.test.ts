import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer } from './server.ts';
import type { HubServer } from './server.ts';
import { cdnLocation, fixtureFiles as f, makeFixtureRoot, rawGet, sha256 } from './test-fixture.ts';

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

const treeUrl = (): string => `${hub.url}/api/models/test-org/tiny/tree/main?recursive=true`;
/** One page of the tree API: its entries and its `next` link. */
async function page(url: string): Promise<{ entries: unknown[]; next: string | undefined }> {
  const res = await fetch(url);
  const entries = (await res.json()) as unknown[];
  return { entries, next: /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1] };
}

describe('mirror and CDN knobs', () => {
  it('pages the tree API with Link on the same origin, the other origin, or in a loop', async () => {
    hub.knobs.treePageSize = 3;
    const first = await page(treeUrl());
    expect(first.entries.length).toBe(3);
    expect(first.next?.startsWith(`${hub.url}/`)).toBe(true);
    const second = await page(first.next ?? '');
    expect(second.entries.length).toBe(3);
    const third = await page(second.next ?? '');
    expect([third.entries.length, third.next]).toEqual([1, undefined]);
    hub.knobs.treeLink = 'other-origin';
    expect((await page(treeUrl())).next?.startsWith(`${hub.cdnUrl}/`)).toBe(true);
    hub.knobs.treeLink = 'loop';
    const looped = await page((await page((await page(treeUrl())).next ?? '')).next ?? '');
    expect(looped.next).toBe(treeUrl());
  });

  it('sends gzip with the compressed Content-Length, ignoring Range', async () => {
    hub.knobs.gzip = /\.(json|onnx)$/;
    const config = await rawGet(`${hub.url}/test-org/tiny/resolve/main/config.json`, { Range: 'bytes=5-' });
    expect(config.status).toBe(200);
    expect(config.headers['content-encoding']).toBe('gzip');
    expect(Number(config.headers['content-length'])).toBe(config.body.length);
    expect(gunzipSync(config.body).toString()).toBe(f.config);
    const model = await rawGet(await cdnLocation(hub.url, 'test-org/tiny', 'onnx/model.onnx'));
    expect(sha256(gunzipSync(model.body))).toBe(sha256(f.model));
  });

  it('serves weights on the Hub origin (no CDN redirect), with Range', async () => {
    hub.knobs.lfsOnHub = true;
    const res = await rawGet(`${hub.url}/test-org/tiny/resolve/main/onnx/model.onnx`, { Range: 'bytes=100-199' });
    expect(res.status).toBe(206);
    expect(new Uint8Array(res.body)).toEqual(f.model.subarray(100, 200));
    expect(hub.requests.filter((r) => r.origin === 'cdn')).toEqual([]);
  });

  it('stalls a JSON body after N bytes until the client leaves', async () => {
    hub.faults.add({ origin: 'hub', stallAfterBytes: 7, times: 1 });
    const controller = new AbortController();
    const res = await fetch(treeUrl(), { signal: controller.signal });
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(first?.value?.length).toBe(7);
    const next = await Promise.race([reader?.read(), new Promise((resolve) => setTimeout(() => resolve('stalled'), 300))]);
    expect(next).toBe('stalled');
    controller.abort();
  });

  it('holds a file body after N bytes until the rule is removed, also after it fired out', async () => {
    const hold = hub.faults.add({ origin: 'cdn', file: 'onnx/model.onnx', holdAfterBytes: 100, times: 1 });
    const res = await fetch(await cdnLocation(hub.url, 'test-org/tiny', 'onnx/model.onnx'));
    const reader = res.body!.getReader();
    let received = 0;
    while (received < 100) received += (await reader.read()).value?.length ?? 0;
    expect(received).toBe(100);
    const pending = reader.read();
    expect(await Promise.race([pending, new Promise((resolve) => setTimeout(() => resolve('held'), 300))])).toBe('held');
    expect(hub.faults.list().map((h) => [h.id, h.remaining])).toEqual([[hold.id, 0]]);
    hold.remove();
    const rest: Uint8Array[] = [(await pending).value ?? new Uint8Array()];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest.push(value);
    }
    expect(received + rest.reduce((n, part) => n + part.length, 0)).toBe(f.model.length);
    expect(hub.faults.list()).toEqual([]);
  });

  it('ends a file body cleanly after N bytes, short of its Content-Length (FIN, no reset)', async () => {
    hub.faults.add({ origin: 'cdn', file: 'onnx/model.onnx', endAfterBytes: 100, times: 1 });
    const url = new URL(await cdnLocation(hub.url, 'test-org/tiny', 'onnx/model.onnx'));
    const answer = await new Promise<{ raw: Buffer; error: Error | undefined }>((resolve) => {
      const socket = connect(Number(url.port), url.hostname);
      const parts: Buffer[] = [];
      let error: Error | undefined;
      socket.on('connect', () => socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`));
      socket.on('data', (part: Buffer) => parts.push(part));
      socket.on('error', (failure) => (error = failure));
      socket.on('close', () => resolve({ raw: Buffer.concat(parts), error }));
    });
    const split = answer.raw.indexOf('\r\n\r\n');
    const head = answer.raw.subarray(0, split).toString('latin1');
    expect(answer.error).toBeUndefined();
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head).toMatch(/\r\nconnection: close/i);
    expect(head).toContain(`Content-Length: ${f.model.length}`);
    expect(new Uint8Array(answer.raw.subarray(split + 4))).toEqual(f.model.subarray(0, 100));
  });

  it('redirects in a loop or to any location, and sends Retry-After with a status', async () => {
    hub.faults.add({ origin: 'hub', redirect: 'loop', times: 1 });
    const loop = await fetch(treeUrl(), { redirect: 'manual' });
    expect([loop.status, loop.headers.get('location')]).toEqual([302, treeUrl()]);
    hub.faults.add({ origin: 'hub', redirect: 'data:,x', times: 1 });
    expect((await fetch(treeUrl(), { redirect: 'manual' })).headers.get('location')).toBe('data:,x');
    hub.faults.add({ origin: 'hub', status: 429, retryAfter: '7', times: 1 });
    const limited = await fetch(treeUrl());
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
  });

  it('logs request headers per origin', async () => {
    await fetch(treeUrl(), { headers: { Authorization: 'Bearer hf_x' } });
    await rawGet(await cdnLocation(hub.url, 'test-org/tiny', 'onnx/model.onnx'));
    const log = hub.headersByOrigin();
    expect(log.hub.map((headers) => headers.authorization)).toEqual(['Bearer hf_x', undefined]);
    expect(log.cdn.map((headers) => headers.authorization)).toEqual([undefined]);
  });

  it('sets knobs over the control API', async () => {
    const set = await fetch(`${hub.url}/__inpage/knobs`, {
      method: 'POST',
      body: JSON.stringify({ treePageSize: 2, treeLink: 'loop', gzip: { regex: '\\.json$' }, lfsOnHub: true }),
    });
    expect(await set.json()).toEqual({ treePageSize: 2, treeLink: 'loop', gzip: { regex: '\\.json$', flags: '' }, lfsOnHub: true });
    expect(hub.knobs.gzip).toBeInstanceOf(RegExp);
    await fetch(`${hub.url}/__inpage/knobs`, { method: 'POST', body: JSON.stringify({ treeLink: null }) });
    expect(hub.knobs.treeLink).toBeUndefined();
    expect((await fetch(`${hub.url}/__inpage/knobs`, { method: 'POST', body: JSON.stringify({ nope: 1 }) })).status).toBe(400);
  });
});
