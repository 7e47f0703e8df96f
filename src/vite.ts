import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import type { Connect, Plugin } from 'vite';

/** Options of the {@link inpage} Vite plugin. */
export interface InpageViteOptions {
  /**
   * Send `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`
   * from the dev and preview servers, so that the page is cross-origin isolated and WASM can use threads.
   * @default true
   */
  crossOriginIsolation?: boolean;
}

/** File names of the ONNX Runtime files the inpage worker loads, of every build (with or without a build hash). */
export const runtimeFilePattern = /ort-wasm-simd-threaded(?:\.(?:jspi|asyncify))?(?:-[\w-]+)?\.(?:wasm|mjs)(?:$|\?)/;

/** Headers that make a page cross-origin isolated (needed for WASM threads). */
export const isolationHeaders: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Long-lived caching for the runtime files: the browser then reuses its compiled wasm code. */
export const immutableCacheControl = 'public, max-age=31536000, immutable';

/** A runtime URL that names one exact file: a build's hashed name, or the dev server's version query. */
const versionedRuntimeUrl =
  /ort-wasm-simd-threaded(?:\.(?:jspi|asyncify))?(?:-[\w-]+\.(?:wasm|mjs)(?:$|\?)|\.(?:wasm|mjs)\?(?:[^#]*&)?inpage-runtime=)/;
/** The worker module that holds the runtime URLs (`dist/worker/runtime-files.js` in the package). */
const runtimeFilesModule = /[\\/]worker[\\/]runtime-files\.[jt]s$/;
/** A runtime URL literal in that module: `new URL('…/ort-wasm-simd-threaded.jspi.wasm'`. */
const runtimeUrlLiteral = /(new URL\(\s*)(['"])([^'"?]*ort-wasm-simd-threaded(?:\.(?:jspi|asyncify))?\.(?:wasm|mjs))\2/g;

const contentVersions = new Map<string, string>();

/** A short hash of a file's bytes, or `null` when it cannot be read. Cached per file state. */
function contentVersion(file: string): string | null {
  try {
    const { size, mtimeMs } = statSync(file);
    const key = `${file}:${size}:${mtimeMs}`;
    let version = contentVersions.get(key);
    if (version === undefined) {
      version = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
      contentVersions.set(key, version);
    }
    return version;
  } catch {
    return null;
  }
}

/**
 * Dev server only: appends `?inpage-runtime=<content hash>` to the runtime URLs, so that they can be
 * cached as immutable and an upgrade of inpage (a new runtime at the same path) is still fetched.
 */
function versionRuntimeUrls(code: string, id: string): string | null {
  const file = id.split('?')[0] ?? id;
  if (!runtimeFilesModule.test(file)) return null;
  let changed = false;
  const output = code.replace(runtimeUrlLiteral, (literal, prefix: string, quote: string, url: string) => {
    const version = contentVersion(path.resolve(path.dirname(file), url));
    if (!version) return literal;
    changed = true;
    return `${prefix}${quote}${url}?inpage-runtime=${version}${quote}`;
  });
  return changed ? output : null;
}

/**
 * Sets `Cache-Control` and keeps it: Vite's dev server sends `.mjs` files through its transform
 * middleware, which would overwrite the header with `no-cache` after this middleware ran.
 */
function pinCacheControl(res: ServerResponse, value: string): void {
  res.setHeader('Cache-Control', value);
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, headerValue) => setHeader(name, name.toLowerCase() === 'cache-control' ? value : headerValue);
}

function headersMiddleware(options: InpageViteOptions): Connect.NextHandleFunction {
  const isolate = options.crossOriginIsolation ?? true;
  return (req, res, next) => {
    if (isolate) for (const [name, value] of Object.entries(isolationHeaders)) res.setHeader(name, value);
    // Only a URL that names one exact file may be immutable: a plain `…/ort/x.wasm` would outlive an upgrade.
    if (req.url && versionedRuntimeUrl.test(req.url)) pinCacheControl(res, immutableCacheControl);
    next();
  };
}

/**
 * Vite plugin for apps that use inpage: cross-origin isolation headers on the dev and preview
 * servers, and immutable caching of the ONNX Runtime files so that the browser keeps their
 * compiled code between visits (the build names them by content hash; in dev the plugin adds a
 * content-hash query). The production build needs no plugin: the worker's
 * `new URL(..., import.meta.url)` references already emit the runtime as same-origin assets.
 * Serve those headers from your production server too (see the README, "Caching and offline").
 *
 * @param options - see {@link InpageViteOptions}.
 * @returns a Vite plugin.
 * @example
 * // vite.config.ts
 * import { defineConfig } from 'vite';
 * import { inpage } from 'inpage/vite';
 * export default defineConfig({ plugins: [inpage()] });
 */
export function inpage(options: InpageViteOptions = {}): Plugin {
  let serving = false;
  return {
    name: 'inpage',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    transform(code, id) {
      return serving ? versionRuntimeUrls(code, id) : null;
    },
    configureServer(server) {
      server.middlewares.use(headersMiddleware(options));
    },
    configurePreviewServer(server) {
      server.middlewares.use(headersMiddleware(options));
    },
  };
}
