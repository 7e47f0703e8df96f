import { describe, expect, it } from 'vitest';
import { startHubServer } from './server.ts';
import { TOKEN, bytesOf, commitOf, mainFiles, useTestHub } from './server-fixture.ts';
import { fixtureFiles as f, makeFixtureRoot, sha256 } from './test-fixture.ts';

const server = useTestHub();
const resolveUrl = (repo: string, revision: string, file: string): string => `${server().url}/${repo}/resolve/${revision}/${file}`;

describe('errors', () => {
  const expectError = async (res: Response, status: number, code: string): Promise<void> => {
    expect(res.status).toBe(status);
    expect(res.headers.get('x-error-code')).toBe(code);
    expect(res.headers.get('x-error-message')).toBeTruthy();
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as { error: unknown };
    expect(typeof body.error).toBe('string');
  };

  it('hides unknown repos: 401 without Authorization, 404 with a token', async () => {
    await expectError(await fetch(resolveUrl('nobody/nothing', 'main', 'config.json')), 401, 'RepoNotFound');
    await expectError(
      await fetch(resolveUrl('nobody/nothing', 'main', 'config.json'), { headers: { Authorization: 'Bearer hf_x' } }),
      404,
      'RepoNotFound',
    );
    await expectError(await fetch(`${server().url}/api/models/nobody/nothing`), 401, 'RepoNotFound');
    await expectError(
      await fetch(`${server().url}/api/models/nobody/nothing/tree/main`, { headers: { Authorization: 'Bearer hf_x' } }),
      404,
      'RepoNotFound',
    );
  });

  it('reports unknown revisions and missing files', async () => {
    await expectError(await fetch(resolveUrl('test-org/tiny', 'nope', 'config.json')), 404, 'RevisionNotFound');
    await expectError(await fetch(resolveUrl('test-org/tiny', 'a'.repeat(40), 'config.json')), 404, 'RevisionNotFound');
    await expectError(await fetch(`${server().url}/api/models/test-org/tiny/tree/nope`), 404, 'RevisionNotFound');
    const missing = await fetch(resolveUrl('test-org/tiny', 'main', 'onnx/model_fp16.onnx'));
    expect(missing.headers.get('x-repo-commit')).toBe(commitOf(mainFiles));
    await expectError(missing, 404, 'EntryNotFound');
  });

  it('requires the right token for gated repos (resolve and tree), not for info', async () => {
    const url = resolveUrl('test-org/gated', 'main', 'onnx/model.onnx');
    await expectError(await fetch(url), 401, 'GatedRepo');
    await expectError(await fetch(url, { headers: { Authorization: 'Bearer wrong' } }), 401, 'GatedRepo');
    await expectError(await fetch(`${server().url}/api/models/test-org/gated/tree/main`), 401, 'GatedRepo');
    const ok = await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(sha256(await bytesOf(ok))).toBe(sha256(f.gatedModel));
    const cdn = server().requestsFor('onnx/model.onnx', 'cdn').at(-1);
    expect(cdn?.headers.authorization).toBeUndefined();
    const tree = await fetch(`${server().url}/api/models/test-org/gated/tree/main`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(tree.status).toBe(200);
    await tree.arrayBuffer();
    expect(server().requests[0]?.headers.authorization).toBeUndefined();
    expect(server().requests[1]?.headers.authorization).toBe('Bearer wrong');
  });
});

describe('CORS', () => {
  it('answers preflights on both origins and exposes the Hub headers', async () => {
    for (const origin of [server().url, server().cdnUrl]) {
      const res = await fetch(`${origin}/test-org/tiny/resolve/main/config.json`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://localhost:5173',
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'authorization,range,x-custom',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      for (const h of ['authorization', 'range', 'content-type', 'x-custom']) expect(allowed).toContain(h);
      expect(res.headers.get('access-control-allow-methods')).toContain('GET');
      expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    }
    const res = await fetch(resolveUrl('test-org/tiny', 'main', 'config.json'), { headers: { Origin: 'http://example.test' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://example.test');
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/,\s*/);
    for (const h of [
      'x-error-code',
      'x-error-message',
      'x-repo-commit',
      'etag',
      'content-range',
      'content-length',
      'accept-ranges',
      'x-linked-etag',
      'x-linked-size',
      'location',
    ]) {
      expect(exposed).toContain(h);
    }
    expect(server().requestsFor('config.json')).toHaveLength(1);
  });
});

describe('CDN URLs', () => {
  it('expire after cdnUrlTtlMs and reject tampered signatures', async () => {
    const fixture = makeFixtureRoot();
    const short = await startHubServer({ root: fixture.root, cdnUrlTtlMs: 150 });
    try {
      const res = await fetch(`${short.url}/test-org/tiny/resolve/main/onnx/model.onnx`, { redirect: 'manual' });
      const location = res.headers.get('location') ?? '';
      expect((await fetch(location, { method: 'HEAD' })).status).toBe(200);
      const tampered = new URL(location);
      tampered.searchParams.set('expires', String(Date.now() + 3_600_000));
      expect((await fetch(tampered)).status).toBe(403);
      const expiry = Number(new URL(location).searchParams.get('expires'));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiry - Date.now()) + 20));
      const expired = await fetch(location);
      expect(expired.status).toBe(403);
      expect(expired.headers.get('access-control-allow-origin')).toBe('*');
      expect(await expired.text()).toContain('expired');
      expect((await fetch(`${short.cdnUrl}/repos/00/00/${'0'.repeat(24)}/${'0'.repeat(64)}`)).status).toBe(404);
    } finally {
      await short.close();
      fixture.cleanup();
    }
  });
});

describe('aliases', () => {
  it('serve the folder repo under their own id', async () => {
    const res = await fetch(resolveUrl('Public/tiny-alias', 'main', 'config.json'));
    expect(await res.text()).toBe(f.config);
    expect(res.headers.get('x-repo-commit')).toBe(commitOf(mainFiles));
    const info = (await (await fetch(`${server().url}/api/models/Public/tiny-alias`)).json()) as { id: string; modelId: string };
    expect(info).toMatchObject({ id: 'Public/tiny-alias', modelId: 'Public/tiny-alias' });
    const model = await fetch(resolveUrl('Public/tiny-alias', 'v1', 'onnx/model.onnx'));
    expect(sha256(await bytesOf(model))).toBe(sha256(f.modelV1));
    expect(server().requestsFor('onnx/model.onnx', 'cdn').at(-1)?.repo).toBe('Public/tiny-alias');

    await server().commit('Public/tiny-alias', { 'config.json': '{"alias":true}' });
    expect(await (await fetch(resolveUrl('Public/tiny-alias', 'main', 'config.json'))).text()).toBe('{"alias":true}');
    expect(await (await fetch(resolveUrl('test-org/tiny', 'main', 'config.json'))).text()).toBe(f.config);

    expect((await fetch(resolveUrl('Public/gated-alias', 'main', 'config.json'))).status).toBe(401);
    const unlocked = await fetch(resolveUrl('Public/gated-alias', 'main', 'config.json'), {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(await unlocked.text()).toBe(f.config);
  });
});
