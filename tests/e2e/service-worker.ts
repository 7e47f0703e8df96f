/**
 * Where a page's responses came from, as the demo's service worker (`demo/sw-source.ts`) marks
 * them: its precache adds `X-Demo-Precache`.
 * @module
 */
import type { Page } from 'playwright';

/** `precache`: the service worker's cache; `service-worker`: fetched by it; `network`: it was not involved. */
export type ResponseSource = 'precache' | 'service-worker' | 'network';

/** The app shell and the built assets (the ONNX Runtime's `.mjs` and `.wasm` among them). */
export const isShellOrAsset = (pathname: string): boolean => pathname === '/' || /^\/assets\/.+\.(?:js|mjs|css|wasm)$/.test(pathname);

/** The ONNX Runtime's two files. */
export const runtimePattern = /\/ort-wasm-simd-threaded[^/]*\.(?:mjs|wasm)$/;

/**
 * Records, from now on, the source of each response of `page` (dedicated workers' included), by path.
 * @example
 * const sources = recordSources(page);
 * await page.reload();
 * expect(sources.get('/')).toBe('precache');
 */
export function recordSources(page: Page): Map<string, ResponseSource> {
  const sources = new Map<string, ResponseSource>();
  page.on('response', (response) => {
    const source = response.headers()['x-demo-precache'] ? 'precache' : response.fromServiceWorker() ? 'service-worker' : 'network';
    sources.set(new URL(response.url()).pathname, source);
  });
  return sources;
}

/**
 * The recorded shell and asset responses, and the runtime files among them.
 * @example
 * const { shell, runtime } = shellSources(sources);
 */
export function shellSources(sources: ReadonlyMap<string, ResponseSource>): {
  shell: Record<string, ResponseSource>;
  runtime: ResponseSource[];
} {
  const shell = Object.fromEntries([...sources].filter(([pathname]) => isShellOrAsset(pathname)));
  const runtime = Object.entries(shell)
    .filter(([pathname]) => runtimePattern.test(pathname))
    .map(([, source]) => source);
  return { shell, runtime };
}
