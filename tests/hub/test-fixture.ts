import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Deterministic pseudo-random bytes (sha256 counter stream) for test files.
 *
 * @example
 * const weights = bytes(200_000, 'model');
 */
export function bytes(size: number, seed: string): Uint8Array {
  const out = new Uint8Array(size);
  for (let at = 0, i = 0; at < size; at += 32, i++)
    out.set(
      createHash('sha256')
        .update(`${seed}:${i}`)
        .digest()
        .subarray(0, Math.min(32, size - at)),
      at,
    );
  return out;
}

/**
 * sha256 hex of some bytes.
 *
 * @example
 * expect(sha256(body)).toBe(sha256(fixtureFiles.model));
 */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The files of the temp fixture tree, by `repo/path` (revisions under `repo/.revisions/{rev}/path`). */
export const fixtureFiles = {
  config: '{"model_type":"bert","hidden_size":8}\n',
  configV1: '{"model_type":"bert","hidden_size":4}\n',
  configPr: '{"model_type":"bert","hidden_size":2}\n',
  tokenizer: '{"version":"1.0","model":{"type":"WordPiece"}}\n',
  readme: '---\npipeline_tag: feature-extraction\nlibrary_name: transformers.js\ntags:\n  - onnx\n  - test\n---\n# Tiny\n',
  model: bytes(200_000, 'model'),
  modelQuantized: bytes(50_000, 'model-q'),
  modelV1: bytes(30_000, 'model-v1'),
  vocab: bytes(1024 * 1024 + 10, 'vocab'),
  gatedModel: bytes(10_000, 'gated'),
};

/**
 * A temp root with `test-org/tiny` (main, `.revisions/v1`, `.revisions/refs%2Fpr%2F1`) and `test-org/gated`.
 *
 * @example
 * const { root, cleanup } = makeFixtureRoot();
 */
export function makeFixtureRoot(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'inpage-hub-'));
  const put = (rel: string, data: Uint8Array | string): void => {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, data);
  };
  const f = fixtureFiles;
  put('test-org/tiny/config.json', f.config);
  put('test-org/tiny/tokenizer.json', f.tokenizer);
  put('test-org/tiny/README.md', f.readme);
  put('test-org/tiny/onnx/model.onnx', f.model);
  put('test-org/tiny/onnx/model_quantized.onnx', f.modelQuantized);
  put('test-org/tiny/vocab.txt', f.vocab);
  put('test-org/tiny/.revisions/v1/config.json', f.configV1);
  put('test-org/tiny/.revisions/v1/onnx/model.onnx', f.modelV1);
  put('test-org/tiny/.revisions/refs%2Fpr%2F1/config.json', f.configPr);
  put('test-org/gated/config.json', f.config);
  put('test-org/gated/onnx/model.onnx', f.gatedModel);
  return {
    root,
    cleanup: () => {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The outcome of a raw `node:http` GET: what arrived before the connection ended or was cut. */
export interface RawResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Whether the whole announced body arrived. */
  complete: boolean;
}

/**
 * GETs a URL with `node:http` on a fresh connection and resolves when the response ends or is cut.
 *
 * @param onData - Called with the byte count after each chunk (e.g. to close the server mid-download).
 *
 * @example
 * const { body, complete } = await rawGet(location, { Range: 'bytes=0-99' });
 */
export function rawGet(url: string, headers: Record<string, string> = {}, onData?: (received: number) => void): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        onData?.(received);
      });
      res.on('error', () => undefined);
      res.on('close', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete });
      });
    });
    req.on('error', reject);
  });
}

/**
 * The CDN URL the Hub redirects a weight file to.
 *
 * @example
 * const location = await cdnLocation(hub.url, 'test-org/tiny', 'onnx/model.onnx');
 */
export async function cdnLocation(hubUrl: string, repo: string, file: string, revision = 'main'): Promise<string> {
  const res = await fetch(`${hubUrl}/${repo}/resolve/${revision}/${file}`, { redirect: 'manual' });
  await res.arrayBuffer();
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`Expected a redirect for ${file}, got ${res.status}`);
  return location;
}
