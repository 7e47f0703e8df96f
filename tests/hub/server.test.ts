import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer } from './server.ts';
import type { HubServer, TreeEntry } from './server.ts';
import { fixtureFiles as f, makeFixtureRoot, sha256 } from './test-fixture.ts';

const TOKEN = 'hf_gated_token';
let hub: HubServer;
let cleanup: () => void;

beforeAll(async () => {
  const fixture = makeFixtureRoot();
  cleanup = fixture.cleanup;
  hub = await startHubServer({
    root: fixture.root,
    aliases: { 'Public/tiny-alias': 'test-org/tiny', 'Public/gated-alias': 'test-org/tiny' },
    gated: { 'test-org/gated': TOKEN, 'Public/gated-alias': TOKEN },
  });
});
afterAll(async () => {
  await hub.close();
  cleanup();
});
afterEach(() => {
  hub.reset();
});

const resolveUrl = (repo: string, revision: string, file: string): string => `${hub.url}/${repo}/resolve/${revision}/${file}`;
const bytesOf = async (res: Response): Promise<Uint8Array> => new Uint8Array(await res.arrayBuffer());
const gitOid = (data: Uint8Array | string): string => {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
};
/** The commit sha as specified: sha1 of sorted `path\0sha256\n`. */
const commitOf = (files: Record<string, Uint8Array | string>): string =>
  createHash('sha1')
    .update(
      Object.keys(files)
        .sort()
        .map((p) => `${p}\0${sha256(files[p] ?? '')}\n`)
        .join(''),
    )
    .digest('hex');
const mainFiles = {
  'config.json': f.config,
  'tokenizer.json': f.tokenizer,
  'README.md': f.readme,
  'onnx/model.onnx': f.model,
  'onnx/model_quantized.onnx': f.modelQuantized,
  'vocab.txt': f.vocab,
};

