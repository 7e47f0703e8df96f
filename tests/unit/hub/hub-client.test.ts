import { describe, expect, it } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import { hubConfig, hubHeaders, isConnectionFailure, listFiles, resolveCommit, resolveSnapshot } from '../../../src/hub/hub-client.ts';
import { gatedToken, useHubServer } from './support.ts';

const hub = useHubServer();
const repo = 'test-org/tiny';

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('tree pagination (Link)', () => {
  it('follows rel="next" on the endpoint origin and lists every file once', async () => {
    hub.server().knobs.treePageSize = 2;
    const { files } = await listFiles(hub.config(), repo, (await resolveCommit(hub.config(), repo, 'main')).valueOf());
    expect(files.map((file) => file.path).sort()).toEqual([
      'README.md',
      'config.json',
      'onnx/model.onnx',
      'onnx/model_quantized.onnx',
      'tokenizer.json',
      'vocab.txt',
    ]);
    // 6 files and the onnx directory, 2 a page.
    expect(hub.server().requests.filter((r) => r.url.includes('/tree/')).length).toBe(4);
  });

  it('refuses a next page on another origin, without sending it anything (token included)', async () => {
    const server = hub.server();
    server.knobs.treePageSize = 2;
    server.knobs.treeLink = 'other-origin';
    const error = await failure(resolveSnapshot(hub.config({ token: gatedToken }), repo, 'main'));
    expect(error.message).toMatch(/another origin/);
    expect(server.requests.filter((r) => r.origin === 'cdn')).toEqual([]);
  });

  it('reports a Link loop as an error after one round, not a silently cut list', async () => {
    const server = hub.server();
    server.knobs.treePageSize = 4;
    server.knobs.treeLink = 'loop';
    const error = await failure(resolveSnapshot(hub.config(), repo, 'main'));
    expect(isInpageError(error, 'NETWORK')).toBe(true);
    expect(error.message).toMatch(/loop/);
    expect(server.requests.filter((r) => r.url.includes('/tree/')).length).toBe(2);
  });
});

describe('deadlines and caps on API JSON', () => {
  it('a tree body that stalls after its headers fails as NETWORK after the stall deadline', async () => {
    hub.server().faults.add({ origin: 'hub', stallAfterBytes: 5 });
    const started = Date.now();
    const error = await failure(resolveSnapshot(hub.config(), repo, 'main', { retries: 0 }));
    expect(isInpageError(error, 'NETWORK')).toBe(true);
    expect(error.message).toMatch(/stalled/);
    expect(Date.now() - started).toBeLessThan(5000); // the real deadline is 20 s
  });

  it('a stalled body is retried: the next attempt succeeds', async () => {
    const stall = hub.server().faults.add({ origin: 'hub', stallAfterBytes: 5, times: 1 });
    const snapshot = await resolveSnapshot(hub.config(), repo, 'main', { retries: 1 });
    expect(stall.fired).toBe(1);
    expect(snapshot.files.length).toBe(6);
  });

  it('an answer that trickles past the total deadline fails, even though bytes keep coming', async () => {
    hub.server().faults.add({ origin: 'hub', stallAfterBytes: 5 });
    const config = hub.config({ limits: { stallTimeoutMs: 5000, jsonDeadlineMs: 300, backoffMs: 1 } });
    const error = await failure(resolveCommit(config, repo, 'main', { retries: 0 }));
    expect(error.message).toMatch(/longer than 0.3 s/);
  });

  it('an answer larger than the cap is refused', async () => {
    const error = await failure(listFiles(hub.config({ limits: { jsonMaxBytes: 200 } }), repo, 'main', { retries: 0 }));
    expect(isInpageError(error, 'NETWORK')).toBe(true);
    expect(error.message).toMatch(/more than the 200 bytes/);
  });
});

