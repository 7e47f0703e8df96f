import { diagnoseServedFile } from '../runtime/served-file.ts';
import { violationFor, workerScriptUrl } from './worker-startup.ts';

/**
 * Explains a worker that failed before it started. Imported on demand by the transport, only when
 * that happens, so the main bundle does not carry it.
 * @module
 */

/**
 * Why `worker` failed before it started (its `error` event carried no message), as a phrase that
 * names the script URL: the URL's HTTP status, MIME type, missing COEP header, or a CSP violation;
 * otherwise that the script itself loaded and one of its imports or its start-up failed.
 * @param fetchFile - injected for tests.
 * @example
 * worker.addEventListener('error', () => void explainWorkerStartFailure(worker).then(report));
 */
export async function explainWorkerStartFailure(worker: Worker, fetchFile?: typeof globalThis.fetch): Promise<string> {
  try {
    return await explain(worker, fetchFile);
  } catch {
    return 'the worker failed to start before it could report why';
  }
}

async function explain(worker: Worker, fetchFile?: typeof globalThis.fetch): Promise<string> {
  const url = workerScriptUrl(worker);
  if (url === undefined) return 'the worker failed to start before it could report why; check its script URL in the network panel';
  const directive = violationFor(url);
  if (directive)
    return `its script ${url} was blocked by the page's Content-Security-Policy (${directive}); allow it, e.g. worker-src 'self'`;
  const problem = await diagnoseServedFile(url, 'script', {
    isolated: globalThis.crossOriginIsolated === true,
    workerScript: true,
    ...(fetchFile ? { fetch: fetchFile } : {}),
  });
  if (problem) return `its script could not be loaded: ${problem}`;
  return `its script ${url} is served correctly, so a module it imports could not be loaded or it failed while starting; the browser console names the file`;
}
