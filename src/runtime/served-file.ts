/**
 * Why a file the app must serve (the worker script, an ONNX Runtime file) could not be used: the
 * browser's own failure says nothing (a module worker that fails to load fires a bare `error`
 * event; a failed `import()` names no status), so the file is fetched again and its answer read.
 * @module
 */

/** What a file must be served as: a script (worker, runtime `.mjs`) or WebAssembly. */
export type ServedFileKind = 'script' | 'wasm';

/** A JavaScript MIME type essence (the HTML standard's list, as browsers check module scripts). */
const javascriptType = /^(?:text|application)\/(?:x-)?(?:javascript|ecmascript)$|^text\/(?:jscript|livescript)$/;

function essence(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Options of {@link diagnoseServedFile}. */
export interface DiagnoseOptions {
  /** The page is cross-origin isolated, so a worker script needs its own COEP header. */
  isolated?: boolean;
  /** A worker's main script (checked for COEP when `isolated`). */
  workerScript?: boolean;
  /** Injected for tests. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

/**
 * Fetches `url` and says what is wrong with how it is served, or `undefined` when nothing is:
 * a network error or a blocked request, an HTTP error status, a script served with a non-JavaScript
 * MIME type (an HTML fallback page, typically), or a worker script of an isolated page without COEP.
 * @example
 * const problem = await diagnoseServedFile('/assets/worker-abc.js', 'script', { isolated: true, workerScript: true });
 * // 'http://localhost/assets/worker-abc.js answered HTTP 404 Not Found: …'
 */
export async function diagnoseServedFile(url: string, kind: ServedFileKind, options: DiagnoseOptions = {}): Promise<string | undefined> {
  const fetchFile = options.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    response = await fetchFile(url, { cache: 'no-store', credentials: 'same-origin' });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return `${url} could not be fetched (${detail}): the server is unreachable, or the request was blocked (by the page's Content-Security-Policy, or because a cross-origin file lacks CORS and Cross-Origin-Resource-Policy headers)`;
  }
  await response.body?.cancel().catch(() => undefined);
  if (!response.ok) {
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    return `${url} answered HTTP ${status}: the host does not serve this file; deploy every file the bundler emitted, at the same path`;
  }
  const type = essence(response.headers.get('content-type'));
  if (kind === 'script' && !javascriptType.test(type)) {
    const fallback = type === 'text/html' ? ' (a host that answers unknown paths with index.html does this)' : '';
    return `${url} was served as "${type || 'no Content-Type'}", not as JavaScript${fallback}; browsers refuse to run it as a module`;
  }
  if (options.workerScript && options.isolated && !response.headers.get('cross-origin-embedder-policy')) {
    return `${url} was served without a Cross-Origin-Embedder-Policy header: a cross-origin-isolated page only starts a worker whose script is served with COEP (require-corp) too`;
  }
  return undefined;
}
