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

/** File names of the ONNX Runtime files the inpage worker loads (with or without a build hash). */
export const runtimeFilePattern = /ort-wasm-simd-threaded\.asyncify(?:-[\w-]+)?\.(?:wasm|mjs)(?:$|\?)/;

/** Headers that make a page cross-origin isolated (needed for WASM threads). */
export const isolationHeaders: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Long-lived caching for the runtime files: the browser then reuses its compiled wasm code. */
export const immutableCacheControl = 'public, max-age=31536000, immutable';

function headersMiddleware(options: InpageViteOptions): Connect.NextHandleFunction {
  const isolate = options.crossOriginIsolation ?? true;
  return (req, res, next) => {
    if (isolate) for (const [name, value] of Object.entries(isolationHeaders)) res.setHeader(name, value);
    if (req.url && runtimeFilePattern.test(req.url)) res.setHeader('Cache-Control', immutableCacheControl);
    next();
  };
}

/**
 * Vite plugin for apps that use inpage: cross-origin isolation headers on the dev and preview
 * servers, and immutable caching of the two ONNX Runtime files so that the browser keeps their
 * compiled code between visits. The production build needs no plugin: the worker's
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
  return {
    name: 'inpage',
    configureServer(server) {
      server.middlewares.use(headersMiddleware(options));
    },
    configurePreviewServer(server) {
      server.middlewares.use(headersMiddleware(options));
    },
  };
}
