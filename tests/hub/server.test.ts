import { describe, expect, it } from 'vitest';
import type { TreeEntry } from './server.ts';
import { bytesOf, commitOf, gitOid, mainFiles, useTestHub } from './server-fixture.ts';
import { fixtureFiles as f, sha256 } from './test-fixture.ts';

const server = useTestHub();
const resolveUrl = (repo: string, revision: string, file: string): string => `${server().url}/${repo}/resolve/${revision}/${file}`;

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
    expect(server().requests.at(-1)).toMatchObject({ method: 'HEAD', status: 200, bytesSent: 0, file: 'tokenizer.json' });
  });

  it('redirects weight files to the signed CDN URL', async () => {
    const res = await fetch(resolveUrl('test-org/tiny', 'main', 'onnx/model.onnx'), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location') ?? '';
    expect(location.startsWith(`${server().cdnUrl}/`)).toBe(true);
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
    expect(server().requestsFor('onnx/model.onnx', 'cdn')).toMatchObject([
      { status: 200, bytesSent: f.model.length, repo: 'test-org/tiny', revision: 'main' },
    ]);
  });

  it('treats any file above 1 MiB as LFS and follows redirects transparently', async () => {
    const head = await fetch(resolveUrl('test-org/tiny', 'main', 'vocab.txt'), { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(302);
    expect(head.headers.get('x-linked-size')).toBe(String(f.vocab.length));
    const res = await fetch(resolveUrl('test-org/tiny', 'main', 'vocab.txt'));
    expect(res.status).toBe(200);
    expect(res.url.startsWith(server().cdnUrl)).toBe(true);
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
    expect(
      server()
        .requests.filter((r) => r.origin === 'cdn')
        .map((r) => r.range),
    ).toEqual(['bytes=10-19', 'bytes=199990-', 'bytes=-5', 'bytes=0-999999', `bytes=${f.model.length}-`]);
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
    const top = (await (await fetch(`${server().url}/api/models/test-org/tiny/tree/main`)).json()) as TreeEntry[];
    expect(top.map((e) => `${e.type}:${e.path}`).sort()).toEqual(
      ['file:README.md', 'file:config.json', 'directory:onnx', 'file:tokenizer.json', 'file:vocab.txt'].sort(),
    );
    const all = (await (await fetch(`${server().url}/api/models/test-org/tiny/tree/main?recursive=true`)).json()) as TreeEntry[];
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

    const sub = (await (await fetch(`${server().url}/api/models/test-org/tiny/tree/main/onnx`)).json()) as TreeEntry[];
    expect(sub.map((e) => e.path)).toEqual(['onnx/model.onnx', 'onnx/model_quantized.onnx']);
    const missing = await fetch(`${server().url}/api/models/test-org/tiny/tree/main/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-error-code')).toBe('EntryNotFound');
  });

  it('answers the model info API like the Hub', async () => {
    const info = (await (await fetch(`${server().url}/api/models/test-org/tiny`)).json()) as Record<string, unknown>;
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
    const v1 = (await (await fetch(`${server().url}/api/models/test-org/tiny/revision/v1`)).json()) as Record<string, unknown>;
    expect(v1.sha).toBe(commitOf({ 'config.json': f.configV1, 'onnx/model.onnx': f.modelV1 }));
    const gated = (await (await fetch(`${server().url}/api/models/test-org/gated`)).json()) as Record<string, unknown>;
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
    expect(server().requests.at(-1)?.revision).toBe('refs/pr/1');
    const hidden = await fetch(resolveUrl('test-org/tiny', 'main', '.revisions/v1/config.json'));
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('x-error-code')).toBe('EntryNotFound');
  });

  it('commit() creates a new main commit while the old sha still resolves', async () => {
    const oldSha = commitOf(mainFiles);
    const newSha = await server().commit('test-org/tiny', {
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
    const info = (await (await fetch(`${server().url}/api/models/test-org/tiny`)).json()) as { sha: string };
    expect(info.sha).toBe(newSha);

    const second = await server().commit('test-org/tiny', { 'config.json': '{"v":3}' });
    expect(await (await fetch(resolveUrl('test-org/tiny', newSha, 'config.json'))).text()).toBe('{"v":2}');
    expect(await (await fetch(resolveUrl('test-org/tiny', second, 'config.json'))).text()).toBe('{"v":3}');
    await expect(server().commit('test-org/tiny', { 'a.json': '1' }, 'no-such-branch')).rejects.toThrow(/not found/i);
    await expect(server().commit('test-org/none', { 'a.json': '1' })).rejects.toThrow(/not found/i);

    server().reset();
    expect(await (await fetch(resolveUrl('test-org/tiny', 'main', 'config.json'))).text()).toBe(f.config);
  });
});
