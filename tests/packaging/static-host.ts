/**
 * A production-like static host for the packaging tests: serves a build folder under a base path
 * (`/` or a sub-path such as `/sub/`) with the headers the README asks a host to send: COOP/COEP
 * on every response, immutable caching for content-hashed files, revalidation for the rest.
 * @module
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** MIME types of what the bundlers emit. `.wasm` must be `application/wasm` for streaming compilation. */
const mimeTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** A file name with a content hash of 8 or more characters: `worker-3f9a1c2b.js`, `x.asyncify-Ab3_x9Qk.wasm`. */
const hashedName = /[-.][\w]{8,}\.\w+$/;

/** The headers every response of an inpage app needs (cross-origin isolation, so WASM can use threads). */
export const isolationHeaders: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * A fault the host can simulate for one file: `missing` answers 404 (a file the host does not
 * serve), `html` answers the app's `index.html` (a single-page-app fallback), `no-coep` serves the
 * file without the isolation headers.
 */
export type Fault = 'missing' | 'html' | 'no-coep';

/** A running static host. */
export interface StaticHost {
  /** Origin, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly origin: string;
  /** The app's URL: origin + base path (ends with `/`). */
  readonly url: string;
  /** Faults per path, relative to the base path. */
  readonly faults: Map<string, Fault>;
  /** Headers added to every response (e.g. a `Content-Security-Policy`). */
  readonly headers: Map<string, string>;
  close(): Promise<void>;
}

/**
 * Serves `root` at `basePath` on 127.0.0.1. A path that names a folder serves its `index.html`;
 * anything outside `basePath` is a 404.
 * @example
 * const host = await startStaticHost('app/dist', '/sub/');
 * await page.goto(host.url);
 */
export async function startStaticHost(root: string, basePath = '/'): Promise<StaticHost> {
  const faults = new Map<string, Fault>();
  const headers = new Map<string, string>();
  const server = createServer((request, response) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
      const relative = pathname.startsWith(basePath) ? pathname.slice(basePath.length) : undefined;
      const fault = relative === undefined ? undefined : faults.get(relative);
      if (fault !== 'no-coep') for (const [name, value] of Object.entries(isolationHeaders)) response.setHeader(name, value);
      for (const [name, value] of headers) response.setHeader(name, value);
      let file = relative === undefined || fault === 'missing' ? undefined : path.join(root, fault === 'html' ? 'index.html' : relative);
      if (file && !file.startsWith(path.resolve(root))) file = undefined;
      const info = file ? await stat(file).catch(() => undefined) : undefined;
      if (file && info?.isDirectory()) file = path.join(file, 'index.html');
      const fileInfo = file ? await stat(file).catch(() => undefined) : undefined;
      if (!file || !fileInfo?.isFile()) {
        response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
        return;
      }
      const type = mimeTypes[path.extname(file)] ?? 'application/octet-stream';
      const caching = hashedName.test(path.basename(file)) ? 'public, max-age=31536000, immutable' : 'no-cache';
      response.writeHead(200, { 'Content-Type': type, 'Content-Length': fileInfo.size, 'Cache-Control': caching });
      if (request.method === 'HEAD') response.end();
      else createReadStream(file).pipe(response);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}${basePath}`,
    faults,
    headers,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
