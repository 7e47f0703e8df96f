/**
 * What a diagnosis of a worker that fails to start needs to know. A module worker whose script
 * cannot be loaded (404, a wrong MIME type, blocked by CSP or COEP) fires a bare `error` event: no
 * message, no URL. So the script URL is recorded when the worker is created, and CSP violations
 * are noted; `worker-startup-diagnosis.ts` (loaded only on such a failure, to keep the main bundle
 * small) fetches the URL again to say what went wrong.
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
  // No global Worker to record (a test's factory of fake workers in Node): nothing to diagnose later.
  if (typeof NativeWorker !== 'function') return create();
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

/** The CSP directive that blocked `url` (or its origin) in this realm, if one did. */
export function violationFor(url: string): string | undefined {
  return violations.get(url) ?? violations.get(new URL(url).origin);
}
