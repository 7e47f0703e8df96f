import { diagnoseServedFile } from '../runtime/served-file.ts';

/**
 * Diagnosis of a worker that fails to start. A module worker whose script cannot be loaded (404,
 * a wrong MIME type, blocked by CSP or COEP) fires a bare `error` event: no message, no URL. So the
 * script URL is recorded when the worker is created, and on such an event the URL is fetched again
 * to say what went wrong.
 * @module
 */

/** The script URL each worker was created with. */
const scriptUrls = new WeakMap<Worker, string>();
/** Recent Content-Security-Policy violations of this realm: blocked URL → directive. */
const violations = new Map<string, string>();
let listening = false;

function listenForViolations(): void {
  if (listening || typeof document === 'undefined') return;
  listening = true;
  document.addEventListener('securitypolicyviolation', (event) => {
    if (violations.size > 20) violations.clear();
    violations.set(event.blockedURI, event.effectiveDirective);
  });
}

/**
 * Runs `create` (a factory that calls `new Worker(url, …)`) and records the URL the worker was
 * created with. Bundlers only recognise the literal `new Worker(new URL(…, import.meta.url))`, so
 * the URL cannot be computed beforehand; the global `Worker` is swapped for a recording subclass
 * during the synchronous call, and restored before anything else can run.
 * @example
 * const worker = createRecordedWorker(() => new Worker(new URL('./w.js', import.meta.url), { type: 'module' }));
 * workerScriptUrl(worker); // 'https://app.example/assets/w-1a2b3c.js'
 */
export function createRecordedWorker(create: () => Worker): Worker {
  listenForViolations();
  const NativeWorker = globalThis.Worker;
  let url: string | undefined;
  globalThis.Worker = class extends NativeWorker {
    constructor(scriptUrl: string | URL, options?: WorkerOptions) {
      super(scriptUrl, options);
      url = new URL(String(scriptUrl), globalThis.location?.href).href;
    }
  };
  let worker: Worker;
  try {
    worker = create();
  } finally {
    globalThis.Worker = NativeWorker;
  }
  if (url !== undefined) scriptUrls.set(worker, url);
  return worker;
}

/** The script URL `worker` was created with, when {@link createRecordedWorker} created it. */
export function workerScriptUrl(worker: Worker): string | undefined {
  return scriptUrls.get(worker);
}

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
  const directive = violations.get(url) ?? violations.get(new URL(url).origin);
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