describe('resolve', () => {
  it('serves small files directly with Hub headers', async () => {
    const res = await fetch(resolveUrl('test-org/tiny', 'main', 'config.json'), { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(f.config);
    expect(res.headers.get('etag')).toBe(`"${gitOid(f.config)}"`);
    expect(res.headers.get('x-repo-commit')).toBe(commitOf(mainFiles));
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(f.config)));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers HEAD with the same headers and no body', async () => {
    const res = await fetch(resolveUrl('test-org/tiny', 'main', 'tokenizer.json'), { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(f.tokenizer)));
    expect(res.headers.get('etag')).toBe(`"${gitOid(f.tokenizer)}"`);
    expect((await bytesOf(res)).length).toBe(0);
    expect(hub.requests.at(-1)).toMatchObject({ method: 'HEAD', status: 200, bytesSent: 0, file: 'tokenizer.json' });
  });

  it('redirects weight files to the signed CDN URL', async () => {
    const res = await fetch(resolveUrl('test-org/tiny', 'main', 'onnx/model.onnx'), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location') ?? '';
    expect(location.startsWith(`${hub.cdnUrl}/`)).toBe(true);
    const query = new URL(location).searchParams;
    expect(query.get('X-Amz-Expires')).toBe('600');
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(query.get('expires'))).toBeGreaterThan(Date.now());
    expect(res.headers.get('x-linked-etag')).toBe(`"${sha256(f.model)}"`);
    expect(res.headers.get('x-linked-size')).toBe(String(f.model.length));
    expect(res.headers.get('x-repo-commit')).toBe(commitOf(mainFiles));
    expect(res.headers.get('etag')).toBe(`"${sha256(f.model)}"`);

    const cdn = await fetch(location);
    expect(cdn.status).toBe(200);
    expect(cdn.headers.get('etag')).toBe(`"${sha256(f.model)}"`);
    expect(cdn.headers.get('content-length')).toBe(String(f.model.length));
    expect(cdn.headers.get('accept-ranges')).toBe('bytes');
    expect(cdn.headers.get('content-type')).toBe('application/octet-stream');
    expect(cdn.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(sha256(await bytesOf(cdn))).toBe(sha256(f.model));
    expect(hub.requestsFor('onnx/model.onnx', 'cdn')).toMatchObject([
      { status: 200, bytesSent: f.model.length, repo: 'test-org/tiny', revision: 'main' },
    ]);
  });

  it('treats any file above 1 MiB as LFS and follows redirects transparently', async () => {
    const head = await fetch(resolveUrl('test-org/tiny', 'main', 'vocab.txt'), { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(302);
    expect(head.headers.get('x-linked-size')).toBe(String(f.vocab.length));
    const res = await fetch(resolveUrl('test-org/tiny', 'main', 'vocab.txt'));
    expect(res.status).toBe(200);
    expect(res.url.startsWith(hub.cdnUrl)).toBe(true);
    expect(sha256(await bytesOf(res))).toBe(sha256(f.vocab));
  });

  it('honours Range on the CDN: closed, open, suffix and unsatisfiable', async () => {
    const url = resolveUrl('test-org/tiny', 'main', 'onnx/model.onnx');
    const closed = await fetch(url, { headers: { Range: 'bytes=10-19' } });
    expect(closed.status).toBe(206);
    expect(closed.headers.get('content-range')).toBe(`bytes 10-19/${f.model.length}`);
    expect(closed.headers.get('content-length')).toBe('10');
    expect(await bytesOf(closed)).toEqual(f.model.subarray(10, 20));

    const open = await fetch(url, { headers: { Range: 'bytes=199990-' } });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-range')).toBe(`bytes 199990-199999/${f.model.length}`);
    expect(await bytesOf(open)).toEqual(f.model.subarray(199_990));

    const suffix = await fetch(url, { headers: { Range: 'bytes=-5' } });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe(`bytes 199995-199999/${f.model.length}`);
    expect(await bytesOf(suffix)).toEqual(f.model.subarray(199_995));

    const beyond = await fetch(url, { headers: { Range: 'bytes=0-999999' } });
    expect(beyond.headers.get('content-range')).toBe(`bytes 0-199999/${f.model.length}`);
    await beyond.arrayBuffer();

    const unsatisfiable = await fetch(url, { headers: { Range: `bytes=${f.model.length}-` } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get('content-range')).toBe(`bytes */${f.model.length}`);
    await unsatisfiable.arrayBuffer();
    expect(hub.requests.filter((r) => r.origin === 'cdn').map((r) => r.range)).toEqual([
      'bytes=10-19',
      'bytes=199990-',
      'bytes=-5',
      'bytes=0-999999',
      `bytes=${f.model.length}-`,
    ]);
  });

  it('honours Range on small files served by the Hub', async () => {
    const res = await fetch(resolveUrl('test-org/tiny', 'main', 'config.json'), { headers: { Range: 'bytes=2-11' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 2-11/${Buffer.byteLength(f.config)}`);
    expect(await res.text()).toBe(f.config.slice(2, 12));
  });
});

describe('tree and info APIs', () => {
  it('lists one level, or everything with recursive=true, with lfs sha256 of the bytes', async () => {
    const top = (await (await fetch(`${hub.url}/api/models/test-org/tiny/tree/main`)).json()) as TreeEntry[];
    expect(top.map((e) => `${e.type}:${e.path}`).sort()).toEqual(
      ['file:README.md', 'file:config.json', 'directory:onnx', 'file:tokenizer.json', 'file:vocab.txt'].sort(),
    );
    const all = (await (await fetch(`${hub.url}/api/models/test-org/tiny/tree/main?recursive=true`)).json()) as TreeEntry[];
    const byPath = new Map(all.map((e) => [e.path, e]));
    expect(byPath.size).toBe(7);
    expect(byPath.get('onnx')?.type).toBe('directory');
    expect(byPath.get('onnx/model.onnx')).toMatchObject({
      type: 'file',
      size: f.model.length,
      lfs: { oid: sha256(f.model), size: f.model.length },
    });
    expect(byPath.get('onnx/model.onnx')?.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(byPath.get('config.json')).toEqual({
      type: 'file',
      oid: gitOid(f.config),
      size: Buffer.byteLength(f.config),
      path: 'config.json',
    });
    expect(byPath.get('vocab.txt')?.lfs?.oid).toBe(sha256(f.vocab));

    const sub = (await (await fetch(`${hub.url}/api/models/test-org/tiny/tree/main/onnx`)).json()) as TreeEntry[];
    expect(sub.map((e) => e.path)).toEqual(['onnx/model.onnx', 'onnx/model_quantized.onnx']);
    const missing = await fetch(`${hub.url}/api/models/test-org/tiny/tree/main/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-error-code')).toBe('EntryNotFound');
  });

  it('answers the model info API like the Hub', async () => {
    const info = (await (await fetch(`${hub.url}/api/models/test-org/tiny`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      id: 'test-org/tiny',
      modelId: 'test-org/tiny',
      sha: commitOf(mainFiles),
      private: false,
      gated: false,
      pipeline_tag: 'feature-extraction',
      library_name: 'transformers.js',
      tags: ['onnx', 'test'],
    });
    expect(typeof info.lastModified).toBe('string');
    expect(info.siblings).toEqual(
      Object.keys(mainFiles)
        .sort()
        .map((rfilename) => ({ rfilename })),
    );
    const v1 = (await (await fetch(`${hub.url}/api/models/test-org/tiny/revision/v1`)).json()) as Record<string, unknown>;
    expect(v1.sha).toBe(commitOf({ 'config.json': f.configV1, 'onnx/model.onnx': f.modelV1 }));
    const gated = (await (await fetch(`${hub.url}/api/models/test-org/gated`)).json()) as Record<string, unknown>;
    expect(gated.gated).toBe('manual');
  });
});

describe('revisions', () => {
  it('serves .revisions folders as branches and resolves commit shas', async () => {
    const v1Sha = commitOf({ 'config.json': f.configV1, 'onnx/model.onnx': f.modelV1 });
    const res = await fetch(resolveUrl('test-org/tiny', 'v1', 'config.json'));
    expect(await res.text()).toBe(f.configV1);
    expect(res.headers.get('x-repo-commit')).toBe(v1Sha);
    const bySha = await fetch(resolveUrl('test-org/tiny', v1Sha, 'onnx/model.onnx'));
    expect(sha256(await bytesOf(bySha))).toBe(sha256(f.modelV1));
    expect(await (await fetch(resolveUrl('test-org/tiny', 'refs%2Fpr%2F1', 'config.json'))).text()).toBe(f.configPr);
    expect(await (await fetch(resolveUrl('test-org/tiny', 'refs/pr/1', 'config.json'))).text()).toBe(f.configPr);
    expect(hub.requests.at(-1)?.revision).toBe('refs/pr/1');
    const hidden = await fetch(resolveUrl('test-org/tiny', 'main', '.revisions/v1/config.json'));
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('x-error-code')).toBe('EntryNotFound');
  });

  it('commit() creates a new main commit while the old sha still resolves', async () => {
    const oldSha = commitOf(mainFiles);
    const newSha = await hub.commit('test-org/tiny', {
      'config.json': '{"v":2}',
      'onnx/extra.onnx': new Uint8Array([1, 2, 3]),
      'vocab.txt': null,
    });
    const expected: Record<string, Uint8Array | string> = {
      ...mainFiles,
      'config.json': '{"v":2}',
      'onnx/extra.onnx': new Uint8Array([1, 2, 3]),
    };
    delete expected['vocab.txt'];
    expect(newSha).toBe(commitOf(expected));
    const now = await fetch(resolveUrl('test-org/tiny', 'main', 'config.json'));
    expect(await now.text()).toBe('{"v":2}');
    expect(now.headers.get('x-repo-commit')).toBe(newSha);
    const extra = await fetch(resolveUrl('test-org/tiny', 'main', 'onnx/extra.onnx'));
    expect(Array.from(await bytesOf(extra))).toEqual([1, 2, 3]);
    expect((await fetch(resolveUrl('test-org/tiny', 'main', 'vocab.txt'), { method: 'HEAD' })).status).toBe(404);
    const old = await fetch(resolveUrl('test-org/tiny', oldSha, 'config.json'));
    expect(await old.text()).toBe(f.config);
    expect(old.headers.get('x-repo-commit')).toBe(oldSha);
    const info = (await (await fetch(`${hub.url}/api/models/test-org/tiny`)).json()) as { sha: string };
    expect(info.sha).toBe(newSha);

    const second = await hub.commit('test-org/tiny', { 'config.json': '{"v":3}' });
    expect(await (await fetch(resolveUrl('test-org/tiny', newSha, 'config.json'))).text()).toBe('{"v":2}');
    expect(await (await fetch(resolveUrl('test-org/tiny', second, 'config.json'))).text()).toBe('{"v":3}');
    await expect(hub.commit('test-org/tiny', { 'a.json': '1' }, 'no-such-branch')).rejects.toThrow(/not found/i);
    await expect(hub.commit('test-org/none', { 'a.json': '1' })).rejects.toThrow(/not found/i);

    hub.reset();
    expect(await (await fetch(resolveUrl('test-org/tiny', 'main', 'config.json'))).text()).toBe(f.config);
  });
});

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
    await expectError(await fetch(`${hub.url}/api/models/nobody/nothing`), 401, 'RepoNotFound');
    await expectError(
      await fetch(`${hub.url}/api/models/nobody/nothing/tree/main`, { headers: { Authorization: 'Bearer hf_x' } }),
      404,
      'RepoNotFound',
    );
  });

  it('reports unknown revisions and missing files', async () => {
    await expectError(await fetch(resolveUrl('test-org/tiny', 'nope', 'config.json')), 404, 'RevisionNotFound');
    await expectError(await fetch(resolveUrl('test-org/tiny', 'a'.repeat(40), 'config.json')), 404, 'RevisionNotFound');
    await expectError(await fetch(`${hub.url}/api/models/test-org/tiny/tree/nope`), 404, 'RevisionNotFound');
    const missing = await fetch(resolveUrl('test-org/tiny', 'main', 'onnx/model_fp16.onnx'));
    expect(missing.headers.get('x-repo-commit')).toBe(commitOf(mainFiles));
    await expectError(missing, 404, 'EntryNotFound');
  });

  it('requires the right token for gated repos (resolve and tree), not for info', async () => {
    const url = resolveUrl('test-org/gated', 'main', 'onnx/model.onnx');
    await expectError(await fetch(url), 401, 'GatedRepo');
    await expectError(await fetch(url, { headers: { Authorization: 'Bearer wrong' } }), 401, 'GatedRepo');
    await expectError(await fetch(`${hub.url}/api/models/test-org/gated/tree/main`), 401, 'GatedRepo');
    const ok = await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(sha256(await bytesOf(ok))).toBe(sha256(f.gatedModel));
    const cdn = hub.requestsFor('onnx/model.onnx', 'cdn').at(-1);
    expect(cdn?.headers.authorization).toBeUndefined();
    const tree = await fetch(`${hub.url}/api/models/test-org/gated/tree/main`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(tree.status).toBe(200);
    await tree.arrayBuffer();
    expect(hub.requests[0]?.headers.authorization).toBeUndefined();
    expect(hub.requests[1]?.headers.authorization).toBe('Bearer wrong');
  });
});

describe('CORS', () => {
  it('answers preflights on both origins and exposes the Hub headers', async () => {
    for (const origin of [hub.url, hub.cdnUrl]) {
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
    expect(hub.requestsFor('config.json')).toHaveLength(1);
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
    const info = (await (await fetch(`${hub.url}/api/models/Public/tiny-alias`)).json()) as { id: string; modelId: string };
    expect(info).toMatchObject({ id: 'Public/tiny-alias', modelId: 'Public/tiny-alias' });
    const model = await fetch(resolveUrl('Public/tiny-alias', 'v1', 'onnx/model.onnx'));
    expect(sha256(await bytesOf(model))).toBe(sha256(f.modelV1));
    expect(hub.requestsFor('onnx/model.onnx', 'cdn').at(-1)?.repo).toBe('Public/tiny-alias');

    await hub.commit('Public/tiny-alias', { 'config.json': '{"alias":true}' });
    expect(await (await fetch(resolveUrl('Public/tiny-alias', 'main', 'config.json'))).text()).toBe('{"alias":true}');
    expect(await (await fetch(resolveUrl('test-org/tiny', 'main', 'config.json'))).text()).toBe(f.config);

    expect((await fetch(resolveUrl('Public/gated-alias', 'main', 'config.json'))).status).toBe(401);
    const unlocked = await fetch(resolveUrl('Public/gated-alias', 'main', 'config.json'), {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(await unlocked.text()).toBe(f.config);
  });
});