describe('retries of API calls', () => {
  it('retries 503 and 429, honouring Retry-After', async () => {
    const server = hub.server();
    server.faults.add({ origin: 'hub', status: 503, retryAfter: '1', times: 1 });
    server.faults.add({ origin: 'hub', status: 429, times: 1 });
    const started = Date.now();
    const snapshot = await resolveSnapshot(hub.config(), repo, 'main', { retries: 2 });
    expect(snapshot.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('caps Retry-After (an hour here) at retryAfterMaxMs', async () => {
    hub.server().faults.add({ origin: 'hub', status: 503, retryAfter: '3600', times: 1 });
    const started = Date.now();
    await resolveCommit(hub.config({ limits: { retryAfterMaxMs: 50 } }), repo, 'main', { retries: 1 });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up after `retries` attempts with NETWORK', async () => {
    hub.server().faults.add({ origin: 'hub', status: 503 });
    const error = await failure(resolveCommit(hub.config(), repo, 'main', { retries: 2 }));
    expect(isInpageError(error, 'NETWORK')).toBe(true);
    expect(hub.server().requests.length).toBe(3);
  });

  it('shares one set of requests between concurrent resolutions of one repo and revision', async () => {
    const server = hub.server();
    server.faults.add({ origin: 'hub', latencyMs: 50 });
    const snapshots = await Promise.all(Array.from({ length: 5 }, () => resolveSnapshot(hub.config(), repo, 'main')));
    expect(new Set(snapshots.map((snapshot) => snapshot.commit)).size).toBe(1);
    expect(server.requests.length).toBe(2);
  });

  it("one caller's abort does not abort the others' shared resolution", async () => {
    hub.server().faults.add({ origin: 'hub', latencyMs: 100 });
    const controller = new AbortController();
    const aborted = resolveSnapshot(hub.config(), repo, 'main', { signal: controller.signal });
    const kept = resolveSnapshot(hub.config(), repo, 'main');
    controller.abort();
    expect(isInpageError(await failure(aborted), 'ABORTED')).toBe(true);
    expect((await kept).files.length).toBe(6);
  });
});

describe('redirects', () => {
  it('a redirect loop is a clear NETWORK error, not a connection failure ("offline")', async () => {
    hub.server().faults.add({ origin: 'hub', redirect: 'loop' });
    const error = await failure(resolveCommit(hub.config(), repo, 'main', { retries: 0 }));
    expect(isInpageError(error, 'NETWORK')).toBe(true);
    expect(isConnectionFailure(error)).toBe(false);
    expect(error.message).toMatch(/redirect loop/i);
  });

  it.each(['data:application/json,{"sha":"x"}', 'file:///etc/passwd'])('a redirect to %s is refused clearly', async (location) => {
    hub.server().faults.add({ origin: 'hub', redirect: location });
    const error = await failure(resolveCommit(hub.config(), repo, 'main', { retries: 3 }));
    expect(isConnectionFailure(error)).toBe(false);
    expect(error.message).toMatch(new RegExp(`redirects to a ${location.split(':')[0]}: location`));
    expect(hub.server().requests.filter((r) => r.method === 'GET').length).toBe(1);
  });
});

describe('tokens', () => {
  it('is refused over plain http unless the endpoint is loopback', () => {
    expect(() => hubConfig({ endpoint: 'http://mirror.example.com', token: 'hf_x' })).toThrow(TypeError);
    expect(() => hubConfig({ endpoint: 'http://10.0.0.5:8080', token: 'hf_x' })).toThrow(/never sent over plain http/);
    for (const endpoint of ['http://127.0.0.1:8080', 'http://localhost:5000', 'http://[::1]:80', 'https://mirror.example.com']) {
      expect(hubConfig({ endpoint, token: 'hf_x' }).token).toBe('hf_x');
    }
    expect(hubConfig({ endpoint: 'http://mirror.example.com' }).endpoint).toBe('http://mirror.example.com');
  });

  it("is attached only to URLs on the endpoint's origin", () => {
    const config = hubConfig({ endpoint: 'https://hub.example.com/prefix', token: 'hf_x' });
    expect(hubHeaders(config, 'https://hub.example.com/prefix/api/models/a/b').get('authorization')).toBe('Bearer hf_x');
    expect(hubHeaders(config, 'https://cdn.example.com/a').get('authorization')).toBeNull();
    expect(hubHeaders(config, 'http://hub.example.com/a').get('authorization')).toBeNull();
  });
});

describe('ids and revisions', () => {
  it.each([
    '..',
    '.',
    'org/..',
    '../x',
    'org/.hidden',
    'org/name.',
    '-org/name',
    'org/name-',
    'a--b/c',
    'org/x.git',
    `org/${'a'.repeat(97)}`,
    'a/b/c',
    '',
  ])('refuses the repo id %j with INVALID_INPUT before any request', async (id) => {
    const error = await failure(resolveSnapshot(hub.config({ token: gatedToken }), id, 'main'));
    expect(isInpageError(error, 'INVALID_INPUT')).toBe(true);
    expect(hub.server().requests).toEqual([]);
  });

  it.each(['.', '..', 'a/../b', 'v1/.', 'bad\uD800', '\uDC00', 'a\nb', ''])(
    'refuses the revision %j with INVALID_INPUT',
    async (revision) => {
      const error = await failure(resolveSnapshot(hub.config(), repo, revision));
      expect(isInpageError(error, 'INVALID_INPUT')).toBe(true);
      expect(hub.server().requests).toEqual([]);
    },
  );

  it('accepts branch, tag, refs/pr and commit revisions', async () => {
    const main = await resolveSnapshot(hub.config(), repo, 'main');
    expect((await resolveSnapshot(hub.config(), repo, 'v1')).commit).not.toBe(main.commit);
    expect((await resolveSnapshot(hub.config(), repo, 'refs/pr/1')).files.some((file) => file.path === 'config.json')).toBe(true);
    expect((await resolveSnapshot(hub.config(), repo, main.commit)).commit).toBe(main.commit);
  });
});
