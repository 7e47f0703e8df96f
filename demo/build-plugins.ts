/**
 * Vite plugins of the demo's production build: the strict Content Security Policy and the
 * service worker that makes the app usable offline after the first visit.
 * @module
 */
import type { Plugin } from 'vite';
import { serviceWorkerSource } from './sw-source.ts';

/**
 * The demo's CSP. Scripts only from the page's origin (plus WebAssembly compilation); models are
 * fetched by inpage's worker, whose own policy comes from its (same-origin) script response.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self' https://huggingface.co https://*.huggingface.co https://*.hf.co http://127.0.0.1:*",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * Adds the CSP as a `<meta>` tag, in builds only: the dev server injects inline styles for HMR.
 * @example
 * plugins: [demoCsp()]
 */
export function demoCsp(): Plugin {
  return {
    name: 'inpage-demo-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy }, injectTo: 'head-prepend' },
      ],
    },
  };
}

/**
 * Emits `sw.js`, precaching the app shell and every built asset (the ONNX Runtime's `.mjs` and
 * `.wasm` included), keyed by a hash of the asset names so that a new build replaces the cache.
 * @example
 * plugins: [demoServiceWorker()]
 */
export function demoServiceWorker(): Plugin {
  return {
    name: 'inpage-demo-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const assets = Object.keys(bundle).filter((name) => !name.endsWith('.map'));
      const urls = ['/', ...assets.filter((name) => name !== 'index.html').map((name) => `/${name}`)];
      let hash = 0;
      for (const char of urls.join('\n')) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
      const version = (hash >>> 0).toString(36);
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: serviceWorkerSource(version, urls) });
    },
  };
}
