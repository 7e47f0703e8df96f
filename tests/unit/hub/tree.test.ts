import { afterEach, describe, expect, it, vi } from 'vitest';
import { isInpageError } from '../../../src/errors.ts';
import { listFiles } from '../../../src/hub/hub-client.ts';

const oid = 'a'.repeat(40);
const sha256 = 'b'.repeat(64);
const good = { type: 'file', path: 'config.json', size: 10, oid };

/** listFiles against a Hub whose tree API answers `entries` (one page). */
async function listed(entries: unknown): Promise<unknown> {
  vi.stubGlobal('fetch', () => Promise.resolve(new Response(JSON.stringify(entries), { headers: { 'content-type': 'application/json' } })));
  try {
    return await listFiles({ endpoint: 'https://hub.example.com' }, 'org/model', 'c'.repeat(40));
  } catch (error) {
    return error;
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('tree entries are validated', () => {
  it('keeps files, skips directories, takes sha256 from lfs', async () => {
    const result = await listed([
      { type: 'directory', path: 'onnx', size: 0, oid },
      good,
      { type: 'file', path: 'onnx/model.onnx', size: 5, oid, lfs: { oid: sha256, size: 5, pointerSize: 130 } },
    ]);
    expect(result).toEqual({
      repo: 'org/model',
      commit: 'c'.repeat(40),
      files: [
        { path: 'config.json', size: 10, oid },
        { path: 'onnx/model.onnx', size: 5, oid, sha256 },
      ],
    });
  });

  it.each([
    ['a missing oid', [{ type: 'file', path: 'config.json', size: 10 }], /no valid oid/],
    ['a duplicate path', [good, good], /listed twice/],
    ['a path with ..', [{ ...good, path: '../config.json' }], /invalid path/],
    ['an absolute path', [{ ...good, path: '/etc/passwd' }], /invalid path/],
    ['an empty segment', [{ ...good, path: 'onnx//model.onnx' }], /invalid path/],
    ['a negative size', [{ ...good, size: -1 }], /invalid size/],
    ['a fractional size', [{ ...good, size: 1.5 }], /invalid size/],
    ['a string size', [{ ...good, size: '10' }], /invalid size/],
    ['a bad lfs oid', [{ ...good, lfs: { oid: 'xyz', size: 10 } }], /invalid lfs.oid/],
    ['an lfs size that differs', [{ ...good, lfs: { oid: sha256, size: 11 } }], /lfs.size 11 but size 10/],
    ['an entry without type', [{ path: 'config.json', size: 10, oid }], /has no type/],
    ['an object instead of a list', { files: [good] }, /not a JSON array/],
  ])('refuses %s with NETWORK', async (_, entries, message) => {
    const error = await listed(entries);
    expect(isInpageError(error, 'NETWORK')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

describe('Link headers', () => {
  it('finds rel="next" among several links and relative targets', async () => {
    const pages = new Map<string, { body: unknown; link?: string }>([
      [
        'https://hub.example.com/api/models/org/model/tree/' + 'c'.repeat(40) + '?recursive=true',
        { body: [good], link: '<https://hub.example.com/x?p=0>; rel="prev", </page2>; rel="next"' },
      ],
      ['https://hub.example.com/page2', { body: [{ ...good, path: 'b.json' }], link: '</page3>; title="n"; rel="last next"' }],
      ['https://hub.example.com/page3', { body: [{ ...good, path: 'c.json' }], link: '</page1>; rel="prev"' }],
    ]);
    vi.stubGlobal('fetch', (url: string) => {
      const page = pages.get(url);
      return Promise.resolve(new Response(JSON.stringify(page?.body ?? []), { headers: page?.link ? { link: page.link } : {} }));
    });
    const { files } = await listFiles({ endpoint: 'https://hub.example.com' }, 'org/model', 'c'.repeat(40));
    expect(files.map((file) => file.path)).toEqual(['config.json', 'b.json', 'c.json']);
  });
});
